import { writeFile } from "node:fs/promises";
import path from "node:path";
import { BASE_COLUMNS, declaredLicence, readShard, type SourceItem } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { LineCounter, recordsBySql } from "../src/formats/records-sql.js";
import { DEFAULT_LIMITS, fileInput, type ReaderContext, readInput } from "../src/index.js";
import { tempDir, writeParquet } from "./tree.js";

/** A reader context for one file as ingestPaths builds it. */
function contextFor(file: string, tmpDir: string, over: Partial<ReaderContext> = {}): ReaderContext {
  return {
    textField: "text",
    splitBlocks: false,
    epub: "book",
    input: fileInput(file),
    source: "web",
    meta: { publisher: "Маориф", year: 2019 },
    limits: DEFAULT_LIMITS,
    tmpDir,
    licence: declaredLicence("CC BY 4.0", "--licence"),
    ...over,
  };
}

/** The documents DuckDB wrote for a file (null when it left the file to the JS reader). */
async function bySql(ctx: ReaderContext, dir: string): Promise<Record<string, unknown>[] | null> {
  const out = await recordsBySql(ctx, {
    tmpDir: path.join(dir, "tmp"),
    prefix: "ingest/test",
    columns: BASE_COLUMNS.map((c) => c.name),
    takedowns: [],
  });
  if (!out) return null;
  const docs: Record<string, unknown>[] = [];
  for (const f of out.files) for await (const batch of readShard(f.tmpPath)) docs.push(...batch);
  expect(out.stats.docsOut).toBe(docs.length);
  expect(out.files.map((f) => f.name)).toEqual(out.files.map((_, i) => `ingest/test-0000${i}.parquet`));
  return docs;
}

/** The documents the JS reader makes of the same file. */
async function byJs(ctx: ReaderContext): Promise<Record<string, unknown>[]> {
  const docs: Record<string, unknown>[] = [];
  for await (const item of readInput(ctx) as AsyncIterable<SourceItem>) {
    if (!("doc" in item)) throw new Error(`quarantined: ${item.bad.input} ${item.bad.reason}`);
    docs.push(item.doc);
  }
  return docs;
}

