import { existsSync } from "node:fs";
import path from "node:path";
import {
  Catalog,
  type CatalogOpenOptions,
  configHash,
  defined,
  describeError,
  sqlIdent,
  sqlString,
  type Workspace,
} from "@soro/core";
import type { SftSample } from "../samples/schema.js";
import { reviewDbDir } from "./review-db.js";

/**
 * The review app's second kind of item: a passage whose educational value annotators rate 0–5. Passages live in
 * `sft_samples` beside SFT samples (task `edu_value`, the passage in `source_excerpt`, no messages), so the queue,
 * the k-overlap assignment, the audit log, publishing and agreement are the ones SFT review uses.
 */
export const EDU_TASK = "edu_value";

/** The lowest and highest educational-value rating. */
export const EDU_MIN = 0;
export const EDU_MAX = 5;

/** A passage to rate, taken from one document of a stage's shards. */
export interface EduPassage {
  doc_id: string;
  text: string;
  /** Where the document came from (a source name), shown to reviewers as the subject. */
  source: string | null;
  /** The stage whose shards the passage came from. */
  stage: string;
}

/** The queued review item of a passage; one per document, so loading the same document twice adds nothing. */
export function eduItem(p: EduPassage): Omit<SftSample, "version"> {
  return {
    sample_id: configHash({ task: EDU_TASK, doc_id: p.doc_id }),
    task: EDU_TASK,
    subject: p.source,
    grade: null,
    source_doc_id: p.doc_id,
    source_excerpt: p.text,
    messages: [],
    engine: `passage:${p.stage}`,
    template_version: null,
    status: "queued",
  };
}

/** A passage's accepted rating: the mean of its annotators' ratings and how many there were. */
export interface EduRating {
  doc_id: string;
  text: string;
  mean: number;
  n: number;
}

/** Whether `database` holds the tables ratings are read from. */
async function hasRatingTables(c: Catalog, database: string): Promise<boolean> {
  const rows = await c.rows(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = $1
       AND table_name IN ('sft_samples', 'sft_review_reviews')`,
    [database],
  );
  return Number(rows[0]?.n ?? 0) === 2;
}

async function ratingsIn(c: Catalog, database: string): Promise<EduRating[]> {
  if (!(await hasRatingTables(c, database))) return [];
  const db = sqlIdent(database);
  const rows = await c.rows(
    `SELECT s.source_doc_id AS doc_id, s.source_excerpt AS text, avg(r.rating)::DOUBLE AS mean, count(*) AS n
     FROM ${db}.sft_samples s JOIN ${db}.sft_review_reviews r USING (sample_id)
     WHERE s.task = $1 AND s.status = 'accepted' AND r.rating IS NOT NULL
     GROUP BY s.source_doc_id, s.source_excerpt ORDER BY s.source_doc_id`,
    [EDU_TASK],
  );
  return rows.map((r) => ({
    doc_id: String(r.doc_id),
    text: String(r.text),
    mean: Number(r.mean),
    n: Number(r.n),
  }));
}

/**
 * The accepted educational-value ratings of a workspace (passages whose k-overlap was reached and whose raters
 * agreed, or a lead accepted), with the mean rating; [] before anything was rated. Reads the review database when
 * no review server holds it (it has every rating, published or not), else the catalog, which a running server
 * updates every few seconds. Nothing is written. Pass the open `Catalog` when the caller holds one.
 */
export async function readEduRatings(
  ws: Workspace | Catalog,
  options: Pick<CatalogOpenOptions, "wait" | "onWait"> = {},
): Promise<EduRating[]> {
  const own = !(ws instanceof Catalog);
  const c = ws instanceof Catalog ? ws : await Catalog.open(ws.dir, { ...options, readOnly: true });
  try {
    const main = String(
      defined((await c.rows("SELECT current_database() AS db"))[0], "the current database").db,
    );
    const file = path.join(reviewDbDir(c.ws.dir), "catalog.duckdb");
    const alias = "soro_edu_review_db";
    let attached = false;
    if (existsSync(file)) {
      try {
        await c.conn.run(`ATTACH ${sqlString(file)} AS ${sqlIdent(alias)} (READ_ONLY)`);
        attached = true;
      } catch (err) {
        // A running review server holds its file; the catalog then has what it published seconds ago.
        if (!/lock/i.test(describeError(err))) throw err;
      }
    }
    try {
      return await ratingsIn(c, attached ? alias : main);
    } finally {
      if (attached) await c.conn.run(`DETACH ${sqlIdent(alias)}`);
    }
  } finally {
    if (own) c.close();
  }
}
