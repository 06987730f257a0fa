import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BASE_COLUMNS,
  copyQueryToParts,
  fileSha256,
  openScratchDb,
  readShard,
  ShardCorruptError,
  ShardWriter,
} from "../src/index.js";
import { tajikDocs, tempDir } from "./helpers.js";

const COLUMNS = [
  ...BASE_COLUMNS,
  { name: "score", type: "DOUBLE" as const, doc: "" },
  { name: "n", type: "INTEGER" as const, doc: "" },
  { name: "big", type: "BIGINT" as const, doc: "" },
  { name: "flag", type: "BOOLEAN" as const, doc: "" },
  { name: "tags", type: "VARCHAR[]" as const, doc: "" },
  { name: "sig", type: "UBIGINT[]" as const, doc: "" },
];

async function readAll(file: string) {
  const rows: Record<string, unknown>[] = [];
  for await (const batch of readShard(file, { types: COLUMNS })) rows.push(...batch);
  return rows;
}

describe("shards", () => {
  it("rotates parts by the buffered bytes of every column, so a part's buffer never spills", async () => {
    const dir = await tempDir();
    const writer = await ShardWriter.open({
      tmpDir: dir,
      prefix: "test/b",
      columns: COLUMNS,
      maxBytes: 100_000,
    });
    const text = "ҳукумати ҷумҳурӣ ".repeat(300); // ~5.1k characters, ~10 KB as UTF-8
    for (let i = 0; i < 30; i++) await writer.write({ id: `d${i}`, text, tags: [text], n: i });
    const files = await writer.close();
    // Text and one tag of the same size are ~20 KB a row: five rows reach 100 KB.
    expect(files.map((f) => f.rows)).toEqual([5, 5, 5, 5, 5, 5]);
    const rows = (await Promise.all(files.map((f) => readAll(f.tmpPath)))).flat();
    expect(rows.map((r) => r.n)).toEqual([...Array(30).keys()]);
  });

  it("joins a part onto the input rows, counting their bytes too, with a replaced and a copied column", async () => {
    const dir = await tempDir();
    const input = path.join(dir, "input.parquet");
    const text = "ҳукумати ҷумҳурӣ ".repeat(300); // ~10 KB a row as UTF-8
    const { instance, conn } = await openScratchDb(dir);
    await conn.run(
      `COPY (SELECT 'd' || i AS id, '${text}' || i AS text, i::INTEGER AS n FROM range(30) t(i))
       TO '${input}' (FORMAT parquet)`,
    );
    conn.closeSync();
    instance.closeSync();
    const writer = await ShardWriter.open({
      tmpDir: dir,
      prefix: "test/j",
      columns: [
        { name: "mark", type: "VARCHAR", doc: "" },
        { name: "text", type: "VARCHAR", doc: "" },
      ],
      maxBytes: 50_000,
      joinInput: {
        file: input,
        columns: [
          { name: "id", type: "VARCHAR", doc: "" },
          { name: "text", type: "VARCHAR", doc: "" },
          { name: "n", type: "INTEGER", doc: "" },
        ],
        exclude: [],
        replace: ["text"],
        copy: [{ from: "text", to: "text_before" }],
      },
    });
    // Every third row is dropped, every other one rewritten; the buffered columns alone are a few bytes a row.
    const kept = [...Array(30).keys()].filter((i) => i % 3 !== 0);
    for (const i of kept) await writer.write({ _row: i, mark: `m${i}`, text: i % 2 ? `new ${i}` : null });
    const files = await writer.close();
    // Rows the join brings from the input count towards the part's bytes (~10 KB each, counted once as a wide part
    // counts them), not only the few bytes buffered: a handful of rows to a part.
    expect(files.map((f) => f.rows)).toEqual([6, 6, 6, 2]);
    expect(files[0]?.columns).toEqual(["id", "text", "n", "mark", "text_before"]);
    const rows: Record<string, unknown>[] = [];
    for (const f of files) for await (const batch of readShard(f.tmpPath)) rows.push(...batch);
    expect(rows.map((r) => Object.keys(r))).toEqual(kept.map(() => files[0]?.columns));
    expect(rows).toEqual(
      kept.map((i) => ({
        id: `d${i}`,
        text: i % 2 ? `new ${i}` : `${text}${i}`,
        n: i,
        mark: `m${i}`,
        text_before: `${text}${i}`,
      })),
    );
  });

  it("round-trips documents and typed columns through zstd Parquet, rotating parts by rows", async () => {
    const dir = await tempDir();
    const docs = (await tajikDocs(250)).map((i) => ("doc" in i ? i.doc : null)!);
    const writer = await ShardWriter.open({ tmpDir: dir, prefix: "test/x", columns: COLUMNS, maxRows: 100 });
    for (const [i, d] of docs.entries()) {
      await writer.write({
        ...d,
        score: i / 2,
        n: i,
        big: 2 ** 40 + i,
        flag: i % 2 === 0,
        tags: ["a", "ҳ"],
        sig: [2n ** 63n + BigInt(i)],
      });
    }
    const files = await writer.close();
    expect(files.map((f) => f.rows)).toEqual([100, 100, 50]);
    expect(files.map((f) => f.name)).toEqual([
      "test/x-00000.parquet",
      "test/x-00001.parquet",
      "test/x-00002.parquet",
    ]);
    expect(files.reduce((n, f) => n + f.chars, 0)).toBe(docs.reduce((n, d) => n + d.text.length, 0));
    const rows = (await Promise.all(files.map((f) => readAll(f.tmpPath)))).flat();
    expect(rows.map((r) => r.id)).toEqual(docs.map((d) => d.id));
    // Text as UTF-8 bytes, short (inline in DuckDB) and long alike, for byte-level readers.
    const asBytes: unknown[] = [];
    for await (const batch of readShard(files[0]!.tmpPath, { columns: ["id", "text"], bytes: ["text"] }))
      asBytes.push(...batch.map((r) => Buffer.from(r.text as Uint8Array).toString("utf8")));
    expect(asBytes).toEqual(docs.slice(0, 100).map((d) => d.text));
    expect(rows[7]).toMatchObject({
      text: docs[7]!.text,
      score: 3.5,
      n: 7,
      big: 2 ** 40 + 7,
      flag: false,
      tags: ["a", "ҳ"],
    });
    expect(rows[7]!.sig).toEqual([2n ** 63n + 7n]);
    expect(files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps every value of every type across data chunks and part cuts, NULLs and edge numbers too", async () => {
    const dir = await tempDir();
    const columns = [...COLUMNS, { name: "probs", type: "DOUBLE[]" as const, doc: "" }];
    // 5,000 rows: parts of 3,000 cut the second 2,048-row chunk.
    const writer = await ShardWriter.open({ tmpDir: dir, prefix: "test/c", columns, maxRows: 3000 });
    const edge = [0.1, 1e-300, 5e-324, Number.MAX_VALUE, -0, Number.NaN, Number.POSITIVE_INFINITY, 1 / 3];
    const expected: Record<string, unknown>[] = [];
    for (let i = 0; i < 5000; i++) {
      const empty = i % 97 === 0;
      const doc = {
        id: `d${i}`,
        text: i % 13 === 0 ? "" : `ҳуҷҷат ${i}`,
        source: "s",
        score: empty ? null : (edge[i % edge.length] as number),
        n: empty ? undefined : -i,
        big: empty ? null : 2 ** 53 - i,
        flag: empty ? null : i % 3 === 0,
        tags: empty ? null : i % 5 === 0 ? [] : ["a,b", ` ${i} `, null, 'q"'],
        sig: empty ? null : [2n ** 64n - 1n - BigInt(i), 0n, BigInt(i)],
        probs: empty ? null : [edge[(i + 1) % edge.length] as number, i / 7, null],
      };
      await writer.write(doc);
      expected.push(doc);
    }
    const files = await writer.close();
    expect(files.map((f) => f.rows)).toEqual([3000, 2000]);
    const rows: Record<string, unknown>[] = [];
    for (const f of files)
      for await (const batch of readShard(f.tmpPath, { types: columns })) rows.push(...batch);
    expect(rows).toHaveLength(5000);
    for (const [i, want] of expected.entries()) {
      const got = rows[i] as Record<string, unknown>;
      expect(got.id).toBe(want.id);
      expect(got.text).toBe(want.text);
      expect(Object.is(got.score, want.score) || (got.score === null && want.score === null)).toBe(true);
      expect(got.n).toBe(want.n ?? null);
      expect(got.big).toBe(want.big);
      expect(got.flag).toBe(want.flag);
      expect(got.tags).toEqual(want.tags);
      expect(got.sig).toEqual(want.sig);
      const probs = got.probs as number[] | null;
      expect(probs?.map((p) => (p === null ? "null" : Object.is(p, -0) ? "-0" : String(p)))).toEqual(
        (want.probs as Array<number | null> | null)?.map((p) =>
          p === null ? "null" : Object.is(p, -0) ? "-0" : String(p),
        ),
      );
    }
  });

  it("writes a query's rows to numbered parts in one statement, in order, each described for its commit", async () => {
    const dir = await tempDir();
    const { instance, conn } = await openScratchDb(dir);
    try {
      const { files } = await copyQueryToParts(
        conn,
        "SELECT i::VARCHAR AS id, repeat('ҳ', i % 7 + 1) AS text FROM range(50000) t(i)",
        { tmpDir: dir, prefix: "test/q", maxRows: 20_000 },
      );
      expect(files.map((f) => f.name)).toEqual([
        "test/q-00000.parquet",
        "test/q-00001.parquet",
        "test/q-00002.parquet",
      ]);
      expect(files.reduce((a, f) => a + f.rows, 0)).toBe(50000);
      expect(files.reduce((a, f) => a + f.chars, 0)).toBe(
        Array.from({ length: 50000 }, (_, i) => (i % 7) + 1).reduce((a, b) => a + b),
      );
      const first: string[] = [];
      for (const f of files) {
        // Counted as written: each part's own rows and characters, as reading it back finds them.
        const back = (
          await conn.runAndReadAll(
            `SELECT count(*)::INTEGER AS n, sum(length(text))::INTEGER AS c FROM read_parquet('${f.tmpPath}')`,
          )
        ).getRows()[0];
        expect([f.rows, f.chars]).toEqual(back);
        expect(f.sha256).toBe(await fileSha256(f.tmpPath));
        expect(f.columns).toEqual(["id", "text"]);
        for await (const batch of readShard(f.tmpPath)) {
          first.push(String(batch[0]!.id));
          break;
        }
      }
      // In order: each part starts where the one before it ended.
      expect(first.map(Number)).toEqual([0, files[0]!.rows, files[0]!.rows + files[1]!.rows]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("counts the rows a query's drop test leaves out, and writes the others; again on the same connection", async () => {
    const dir = await tempDir();
    const { instance, conn } = await openScratchDb(dir);
    try {
      for (const prefix of ["test/d", "test/e"]) {
        const { files, dropped } = await copyQueryToParts(
          conn,
          "SELECT i AS n, repeat('ҷ', i % 5 + 1) AS text FROM range(30000) t(i)",
          { tmpDir: dir, prefix, maxRows: 20_000, drop: "d.n % 3 = 0" },
        );
        const all = Array.from({ length: 30000 }, (_, i) => i);
        const chars = (xs: number[]) => xs.reduce((a, i) => a + (i % 5) + 1, 0);
        const kept = all.filter((i) => i % 3 !== 0);
        expect(files.reduce((a, f) => a + f.rows, 0)).toBe(kept.length);
        expect(files.reduce((a, f) => a + f.chars, 0)).toBe(chars(kept));
        expect(dropped).toEqual({ docs: 10000, chars: chars(all.filter((i) => i % 3 === 0)) });
      }
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });

  it("names a truncated or non-Parquet file in its error", async () => {
    const dir = await tempDir();
    const writer = await ShardWriter.open({ tmpDir: dir, prefix: "t/y", columns: BASE_COLUMNS });
    for (const item of await tajikDocs(50)) if ("doc" in item) await writer.write(item.doc);
    const [file] = await writer.close();
    const { readFile } = await import("node:fs/promises");
    const bytes = await readFile(file!.tmpPath);
    const truncated = path.join(dir, "truncated.parquet");
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(readAll(truncated)).rejects.toThrow(ShardCorruptError);
    await expect(readAll(truncated)).rejects.toThrow(/truncated\.parquet is corrupt or truncated/);
    const junk = path.join(dir, "junk.parquet");
    await writeFile(junk, "this is not parquet");
    await expect(readAll(junk)).rejects.toThrow(/junk\.parquet/);
  });

  it("writes in a caller's database while a shard is read from it, and leaves that database open", async () => {
    const dir = await tempDir();
    const docs = (await tajikDocs(3000)).map((i) => ("doc" in i ? i.doc : null)!);
    const first = await ShardWriter.open({ tmpDir: dir, prefix: "t/in", columns: BASE_COLUMNS });
    for (const d of docs) await first.write(d);
    const [input] = await first.close();
    const { instance, conn } = await openScratchDb(dir);
    try {
      const writer = await ShardWriter.open({
        db: instance,
        tmpDir: dir,
        prefix: "t/out",
        columns: COLUMNS,
        maxRows: 1000,
      });
      let n = 0;
      // The read streams on one connection while the writer appends and copies parts out on its own.
      for await (const batch of readShard(input!.tmpPath, { conn, types: BASE_COLUMNS }))
        for (const row of batch) await writer.write({ ...row, n: n++ });
      const files = await writer.close();
      expect(files.map((f) => f.rows)).toEqual([1000, 1000, 1000]);
      const rows = (await Promise.all(files.map((f) => readAll(f.tmpPath)))).flat();
      expect(rows.map((r) => r.text)).toEqual(docs.map((d) => d.text));
      const left = await conn.runAndReadAll("SELECT 1 AS one");
      expect(left.getRowObjectsJS()).toEqual([{ one: 1 }]);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
