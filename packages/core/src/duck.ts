import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { duckdb } from "./duckdb.js";

/** A SQL string literal with quotes escaped. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The host of the URL in `column`, lower-cased, as a SQL expression (NULL when there is none). */
export function hostSql(column = "url"): string {
  return `lower(nullif(regexp_extract(${column}, '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1), ''))`;
}

/** Opens a private in-memory DuckDB for shard I/O, bounded in memory and spilling to `tempDir`. */
export async function openScratchDb(
  tempDir: string,
  memoryLimit = "512MB",
  threads = 1,
): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await duckdb.DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    temp_directory: tempDir,
    threads: String(threads),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "true",
  });
  const conn = await instance.connect();
  return { instance, conn };
}
