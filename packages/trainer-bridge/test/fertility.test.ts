import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { afterAll, describe, expect, it } from "vitest";
import { measureFertility } from "../src/fertility.js";
import { TokenPool } from "../src/pool.js";

let catalog: Catalog | undefined;
afterAll(() => catalog?.close());

describe("token fertility by language", () => {
  it("measures tokens per word and per character of labelled Tajik, Russian and English lines, per source", async () => {
    catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-fertility-")), { create: true });
    const run = await SourceRun.begin(catalog, "normalize", { test: true }, [
      { name: "line_langs", type: "VARCHAR[]", doc: "language of each line" },
    ]);
    const docs = [];
    for (const [lang, code] of [
      ["tgk", "tgk"],
      ["rus", "rus"],
      ["eng", "eng"],
    ] as const) {
      const paras = await udhrParagraphs(code);
      for (let i = 0; i < paras.length; i += 5) {
        const lines = paras.slice(i, i + 5);
        docs.push({
          doc: {
            ...makeDocument({ text: lines.join("\n"), source: "web" }),
            line_langs: lines.map(() => lang),
          },
        });
      }
    }
    await run.add("udhr", "udhr", docs);
    await run.finish();
    const rows = await measureFertility(catalog, { maxLines: 40 });
    const by = new Map(rows.map((r) => [r.lang, r]));
    expect([...by.keys()].sort()).toEqual(["eng", "rus", "tgk"]);
    for (const r of rows) expect(r.lines).toBe(40);
    const charsPerToken = (l: string) => by.get(l)!.chars / by.get(l)!.tokens;
    // Gemma 3 packs English densest, then Russian, then Tajik (shared/TAJIK.md: 5.1, 4.25, 2.3 chars/token).
    expect(charsPerToken("eng")).toBeGreaterThan(charsPerToken("rus"));
    expect(charsPerToken("rus")).toBeGreaterThan(charsPerToken("tgk"));
    const stored = await catalog.rows(`SELECT lang, tokens FROM trainer_bridge_fertility ORDER BY lang`);
    expect(stored.map((r) => [r.lang, Number(r.tokens)])).toEqual(
      ["eng", "rus", "tgk"].map((l) => [l, by.get(l)!.tokens]),
    );
    // Counted in a worker (as `soro bridge count` does, in the pool that counted), the numbers are the same.
    const pool = new TokenPool(1);
    try {
      expect(await measureFertility(catalog, { maxLines: 40, pool })).toEqual(rows);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
