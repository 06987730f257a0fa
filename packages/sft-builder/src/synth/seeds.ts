import { type Catalog, defined, documentMeta, firstActiveStage, UsageError } from "@soro/core";
import { isHeading } from "./text.js";

/** Stages a selection can name, latest first: the default is the first that has active shards. */
export const SEED_STAGES = ["decontam", "dedup", "select", "normalize", "ingest"];

/** A piece of one educational document that seeds examples, with where it came from. */
export interface SeedChunk {
  docId: string;
  /** File or URL of the document. */
  origin: string | null;
  subject: string;
  grade: number | null;
  /** The nearest heading above the chunk (an article, a chapter), if any. */
  heading: string | null;
  paragraphs: string[];
  /** Position of the chunk in its document. */
  index: number;
}

/** The chunk's text as one string (heading first). */
export function chunkText(c: SeedChunk): string {
  return [c.heading, ...c.paragraphs].filter(Boolean).join("\n");
}

/** Splits a document into chunks of whole paragraphs up to `maxChars`, each under its heading. */
export function chunkDocument(
  doc: { id: string; text: string; origin: string | null; subject: string; grade: number | null },
  maxChars = 1200,
): SeedChunk[] {
  const blocks = doc.text
    .split(/\n+/)
    .map((b) => b.replace(/\s+/g, " ").trim())
    .filter(Boolean);
  const chunks: SeedChunk[] = [];
  let heading: string | null = null;
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    if (current.length)
      chunks.push({
        docId: doc.id,
        origin: doc.origin,
        subject: doc.subject,
        grade: doc.grade,
        heading,
        paragraphs: current,
        index: chunks.length,
      });
    current = [];
    size = 0;
  };
  for (const b of blocks) {
    if (isHeading(b)) {
      flush();
      heading = b;
      continue;
    }
    if (size > 0 && size + b.length > maxChars) flush();
    current.push(b);
    size += b.length;
  }
  flush();
  return chunks;
}

/** The stage a selection reads: the one named, or the latest of SEED_STAGES with active shards. */
export async function seedStage(catalog: Catalog, from?: string): Promise<string> {
  if (from) {
    if ((await catalog.activeShards([from])).length === 0)
      throw new UsageError(
        `soro sft: stage ${from} has no active shards`,
        `run it first, or pick one of ${SEED_STAGES.join(", ")}`,
      );
    return from;
  }
  const stage = await firstActiveStage(catalog, SEED_STAGES);
  if (stage) return stage;
  throw new UsageError(
    "soro sft: the catalog has no documents to seed from",
    "ingest curriculum files first: soro ingest DIR --source edu (with subject and grade in _meta.yaml)",
  );
}

/** A grade range to seed from, inclusive. */
export interface GradeRange {
  min: number;
  max: number;
}

/** Parses `--grade 5` or `--grade 5-7`; null for anything else. */
export function parseGradeRange(value: string): GradeRange | null {
  const m = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$/.exec(value);
  if (!m) return null;
  const min = Number(m[1]);
  const max = Number(m[2] ?? m[1]);
  return min <= max ? { min, max } : null;
}

/**
 * The educational documents of a stage's active shards (source edu), chunked; optionally one subject only, and
 * only passages of some grades: a document's `grade` metadata where it has one, else the quality stage's
 * estimated `reading_grade` (rounded) where the stage carries that column.
 */
export async function loadSeeds(
  catalog: Catalog,
  opts: { from?: string; subject?: string; maxChars?: number; grades?: GradeRange } = {},
): Promise<{ stage: string; docs: number; chunks: SeedChunk[] }> {
  const stage = await seedStage(catalog, opts.from);
  const table = defined(await catalog.stageTableSql(stage), `the active shards of ${stage}`);
  const hasReading =
    (
      await catalog.rows(
        `SELECT column_name FROM (DESCRIBE SELECT * FROM ${table}) WHERE column_name = 'reading_grade'`,
      )
    ).length > 0;
  const rows = await catalog.rows(
    `SELECT id, text, coalesce(path, url) AS origin, meta, ${hasReading ? "reading_grade" : "NULL::DOUBLE AS reading_grade"}
     FROM ${table} WHERE source = 'edu' ORDER BY id`,
  );
  const chunks: SeedChunk[] = [];
  let docs = 0;
  for (const r of rows) {
    const meta = documentMeta({ meta: r.meta as string | null });
    const subject = String(meta.subject ?? "");
    if (opts.subject && subject !== opts.subject) continue;
    const grade = Number.parseInt(String(meta.grade ?? ""), 10);
    if (opts.grades) {
      const g = Number.isFinite(grade)
        ? grade
        : r.reading_grade === null
          ? Number.NaN
          : Math.round(Number(r.reading_grade));
      if (!(g >= opts.grades.min && g <= opts.grades.max)) continue;
    }
    docs++;
    chunks.push(
      ...chunkDocument(
        {
          id: String(r.id),
          text: String(r.text),
          origin: (r.origin as string | null) ?? null,
          subject,
          grade: Number.isFinite(grade) ? grade : null,
        },
        opts.maxChars,
      ),
    );
  }
  return { stage, docs, chunks };
}
