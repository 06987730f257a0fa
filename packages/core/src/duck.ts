import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** A SQL string literal with quotes escaped. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier. */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Opens a private in-memory DuckDB for shard I/O, bounded in memory and spilling to `tempDir`. */
export async function openScratchDb(
  tempDir: string,
  memoryLimit = "512MB",
  threads = 1,
): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: memoryLimit,
    temp_directory: tempDir,
    threads: String(threads),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "true",
  });
  const conn = await instance.connect();
  return { instance, conn };
}
