import type { Catalog } from "@soro/core";
import type { Verdict } from "../checks/verdict.js";
import { ensureSftTables } from "../samples/schema.js";

/** Synthesis tables (migration key `ext:sft_synth`): generate runs with their ledgers, and where each sample came from. */
export const SYNTH_MIGRATIONS: string[] = [
  `
  CREATE SEQUENCE sft_run_seq START 1;
  CREATE TABLE sft_runs (
    run_id BIGINT PRIMARY KEY DEFAULT nextval('sft_run_seq'),
    started_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    engine VARCHAR NOT NULL,
    template_version VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    tasks VARCHAR[] NOT NULL,
    target INTEGER NOT NULL,
    candidates INTEGER,
    queued INTEGER,
    auto_rejected INTEGER,
    existing INTEGER,
    ledger JSON,
    error VARCHAR
  );
  CREATE TABLE sft_sample_sources (
    sample_id VARCHAR PRIMARY KEY,
    run_id BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    origin VARCHAR,
    heading VARCHAR,
    chunk_index INTEGER NOT NULL,
    prompt_hash VARCHAR
  );
  `,
];

/** Creates or migrates the shared sample tables and the synthesis tables. */
export async function ensureSynthTables(catalog: Catalog): Promise<void> {
  await ensureSftTables(catalog);
  await catalog.ensureExtension("sft_synth", SYNTH_MIGRATIONS);
}

/** Stores the verdicts of samples' checks in one statement (a re-check replaces them). */
export async function recordChecks(
  catalog: Catalog,
  checks: Array<{ sampleId: string; verdicts: Verdict[] }>,
): Promise<void> {
  const rows = checks.flatMap((c) =>
    c.verdicts.map((v) => [c.sampleId, v.check, v.passed, v.score, v.detail]),
  );
  if (rows.length === 0) return;
  await catalog.rows(
    `INSERT OR REPLACE INTO sft_checks (sample_id, check_name, passed, score, detail) VALUES ${rows.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`).join(", ")}`,
    rows.flat(),
  );
}

/** The verdicts stored for a sample, by check name. */
export async function sampleChecks(catalog: Catalog, sampleId: string): Promise<Verdict[]> {
  await ensureSftTables(catalog);
  const rows = await catalog.rows(
    `SELECT check_name, passed, score, detail FROM sft_checks WHERE sample_id = $1 ORDER BY check_name`,
    [sampleId],
  );
  return rows.map((r) => ({
    check: String(r.check_name),
    passed: Boolean(r.passed),
    score: r.score === null ? null : Number(r.score),
    detail: (r.detail as string | null) ?? null,
  }));
}

/** How many samples failed each check, and how many passed it (for `soro sft checks`). */
export async function checkStats(
  catalog: Catalog,
): Promise<Array<{ check: string; passed: number; failed: number }>> {
  await ensureSftTables(catalog);
  const rows = await catalog.rows(
    `SELECT check_name, count(*) FILTER (WHERE passed) AS passed, count(*) FILTER (WHERE NOT passed) AS failed
     FROM sft_checks GROUP BY check_name ORDER BY check_name`,
  );
  return rows.map((r) => ({
    check: String(r.check_name),
    passed: Number(r.passed),
    failed: Number(r.failed),
  }));
}
