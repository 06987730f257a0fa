import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  BASE_COLUMNS,
  copyQueryToParts,
  copyQueryToShard,
  defined,
  openScratchDb,
  ROW_GROUP_BYTES,
  ShardWriter,
  sqlString,
} from "../src/index.js";
import { tempDir } from "./helpers.js";

// 10,000 distinct documents of ~3,000 characters (~5.7 KB of UTF-8): 57 MB, which 20k-row groups wrote as one.
const DOCS = 10_000;
const docs = `SELECT 'd' || i AS id, repeat('ҷумҳурии тоҷикистон ', 150) || i AS text FROM range(${DOCS}) t(i)`;

/** Each row group of `files`: its rows and uncompressed bytes, in file and group order. */
async function rowGroups(conn: DuckDBConnection, files: string[]) {
  const r = await conn.runAndReadAll(
    `SELECT file_name, row_group_id, any_value(row_group_num_rows)::INTEGER AS rows,
       sum(total_uncompressed_size)::BIGINT AS bytes
     FROM parquet_metadata([${files.map(sqlString).join(", ")}]) GROUP BY ALL ORDER BY ALL`,
  );
  return r.getRowObjectsJS().map((g) => ({ rows: Number(g.rows), bytes: Number(g.bytes) }));
}

/** Every group of `files` holds at most ROW_GROUP_BYTES; the rows read back in order equal `docs`. */
async function expectBoundedRoundTrip(conn: DuckDBConnection, files: string[]) {
  const groups = await rowGroups(conn, files);
  const rows = groups.reduce((a, g) => a + g.rows, 0);
  expect(rows).toBe(DOCS);
  expect(groups.length).toBeGreaterThan(1);
  for (const g of groups) expect(g.bytes).toBeLessThanOrEqual(ROW_GROUP_BYTES);
  const differ = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER AS n FROM (${docs}) want
     POSITIONAL JOIN (SELECT id, text FROM read_parquet([${files.map(sqlString).join(", ")}])) got
     WHERE got.id IS DISTINCT FROM want.id OR got.text IS DISTINCT FROM want.text`,
  );
  expect(differ.getRows()).toEqual([[0]]);
}

describe("row groups of the shards core writes", () => {
  it("are bounded by bytes, with every row back in order, whichever writer wrote them", async () => {
    const dir = await tempDir();
    const { instance, conn } = await openScratchDb(dir, "1GB");
    try {
      // The ingest path: a query to parts in one statement.
      const { files: parts } = await copyQueryToParts(conn, docs, { tmpDir: dir, prefix: "t/ingest" });
      await expectBoundedRoundTrip(
        conn,
        parts.map((f) => f.tmpPath),
      );
      const input = defined(parts[0], "the first part").tmpPath;

      // A stage with every column through JavaScript (the wide writer), and one joined onto its input.
      const read = (await conn.runAndReadAll(docs)).getRowObjectsJS();
      const wide = await ShardWriter.open({ tmpDir: dir, prefix: "t/wide", columns: BASE_COLUMNS });
      for (const d of read) await wide.write(d);
      await expectBoundedRoundTrip(
        conn,
        (await wide.close()).map((f) => f.tmpPath),
      );
      const joined = await ShardWriter.open({
        tmpDir: dir,
        prefix: "t/joined",
        columns: [{ name: "mark", type: "VARCHAR", doc: "" }],
        joinInput: { file: input, columns: BASE_COLUMNS.slice(0, 2), exclude: [] },
      });
      for (let i = 0; i < DOCS; i++) await joined.write({ _row: i, mark: "x" });
      await expectBoundedRoundTrip(
        conn,
        (await joined.close()).map((f) => f.tmpPath),
      );
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("writes a query to one shard on a connection of several threads in order, and gives its settings back", async () => {
    const dir = await tempDir();
    const { instance, conn } = await openScratchDb(dir, "1GB", 2);
    try {
      const shard = await copyQueryToShard(conn, docs, { tmpDir: dir, name: "t/one.parquet" });
      await expectBoundedRoundTrip(conn, [shard.tmpPath]);
      const settingsSql =
        "SELECT current_setting('threads')::INTEGER, current_setting('preserve_insertion_order')";
      const settings = await conn.runAndReadAll(settingsSql);
      expect(settings.getRows()).toEqual([[2, true]]);
      expect(path.basename(shard.name)).toBe("one.parquet");
      // A statement that fails is reported as itself, and the settings come back.
      await expect(
        copyQueryToShard(conn, "SELECT error('no such document') AS text", {
          tmpDir: dir,
          name: "t/bad.parquet",
        }),
      ).rejects.toThrow(/no such document/);
      expect((await conn.runAndReadAll(settingsSql)).getRows()).toEqual([[2, true]]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
