import { type Catalog, PIPELINE_ORDER as CORE_PIPELINE_ORDER } from "@soro/core";

/** Stages in pipeline order; a stage not listed here comes after them, in the order it first appeared. */
export const PIPELINE_ORDER: readonly string[] = CORE_PIPELINE_ORDER;
/** Stages that bring documents in (their shards have no parent shards). */
export const SOURCE_STAGES = ["crawl", "pdf", "ingest"];
/** Side outputs that hold removed documents, not the corpus. */
export const SIDE_STAGES = ["select_removed"];

/** Whether a table or view exists in the catalog. */
export async function hasTable(catalog: Catalog, name: string): Promise<boolean> {
  const rows = await catalog.rows(
    `SELECT 1 FROM duckdb_tables() WHERE table_name = $1 UNION ALL SELECT 1 FROM duckdb_views() WHERE view_name = $1`,
    [name],
  );
  return rows.length > 0;
}

/** The columns of a table (empty when it does not exist). */
export async function tableColumns(catalog: Catalog, name: string): Promise<Set<string>> {
  const rows = await catalog.rows(`SELECT column_name FROM duckdb_columns() WHERE table_name = $1`, [name]);
  return new Set(rows.map((r) => String(r.column_name)));
}

/** The union of the columns of a stage's active shards. */
export async function stageColumns(catalog: Catalog, stage: string): Promise<Set<string>> {
  const rows = await catalog.rows(
    `SELECT DISTINCT unnest(columns) AS c FROM shards WHERE stage = $1 AND status = 'active'`,
    [stage],
  );
  return new Set(rows.map((r) => String(r.c)));
}

/** The stages with active shards, in pipeline order. */
export async function activeStages(catalog: Catalog): Promise<string[]> {
  const rows = await catalog.rows(
    `SELECT stage FROM shards WHERE status = 'active' GROUP BY stage ORDER BY min(created_at), stage`,
  );
  const found = rows.map((r) => String(r.stage));
  const rank = (s: string) => {
    const i = PIPELINE_ORDER.indexOf(s);
    return i < 0 ? PIPELINE_ORDER.length + found.indexOf(s) : i;
  };
  return found.sort((a, b) => rank(a) - rank(b));
}

/**
 * The configuration hashes that make up a stage's current output: those of its active shards, or, for a run whose
 * output is empty, its latest finished run.
 */
export async function currentConfigs(catalog: Catalog, stage: string): Promise<string[]> {
  const active = await catalog.rows(
    `SELECT DISTINCT config_hash FROM shards WHERE stage = $1 AND status = 'active' ORDER BY 1`,
    [stage],
  );
  if (active.length > 0) return active.map((r) => String(r.config_hash));
  const last = await catalog.rows(
    `SELECT config_hash FROM stage_runs WHERE stage = $1 AND status = 'done' ORDER BY run_id DESC LIMIT 1`,
    [stage],
  );
  return last.map((r) => String(r.config_hash));
}

/** A SQL list literal of strings, for `IN (...)`. */
export function sqlList(values: string[]): string {
  return values.length === 0 ? "(NULL)" : `(${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")})`;
}
