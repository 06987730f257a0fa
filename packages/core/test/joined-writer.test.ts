import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ColumnSpec, openScratchDb, readShard, ShardWriter, sqlString } from "../src/index.js";
import { tempDir } from "./helpers.js";

/** The input's columns: typed values with NULLs, and `score`, which the stage writes again (excluded). */
const INPUT: ColumnSpec[] = [
  { name: "id", type: "VARCHAR", doc: "" },
  { name: "text", type: "VARCHAR", doc: "" },
  { name: "n", type: "INTEGER", doc: "" },
  { name: "big", type: "BIGINT", doc: "" },
  { name: "share", type: "DOUBLE", doc: "" },
  { name: "flag", type: "BOOLEAN", doc: "" },
  { name: "tags", type: "VARCHAR[]", doc: "" },
  { name: "score", type: "DOUBLE", doc: "" },
];

/** The stage's columns: a rewritten text (NULL: unchanged), its own score again, and a mark. */
const STAGE: ColumnSpec[] = [
  { name: "text", type: "VARCHAR", doc: "" },
  { name: "score", type: "DOUBLE", doc: "" },
  { name: "mark", type: "VARCHAR", doc: "" },
];

const ROWS = 5000;

/** What the stage does with input row `i`: nothing written (dropped), or its columns. */
function verdict(i: number): Record<string, unknown> | null {
  // Dropped: every seventh row, and runs of rows around the part boundaries the test sets (maxRows 700).
  if (i % 7 === 3 || (i >= 795 && i < 830) || i === 0 || i === ROWS - 1) return null;
  return {
    _row: i,
    text: i % 3 === 0 ? `нав ${i}` : null,
    score: i % 5 === 0 ? null : i / 4,
    mark: i % 11 === 0 ? null : `m${i}`,
  };
}

/** The output's columns and types, in order, as DuckDB describes a part. */
async function columnTypes(file: string): Promise<string[]> {
  const { instance, conn } = await openScratchDb(path.dirname(file));
  try {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    return r.getRowObjectsJS().map((c) => `${String(c.column_name)} ${String(c.column_type)}`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

describe("joined shard writer", () => {
  it("writes the input's rows joined with the stage's, row by row as expected, across parts and row groups", async () => {
    const dir = await tempDir();
    const input = path.join(dir, "input.parquet");
    const { instance, conn } = await openScratchDb(dir);
    // Several input row groups (2048 rows each), so a part's range crosses one; NULLs in every column type.
    await conn.run(
      `COPY (SELECT 'd' || i AS id,
          CASE WHEN i % 13 = 0 THEN NULL ELSE repeat('ҳукумати ҷумҳурӣ ', 1 + i % 40) || i END AS text,
          CASE WHEN i % 17 = 0 THEN NULL ELSE i::INTEGER END AS n,
          (2::BIGINT ** 40)::BIGINT + i AS big,
          CASE WHEN i % 19 = 0 THEN NULL ELSE i / 8 END AS share,
          CASE WHEN i % 23 = 0 THEN NULL ELSE i % 2 = 0 END AS flag,
          CASE WHEN i % 29 = 0 THEN NULL ELSE ['t' || i, NULL, 'ҳ'] END AS tags,
          -1.5 AS score
        FROM range(${ROWS}) t(i)) TO ${sqlString(input)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
    );
    conn.closeSync();
    instance.closeSync();
    const inputRows: Record<string, unknown>[] = [];
    for await (const batch of readShard(input, { types: INPUT })) inputRows.push(...batch);
    expect(inputRows).toHaveLength(ROWS);

    const writer = await ShardWriter.open({
      tmpDir: dir,
      prefix: "test/joined",
      columns: STAGE,
      maxRows: 700,
      joinInput: {
        file: input,
        columns: INPUT.filter((c) => c.name !== "score"),
        exclude: ["score"],
        replace: ["text"],
        copy: [{ from: "text", to: "text_before" }],
      },
    });
    const written = [...Array(ROWS).keys()].map(verdict).filter((v) => v !== null);
    for (const v of written) await writer.write(v);
    const files = await writer.close();

    // Parts of 700 rows; the rows dropped at 795..829 fall inside the second part's input range.
    expect(files.map((f) => f.rows)).toEqual(
      [...Array(Math.ceil(written.length / 700)).keys()].map((k) => Math.min(700, written.length - 700 * k)),
    );
    const expectedColumns = [
      "id",
      "text",
      "n",
      "big",
      "share",
      "flag",
      "tags",
      "score",
      "mark",
      "text_before",
    ];
    for (const f of files) expect(f.columns).toEqual(expectedColumns);
    const types = await Promise.all(files.map((f) => columnTypes(f.tmpPath)));
    for (const t of types)
      expect(t).toEqual([
        "id VARCHAR",
        "text VARCHAR",
        "n INTEGER",
        "big BIGINT",
        "share DOUBLE",
        "flag BOOLEAN",
        "tags VARCHAR[]",
        "score DOUBLE",
        "mark VARCHAR",
        "text_before VARCHAR",
      ]);

    const out: Record<string, unknown>[] = [];
    for (const f of files)
      for await (const batch of readShard(f.tmpPath, { types: [...INPUT, ...STAGE] })) out.push(...batch);
    const expected = written.map((v) => {
      const i = v._row as number;
      const { score: _excluded, ...kept } = inputRows[i] as Record<string, unknown>;
      return {
        ...kept,
        text: v.text ?? kept.text,
        score: v.score,
        mark: v.mark,
        text_before: kept.text,
      };
    });
    expect(out.map((r) => Object.keys(r))).toEqual(expected.map(() => expectedColumns));
    expect(out).toEqual(expected);
    expect(files.reduce((n, f) => n + f.rows, 0)).toBe(out.length);
  });

  it("refuses rows out of input order with a one-line error", async () => {
    const dir = await tempDir();
    const input = path.join(dir, "input.parquet");
    const { instance, conn } = await openScratchDb(dir);
    await conn.run(
      `COPY (SELECT 'd' || i AS id FROM range(10) t(i)) TO ${sqlString(input)} (FORMAT parquet)`,
    );
    conn.closeSync();
    instance.closeSync();
    const writer = await ShardWriter.open({
      tmpDir: dir,
      prefix: "test/order",
      columns: [{ name: "mark", type: "VARCHAR", doc: "" }],
      joinInput: { file: input, columns: [{ name: "id", type: "VARCHAR", doc: "" }], exclude: [] },
    });
    await writer.write({ _row: 4, mark: "a" });
    await expect(writer.write({ _row: 4, mark: "b" })).rejects.toThrow(
      "soro: a joined writer got input row 4 after row 4 (rows come in input order)",
    );
    writer.abort();
  });
});
