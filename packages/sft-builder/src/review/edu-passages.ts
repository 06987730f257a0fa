import { type Catalog, firstActiveStage, sqlString, UsageError } from "@soro/core";
import { addSamples } from "../samples/schema.js";
import { chunkDocument, chunkText } from "../synth/seeds.js";
import { EDU_TASK, type EduPassage, eduItem } from "./edu-ratings.js";
import { ensureReviewTables } from "./schema.js";

/** Stages passages can come from, latest first; the default is the first with active shards. */
export const EDU_PASSAGE_STAGES = ["decontam", "dedup", "select", "quality", "normalize", "ingest"];

/** A passage is at most this long: one screen to read, a few paragraphs of its document. */
const PASSAGE_CHARS = 1500;
/** The first chunk at least this long is the passage, so a title or a menu line alone does not stand for a document. */
const MIN_PASSAGE_CHARS = 200;

/** What a load added. */
export interface EduLoadResult {
  stage: string;
  /** Passages queued now (documents queued before are skipped). */
  added: number;
  /** Passages per stratum (source, and the edu_score band where the column exists). */
  strata: Record<string, number>;
}

/** The passage of a document: its first chunk of whole paragraphs that is long enough, else its first. */
export function passageOf(doc: { id: string; text: string }): string {
  const chunks = chunkDocument(
    { id: doc.id, text: doc.text, origin: null, subject: "", grade: null },
    PASSAGE_CHARS,
  );
  const chosen = chunks.find((c) => chunkText(c).length >= MIN_PASSAGE_CHARS) ?? chunks[0];
  return (chosen ? chunkText(chosen) : doc.text).slice(0, PASSAGE_CHARS * 2).trim();
}

/**
 * Samples `n` documents of a stage not queued for rating before and queues one passage of each for
 * educational-value rating. Documents are spread evenly over strata, each its source kind and, when the stage has
 * an `edu_score` column, the score's whole-number band (0–5), so rare sources and rare scores get rated too; within
 * a stratum the order is a seeded hash of the id (the same seed picks the same documents).
 */
export async function loadEduPassages(
  catalog: Catalog,
  opts: { n: number; stage?: string; seed?: number },
): Promise<EduLoadResult> {
  if (!Number.isInteger(opts.n) || opts.n < 1)
    throw new UsageError(`soro sft load-edu: --n ${opts.n} is not a whole number ≥ 1`, "give e.g. --n 200");
  const stage = opts.stage ?? (await firstActiveStage(catalog, EDU_PASSAGE_STAGES));
  const table = stage ? await catalog.stageTableSql(stage) : null;
  if (!stage || !table)
    throw new UsageError(
      `soro sft load-edu: ${opts.stage ? `stage ${opts.stage} has` : "the catalog has"} no active shards to take passages from`,
      `run a stage first, or pick one of ${EDU_PASSAGE_STAGES.join(", ")} with --stage`,
    );
  await ensureReviewTables(catalog);
  const columns = new Set(
    (await catalog.rows(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${table})`)).map((r) =>
      String(r.column_name),
    ),
  );
  const band = columns.has("edu_score")
    ? `' · edu ' || coalesce(CAST(least(greatest(floor(edu_score), 0), 5) AS INTEGER)::VARCHAR, '?')`
    : "''";
  const seed = String(opts.seed ?? 0);
  const rows = await catalog.rows(
    `WITH docs AS (
       SELECT id, text, source, source || ${band} AS stratum FROM ${table}
       WHERE text IS NOT NULL AND length(trim(text)) > 0
         AND id NOT IN (SELECT source_doc_id FROM sft_samples WHERE task = $1 AND source_doc_id IS NOT NULL)
     ), ranked AS (
       SELECT *, row_number() OVER (PARTITION BY stratum ORDER BY hash(id || ${sqlString(seed)}), id) AS rank
       FROM docs
     )
     SELECT id, text, source, stratum FROM ranked ORDER BY rank, hash(stratum || ${sqlString(seed)}), stratum
     LIMIT ${opts.n}`,
    [EDU_TASK],
  );
  const strata: Record<string, number> = {};
  const passages: EduPassage[] = rows.map((r) => {
    strata[String(r.stratum)] = (strata[String(r.stratum)] ?? 0) + 1;
    return {
      doc_id: String(r.id),
      text: passageOf({ id: String(r.id), text: String(r.text) }),
      source: String(r.source),
      stage,
    };
  });
  const added = await addSamples(catalog, passages.map(eduItem));
  return { stage, added, strata };
}
