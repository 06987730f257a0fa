import path from "node:path";
import { StatementType } from "@duckdb/node-api";
import type { Catalog } from "./catalog/catalog.js";
import { sqlIdent, sqlString } from "./duck.js";
import { firstLine, UsageError } from "./errors.js";

/** The view name of a stage's active shards in ad-hoc queries. */
function docsViewName(stage: string): string {
  return `docs_${stage.replace(/\W/g, "_")}`;
}

/**
 * Makes a read-only catalog connection safe for SQL from a person: a docs_<stage> view over each stage's active
 * shards, then no file access outside the shard folders (no ATTACH, COPY, EXPORT, read_text('/etc/passwd'),
 * extensions), then the configuration locked so no statement can undo it. The views read their Parquet at query
 * time, so the shard folders stay allowed; only SELECT statements may run (see `runUserQuery`), which keeps them
 * from writing there.
 */
export async function lockDownForQueries(catalog: Catalog): Promise<void> {
  const dirs = new Set([`${catalog.ws.shardsDir}${path.sep}`]);
  const stages = await catalog.rows(
    `SELECT DISTINCT stage FROM shards WHERE status = 'active' ORDER BY stage`,
  );
  for (const { stage } of stages) {
    const table = await catalog.stageTableSql(String(stage));
    if (!table) continue;
    await catalog.conn.run(
      `CREATE TEMP VIEW ${sqlIdent(docsViewName(String(stage)))} AS SELECT * FROM ${table}`,
    );
    for (const s of await catalog.activeShards([String(stage)]))
      dirs.add(`${path.dirname(catalog.shardPath(s))}${path.sep}`);
  }
  const allowed = [...dirs].filter((d) => ![...dirs].some((o) => o !== d && d.startsWith(o)));
  await catalog.conn.run(`SET allowed_directories = [${allowed.map(sqlString).join(", ")}]`);
  await catalog.conn.run("SET enable_external_access = false");
  await catalog.conn.run("SET lock_configuration = true");
}

/** Why a statement may not run in a locked-down query, or null when it may. */
async function refusal(catalog: Catalog, sql: string): Promise<string | null> {
  const statements = await catalog.conn.extractStatements(sql);
  if (statements.count !== 1) return `one statement at a time (got ${statements.count})`;
  const type = (await statements.prepare(0)).statementType;
  if (type === StatementType.SELECT) return null;
  // A plain EXPLAIN of a SELECT only plans; EXPLAIN ANALYZE runs what it explains (EXPLAIN ANALYZE COPY writes).
  const inner = /^\s*EXPLAIN\s+(?!ANALY[SZ]E\b)([\s\S]*)$/i.exec(sql)?.[1];
  if (type === StatementType.EXPLAIN && inner && (await refusal(catalog, inner)) === null) return null;
  return `only read-only statements (SELECT, DESCRIBE, SHOW, EXPLAIN of a SELECT) may run, not ${StatementType[type] ?? type}`;
}

/**
 * Runs one read-only statement from a person on a connection locked down by `lockDownForQueries`. Anything else
 * (several statements, writes, ATTACH, SET, files outside the shard folders) is a UsageError of one line.
 */
export async function runUserQuery(catalog: Catalog, sql: string): Promise<Record<string, unknown>[]> {
  let why: string | null;
  try {
    why = await refusal(catalog, sql);
  } catch (err) {
    const msg = firstLine((err as Error).message);
    if (!isPermissionError(msg)) throw new UsageError(`soro sql: ${msg}`, "fix the query");
    why = msg;
  }
  if (!why)
    try {
      return await catalog.rows(sql);
    } catch (err) {
      const msg = firstLine((err as Error).message);
      if (!isPermissionError(msg)) throw err;
      why = msg;
    }
  throw new UsageError(
    `soro sql: refused: ${why}`,
    "soro sql only reads the catalog and the workspace's shards",
  );
}

/** Whether DuckDB refused a file outside the shard folders (when binding or running a statement). */
function isPermissionError(message: string): boolean {
  return /^Permission Error/i.test(message);
}
