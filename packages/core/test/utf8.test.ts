import path from "node:path";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { openScratchDb, readShard, sqlString } from "../src/index.js";
import { decodeUtf8 } from "../src/shards/utf8.js";
import { tempDir } from "./helpers.js";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Texts short and long with what a decoder may treat apart: a byte order mark, astral letters, NUL, non-characters. */
async function awkwardTexts(): Promise<string[]> {
  const tajik = (await udhrParagraphs("tgk")).join("\n");
  const odd = "\uFEFF😀 𝔘\u0000\uFFFE\uFFFF\u2028e\u0301\uFFFD\u{10FFFF}";
  const texts = ["", "a", "\uFEFF", "\uFEFF\uFEFFx", odd, tajik, `\uFEFF${tajik}`, `\uFEFF\uFEFF${tajik}`];
  for (const n of [1020, 1023, 1024, 1025, 5000]) {
    texts.push(tajik.slice(0, n), `${odd}${tajik}`.slice(0, n), `${tajik.slice(0, n)}${odd}`);
  }
  return texts;
}

describe("decodeUtf8", () => {
  it("gives what TextDecoder gives, short and long, byte order mark and astral letters included", async () => {
    for (const text of await awkwardTexts()) {
      const bytes = encoder.encode(text);
      expect(decodeUtf8(bytes)).toBe(decoder.decode(bytes));
    }
  });

  it("decodes bytes that are not UTF-8 as TextDecoder does (replacement characters)", () => {
    const long = encoder.encode("ҳ".repeat(1000));
    for (const bad of [[0xed, 0xa0, 0x80], [0xc0, 0x80], [0xff], [0xe2, 0x82]]) {
      const bytes = new Uint8Array([...long, ...bad, ...long]);
      expect(decodeUtf8(bytes)).toBe(decoder.decode(bytes));
    }
  });
});

describe("readShard text columns", () => {
  it("reads every VARCHAR column decoded from its bytes exactly as DuckDB's values, NULLs too", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "texts.parquet");
    const texts = await awkwardTexts();
    const { instance, conn } = await openScratchDb(dir);
    try {
      await conn.run("CREATE TABLE t (id VARCHAR, text VARCHAR, n INTEGER, tags VARCHAR[], note VARCHAR)");
      const app = await conn.createAppender("t");
      for (const [i, text] of texts.entries()) {
        app.appendVarchar(`d${i}`);
        app.appendVarchar(text);
        app.appendInteger(i);
        app.appendNull();
        if (i % 3 === 0) app.appendNull();
        else app.appendVarchar(text.slice(0, 40 * i));
        app.endRow();
      }
      app.closeSync();
      await conn.run(`COPY t TO ${sqlString(file)} (FORMAT parquet)`);
      const expected = (
        await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`)
      ).getRowObjectsJS();
      const all: Record<string, unknown>[] = [];
      for await (const batch of readShard(file, { conn })) all.push(...batch);
      expect(all).toEqual(expected);
      const some: Record<string, unknown>[] = [];
      for await (const batch of readShard(file, { conn, columns: ["note", "text"], rowNumbers: true }))
        some.push(...batch);
      expect(some).toEqual(expected.map((r, i) => ({ note: r.note, text: r.text, file_row_number: i })));
      // A leading byte order mark is dropped, as DuckDB's value reader (TextDecoder) drops it.
      expect(some.map((r) => r.text)).toEqual(texts.map((t) => t.replace(/^\uFEFF/, "")));
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
});
