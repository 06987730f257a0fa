// Every Parquet shard core writes goes through one COPY form, so every stage that reads a shard meets row groups of
// the same bounded size, whichever writer made it.
import type { DuckDBConnection } from "@duckdb/node-api";
import { defined } from "../errors.js";

/**
 * The most bytes of rows (uncompressed) one Parquet row group holds, unless one chunk of 2,048 rows alone takes more
 * than half of it (rows of over 8 KB). DuckDB's writer buffers a row group whole and writes each of its columns as
 * one page, and a reader decompresses a page whole: 20k rows of 4 KB texts made 77 MB pages that took 128 MiB
 * buffers to read back. DuckDB closes a group at the first chunk of rows that brings it to the size it is given
 * (ROW_GROUP_SIZE_BYTES), so it is given half of this, and a group holds one chunk more at most.
 */
export const ROW_GROUP_BYTES = 32 * 2 ** 20;

/** Rows at most in a row group of narrow rows (DuckDB closes it at the chunk of 2,048 that reaches this). */
export const ROW_GROUP_ROWS = 20_000;

/** The COPY options of a zstd Parquet shard; `extra` (rotation, file names, RETURN_STATS) follows them. */
export function parquetCopyOptions(zstdLevel = 3, extra = ""): string {
  return `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${zstdLevel}, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}, ROW_GROUP_SIZE_BYTES ${ROW_GROUP_BYTES / 2}${
    extra ? `, ${extra}` : ""
  }`;
}

/**
 * Runs `write` (a COPY with parquetCopyOptions) on one DuckDB thread with insertion order not preserved, then puts
 * the connection's settings back. DuckDB 1.5 refuses ROW_GROUP_SIZE_BYTES while insertion order is preserved (its
 * order-keeping writer counts rows alone); its other writer keeps the rows in the order the query makes them only
 * when one thread runs the statement, as it must already when a COPY rotates files (ROW_GROUPS_PER_FILE). The order
 * setting is the session's; threads are the database's, so a connection with more threads gives them up for the
 * statement (a longer wall time where cores are free, for about the same CPU).
 */
export async function inWriteOrder<T>(conn: DuckDBConnection, write: () => Promise<T>): Promise<T> {
  const row = defined(
    (
      await conn.runAndReadAll(
        "SELECT current_setting('threads')::BIGINT AS threads, current_setting('preserve_insertion_order')::BOOLEAN AS ordered",
      )
    ).getRowObjectsJS()[0],
    "DuckDB's threads and insertion-order settings",
  );
  const threads = Number(row.threads);
  const restore = async () => {
    if (row.ordered) await conn.run("RESET SESSION preserve_insertion_order");
    if (threads !== 1) await conn.run(`SET GLOBAL threads = ${threads}`);
  };
  if (threads !== 1) await conn.run("SET GLOBAL threads = 1");
  if (row.ordered) await conn.run("SET SESSION preserve_insertion_order = false");
  let result: T;
  try {
    result = await write();
  } catch (err) {
    // The statement's error is the one to report: in a transaction it failed, DuckDB refuses the restore too
    // (the settings then stay as the statement had them until the connection sets them again).
    await restore().catch(() => undefined);
    throw err;
  }
  await restore();
  return result;
}
