import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { Catalog, makeDocument, runStage, SourceRun } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalogLexicon } from "../src/catalog-lexicon.js";
import { findWorkspaceModel, learnCatalogModel } from "../src/catalog-model.js";
import { toLegacyA, toPersianScript } from "../src/damage.js";
import { langidFilter, normalizeFilter } from "../src/filter.js";
import { defaultModel, loadModel } from "../src/model.js";

const stage = { module: new URL("../src/stage.ts", import.meta.url).href, exportName: "normalizeStage" };
let dir: string;
let catalog: Catalog;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "soro-normalize-"));
  catalog = await Catalog.open(dir, { create: true });
  const tgk = await udhrParagraphs("tgk");
  const rus = await udhrParagraphs("rus");
  const pes = await udhrParagraphs("pes_2");
  const texts = {
    clean: tgk.slice(11, 15).join("\n"),
    legacy: toLegacyA(tgk.slice(14, 18).join("\n")),
    russian: rus.slice(10, 13).join("\n"),
    persian: pes.slice(10, 12).join("\n"),
    tajikPersian: toPersianScript(tgk.slice(30, 34).join("\n")),
    mixed: [tgk[20], rus[20], tgk[21]].join("\n"),
  };
  const run = await SourceRun.begin(catalog, "ingest", { test: true });
  await run.add(
    "docs",
    "docs",
    Object.entries(texts).map(([name, text]) => ({
      doc: makeDocument({ text, source: "web", url: `https://test.tj/${name}` }),
    })),
  );
  await run.finish();
});

afterAll(async () => {
  catalog.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the normalize stage over a real catalog", () => {
  it("adds the language, script and repair columns and rewrites the text", async () => {
    const summary = await runStage({ catalog, stage, options: {}, workers: 1, progress: "quiet" });
    expect(summary.docsOut).toBe(6);
    const table = await catalog.stageTableSql("normalize");
    const rows = await catalog.rows(
      `SELECT url, lang, lang_score, script, converted, encoding, repairs, tgk_line_share, rus_line_share, line_langs, text, text_original
       FROM ${table} ORDER BY url`,
    );
    const by = Object.fromEntries(rows.map((r) => [String(r.url).split("/").pop(), r]));
    expect(by.clean).toMatchObject({ lang: "tgk", script: "cyrl", encoding: "none", repairs: 0 });
    expect(by.legacy).toMatchObject({ lang: "tgk", encoding: "legacy_a", tgk_line_share: 1 });
    expect(Number(by.legacy?.repairs)).toBeGreaterThan(20);
    expect(String(by.legacy?.text)).not.toMatch(/[њљќѓїў]/);
    expect(String(by.legacy?.text_original)).toMatch(/[њќ]/);
    expect(by.russian).toMatchObject({ lang: "rus", rus_line_share: 1 });
    expect(Number(by.russian?.lang_score)).toBeLessThan(0.1);
    // Tajik in Persian script counts as Tajik, marked as converted for the mixture; Dari keeps its Persian label.
    expect(by.tajikPersian).toMatchObject({
      script: "arab",
      encoding: "persian_script",
      lang: "tgk",
      converted: "arab",
    });
    expect(by.persian).toMatchObject({ script: "arab", converted: "" });
    expect(["pes", "prs"]).toContain(by.persian?.lang);
    expect(by.clean).toMatchObject({ converted: "" });
    expect(by.mixed).toMatchObject({ lang: "tgk" });
    expect(Number(by.mixed?.rus_line_share)).toBeCloseTo(1 / 3);
    expect(by.mixed?.line_langs).toEqual(["tgk", "rus", "tgk"]);
    expect(Number(by.clean?.lang_score)).toBeGreaterThan(0.9);
  });

  it("resumes: the same options redo nothing", async () => {
    const again = await runStage({ catalog, stage, options: {}, workers: 0, progress: "quiet" });
    expect(again.skipped).toBe(1);
    expect(again.processed).toBe(0);
  });

  it("learns a word model from the clean Tajik lines and merges it with the shipped one", async () => {
    const out = path.join(dir, "models", "tajik-model.bin");
    const r = await learnCatalogModel(catalog, { minCount: 1 });
    expect(r.path).toBe(out);
    expect(findWorkspaceModel(dir)).toBe(out);
    expect(r.docs).toBe(2); // clean and mixed; the legacy one was repaired, the Persian one converted
    const learned = loadModel(out);
    expect(learned.header.sources.at(-1)?.name).toMatch(/^workspace .*: 2 documents$/);
    expect(learned.count("ҳар")).toBeGreaterThan(defaultModel().count("ҳар"));
    // The Russian line of the mixed document is left out.
    expect(learned.count("все")).toBe(defaultModel().count("все"));
    expect(learned.vocab.length).toBeGreaterThanOrEqual(defaultModel().vocab.length);
  });

  it("resumes an interrupted learn from the batches it counted, to the same model", async () => {
    const blocked = path.join(dir, "models", "blocked");
    await mkdir(blocked, { recursive: true });
    // Writing the model over a folder fails after the counting: the counted batches stay for the next run.
    await expect(
      learnCatalogModel(catalog, { minCount: 1, out: blocked, progress: "quiet" }),
    ).rejects.toThrow();
    const out = path.join(dir, "models", "resumed.bin");
    const r = await learnCatalogModel(catalog, { minCount: 1, out, progress: "quiet" });
    expect(r.resumedBatches).toBe(1);
    expect(r.distinctBigrams).toBeGreaterThan(r.distinctWords);
    const fresh = loadModel(findWorkspaceModel(dir) ?? "").toCounts();
    const resumed = loadModel(out).toCounts();
    expect(resumed.unigrams).toEqual(fresh.unigrams);
    expect(resumed.bigrams).toEqual(fresh.bigrams);
  });

  it("builds a lexicon from the Tajik Cyrillic documents", async () => {
    const { lexicon, docs } = await buildCatalogLexicon(catalog, { minCount: 1 });
    expect(docs).toBe(3); // clean, legacy (Cyrillic originally) and mixed; not the Persian-script one
    expect(lexicon.count("ҳар")).toBeGreaterThan(1);
    expect(lexicon.count("все")).toBe(0); // the Russian document is left out
  });
});