/** Both readers' documents, compared column by column (meta as parsed JSON; fetched_at where a record set it). */
async function expectSame(ctx: ReaderContext, dir: string, fetchedGiven: boolean[]): Promise<void> {
  const sql = await bySql(ctx, dir);
  const js = await byJs(ctx);
  expect(sql).not.toBeNull();
  expect(sql!.length).toBe(js.length);
  js.forEach((j, i) => {
    const s = sql![i]!;
    for (const c of ["id", "text", "source", "url", "path", "licence", "licence_evidence"])
      expect([c, s[c]]).toEqual([c, j[c]]);
    expect(JSON.parse(String(s.meta))).toEqual(JSON.parse(String(j.meta)));
    if (fetchedGiven[i]) expect(s.fetched_at).toBe(j.fetched_at);
    else expect(String(s.fetched_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
}

describe("LineCounter", () => {
  it("counts lines across chunks, a last line without a newline too", () => {
    const count = (...chunks: string[]) => {
      const c = new LineCounter();
      for (const chunk of chunks) c.add(Buffer.from(chunk));
      return c.lines;
    };
    expect(count()).toBe(0);
    expect(count("a\nb\n")).toBe(2);
    expect(count("a\nb")).toBe(2);
    expect(count("a\n", "", "b")).toBe(2);
    expect(count("a", "\n\n", "b\n")).toBe(3);
  });
});

describe("JSONL and Parquet through DuckDB alone", () => {
  it("makes the same documents as the JS reader from a clean JSONL file", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    const file = path.join(dir, "c.jsonl");
    const recs = [
      { text: p[0], url: "https://example.tj/1", meta: { author: "СММ", tags: ["a", 2.5], n: { x: null } } },
      { text: `${p[1]} 🙂 «иқтибос» \\ "quoted"\ttab`, meta: null },
      { text: p[2], source: "book", fetched_at: "2024-05-01T00:00:00Z", url: "" },
      { text: p[3], source: "nonsense", meta: {} },
      { text: p[4], meta: { "2": "digit key", a: "ӣ" } },
      // Texts that start like JSON values but are not whole ones stay DuckDB's.
      { text: `[1] ${p[5]}`, url: "https://example.tj/6" },
      { text: `{${p[6]}}`, url: "https://example.tj/7" },
      { text: `"${p[7]}"`, url: "https://example.tj/8" },
    ];
    await writeFile(file, `${recs.map((r) => JSON.stringify(r)).join("\r\n")}\r\n`);
    await expectSame(contextFor(file, dir), dir, [false, false, true, false, false, false, false, false]);
    // No metadata or licence at all: meta is the reader's own keys.
    await expectSame(contextFor(file, dir, { meta: {}, licence: undefined }), dir, [
      false,
      false,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("makes the same documents as the JS reader from a Parquet file", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    const file = path.join(dir, "c.parquet");
    await writeParquet(file, [
      {
        text: p[0]!,
        url: "https://example.tj/1",
        meta: '{"author": "СММ", "k": [1, 2]}',
        fetched_at: "2024",
      },
      { text: p[1]!, url: "", meta: "plain note", fetched_at: "2023" },
      { text: p[2]!, url: "https://example.tj/3", meta: "{ }", fetched_at: "2022" },
    ]);
    await expectSame(contextFor(file, dir), dir, [true, true, true]);
  });

  it("leaves out and counts the documents on the takedown list", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    const file = path.join(dir, "c.jsonl");
    const recs = [
      { text: p[0], url: "https://gone.example/1" },
      { text: p[1], url: "https://news.host.example/2" },
      { text: p[2], url: "https://kept.example/3" },
      { text: p[3] },
    ];
    await writeFile(file, `${recs.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const out = await recordsBySql(contextFor(file, dir), {
      tmpDir: path.join(dir, "tmp"),
      prefix: "ingest/td",
      columns: BASE_COLUMNS.map((c) => c.name),
      takedowns: [
        { kind: "url", value: "https://gone.example/1" },
        { kind: "host", value: "host.example" },
      ],
    });
    expect(out).not.toBeNull();
    const urls: unknown[] = [];
    for (const f of out!.files)
      for await (const batch of readShard(f.tmpPath)) urls.push(...batch.map((d) => d.url));
    expect(urls).toEqual(["https://kept.example/3", null]);
    expect(out!.stats).toMatchObject({
      docsIn: 4,
      docsOut: 2,
      removed: { takedown: { docs: 2, chars: p[0]!.length + p[1]!.length } },
    });
  });

  it("leaves a file to the JS reader when it holds anything the reader would quarantine or read otherwise", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    const cases: Record<string, string> = {
      "bad-json.jsonl": `${JSON.stringify({ text: p[0] })}\n{not json\n`,
      "blank-line.jsonl": `${JSON.stringify({ text: p[0] })}\n\n${JSON.stringify({ text: p[1] })}\n`,
      "no-text.jsonl": `${JSON.stringify({ text: p[0] })}\n${JSON.stringify({ text: "  \u00a0" })}\n`,
      "number-text.jsonl": `${JSON.stringify({ text: p[0] })}\n${JSON.stringify({ text: 5 })}\n`,
      "object-text.jsonl": `${JSON.stringify({ text: { body: p[0] } })}\n`,
      "array-text.jsonl": `${JSON.stringify({ text: [p[0]] })}\n`,
      "bool-text.jsonl": `${JSON.stringify({ text: true })}\n`,
      // A string that reads as a whole JSON value is told from one only by the JS reader (which keeps it).
      "numeric-string.jsonl": `${JSON.stringify({ text: "2024" })}\n`,
      "edu.jsonl": `${JSON.stringify({ text: p[0], source: "edu" })}\n`,
      "licence.jsonl": `${JSON.stringify({ text: p[0], meta: { licence: "CC-BY-4.0" } })}\n`,
      "meta-key.jsonl": `${JSON.stringify({ text: p[0], meta: { publisher: "other" } })}\n`,
      "meta-array.jsonl": `${JSON.stringify({ text: p[0], meta: ["a"] })}\n`,
      "cp1251.jsonl": `{"text": "\xe0\xe1\xe2"}\n`,
      "empty.jsonl": "",
    };
    for (const [name, body] of Object.entries(cases)) {
      const file = path.join(dir, name);
      await writeFile(file, name === "cp1251.jsonl" ? Buffer.from(body, "latin1") : body);
      expect([name, await bySql(contextFor(file, dir), dir)]).toEqual([name, null]);
    }
  });
});