describe("line filters", () => {
  it("normalizes one line out per line in and explains its changes", async () => {
    const out = new PassThrough();
    const explain = new PassThrough();
    const chunks: string[] = [];
    const notes: string[] = [];
    out.on("data", (c) => chunks.push(String(c)));
    explain.on("data", (c) => notes.push(String(c)));
    const n = await normalizeFilter(
      Readable.from(["Бозињо ва\nхамаи одамон\n\nHamai odamon ozod va barobarhuquq\n"]),
      out,
      {
        explain: true,
        explainTo: explain,
      },
    );
    expect(n).toBe(4);
    expect(chunks.join("")).toBe("Бозиҳо ва\nҳамаи одамон\n\nҲамаи одамон озод ва баробарҳуқуқ\n");
    expect(notes.join("")).toContain('1\tlegacy_a\t"њ" -> "ҳ"');
  });

  it("prints a language, its score and P(Tajik) per line, in the codes the stage stores", async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on("data", (c) => chunks.push(String(c)));
    await langidFilter(
      Readable.from([
        "Ҳамаи одамон озод ва баробарҳуқуқ таваллуд мешаванд\nВсе люди рождаются свободными\n\nБарча одамлар эркин ва тенг ҳуқуқли бўлиб туғиладилар\n",
      ]),
      out,
    );
    const lines = chunks.join("").trim().split("\n");
    expect(lines[0]).toMatch(/^tgk\t(?:0\.9\d\d|1\.000)\t(?:0\.9\d\d|1\.000)$/);
    expect(lines[1]).toMatch(/^rus\t.*\t0\.0\d\d$/);
    expect(lines[2]).toBe("und\t0.000\t0.000");
    expect(lines[3]).toMatch(/^uzn\t/);
  });
});
