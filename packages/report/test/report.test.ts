import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFigures, renderReport, statusSummary, writeReport } from "../src/index.js";
import { openReport, type PageCheck } from "./browser.js";
import { buildWorkspace, PLANTED_SPAM, tempDir } from "./workspace.js";

/** The repo's ignored output folder, where CI keeps the screenshot as an artefact. */
const OUT = path.resolve(fileURLToPath(new URL("../../../out/report", import.meta.url)));

let catalog: Catalog;
let page: PageCheck;
let html: string;

beforeAll(async () => {
  const dir = await tempDir();
  await buildWorkspace(dir);
  catalog = await Catalog.open(path.join(dir, "ws"), { readOnly: true });
  await mkdir(OUT, { recursive: true });
  const file = path.join(OUT, "report.html");
  await writeReport(catalog, file);
  html = await readFile(file, "utf8");
  page = await openReport(file, path.join(OUT, "report.png"));
}, 120_000);

afterAll(() => catalog?.close());

const one = async (sql: string): Promise<number> =>
  Number(Object.values((await catalog.rows(sql))[0]!)[0] ?? 0);
const table = async (stage: string): Promise<string> => (await catalog.stageTableSql(stage))!;

describe("the report in Chromium", () => {
  it("opens with no console errors and no network requests", () => {
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([]);
    expect(html).not.toMatch(/<script(?![^>]*application\/json)/);
  });

  it("draws every plot, none of them empty", () => {
    const expected = [
      "waterfall-docs",
      "waterfall-tokens",
      "sources-docs",
      "sources-tokens",
      "script",
      "encoding",
      "lang",
      "hist-lang_score",
      "length-q_words",
      "dedup-sizes",
      "hosts-tokens",
      "hosts-docs",
      "crawl-status",
      "crawl-outcome",
      "crawl-bytes",
      "sft-status",
      "teach-reading_grade",
      "teach-edu_score",
    ];
    for (const name of expected) expect(page.marks, name).toHaveProperty(name);
    expect(Object.keys(page.marks).filter((k) => k.startsWith("hist-q_")).length).toBeGreaterThan(10);
    for (const [name, marks] of Object.entries(page.marks)) expect(marks, name).toBeGreaterThan(0);
  });

  it("saves a screenshot", async () => {
    expect((await stat(path.join(OUT, "report.png"))).size).toBeGreaterThan(50_000);
  });
});

describe("figures equal the catalog's", () => {
  it("raw, final and per-stage totals", async () => {
    const f = page.figures;
    expect(f["raw-docs"]).toBe(await one(`SELECT count(*) FROM ${await table("ingest")}`));
    expect(f["final-docs"]).toBe(await one(`SELECT count(*) FROM ${await table("dedup")}`));
    expect(f["final-tokens"]).toBe(
      Math.round((await one(`SELECT sum(length(text)) FROM ${await table("dedup")}`)) / 2.3),
    );
    for (const stage of ["ingest", "normalize", "quality", "select", "dedup"]) {
      expect(f[`stage:${stage}:docs`], stage).toBe(await one(`SELECT count(*) FROM ${await table(stage)}`));
      expect(f[`stage:${stage}:chars`], stage).toBe(
        await one(`SELECT sum(length(text)) FROM ${await table(stage)}`),
      );
    }
    expect(f.quarantined).toBe(await one("SELECT count(*) FROM quarantine"));
  });

  it("the waterfall: removals per rule match the removed documents", async () => {
    const figures = await collectFigures(catalog, { samples: false });
    const removed = await catalog.rows(
      `SELECT removed_by AS rule, count(*) AS docs, sum(length(text)) AS chars FROM ${await table("select_removed")} GROUP BY 1`,
    );
    for (const r of removed) {
      const i = figures.waterfall.steps.findIndex((s) => s.stage === "select" && s.rule === r.rule);
      expect(page.figures[`step:${i}:docs`], String(r.rule)).toBe(Number(r.docs));
      expect(page.figures[`step:${i}:chars`], String(r.rule)).toBe(Number(r.chars));
    }
    // Every dedup rule the catalog records (survivor, exact and near duplicates) is a figure of the same count.
    const members = await catalog.rows(
      `SELECT rule, count(*) AS docs FROM dedup_members WHERE config_hash IN
         (SELECT config_hash FROM shards WHERE stage = 'dedup' AND status = 'active') GROUP BY rule`,
    );
    expect(members.length).toBeGreaterThan(1);
    for (const m of members) expect(page.figures[`dedup:${m.rule}`], String(m.rule)).toBe(Number(m.docs));
    // The levels chain: every level is the one before minus the steps between them.
    let level = figures.waterfall.start.docs;
    for (const l of figures.waterfall.levels) {
      for (const s of figures.waterfall.steps.filter((x) => x.stage === l.label)) level -= s.docs;
      expect(l.docs, l.label).toBe(level);
    }
  });

  it("source mix, languages, crawl and SFT", async () => {
    const f = page.figures;
    for (const r of await catalog.rows(
      `SELECT source, count(*) AS n FROM ${await table("dedup")} GROUP BY 1`,
    ))
      expect(f[`source:${r.source}:docs`], String(r.source)).toBe(Number(r.n));
    for (const r of await catalog.rows(
      `SELECT lang, count(*) AS n FROM ${await table("normalize")} GROUP BY 1`,
    ))
      expect(f[`lang:${r.lang}:docs`], String(r.lang)).toBe(Number(r.n));
    // Tajik written in Persian script is converted and counted; the Persian and Dari UDHR keep their label.
    const converted = await catalog.rows(
      `SELECT converted, count(*) AS n FROM ${await table("normalize")} WHERE converted <> '' GROUP BY 1`,
    );
    expect(converted.map((r) => r.converted)).toContain("arab");
    for (const r of converted) expect(f[`converted:${r.converted}:docs`]).toBe(Number(r.n));
    expect(f["crawl-fetches"]).toBe(await one("SELECT count(*) FROM crawl_fetches"));
    expect(f["crawl-bytes"]).toBe(await one("SELECT sum(bytes) FROM crawl_fetches"));
    expect(f["sft-samples"]).toBe(await one("SELECT count(*) FROM sft_samples"));
  });

  it("samples removed documents for every selection rule that removed some", async () => {
    const figures = await collectFigures(catalog);
    const rules = await catalog.rows(`SELECT DISTINCT removed_by FROM ${await table("select_removed")}`);
    for (const { removed_by } of rules) {
      const s = figures.samples.find((x) => x.stage === "select" && x.rule === removed_by);
      expect(s?.samples.length, String(removed_by)).toBeGreaterThan(0);
      for (const d of s!.samples) expect(d.text.length).toBeLessThanOrEqual(481);
    }
  });
});

describe("teaching signals, safety, tokens and SFT overlap", () => {
  it("shows the reading grade of the final documents by source", async () => {
    const f = page.figures;
    for (const r of await catalog.rows(
      `SELECT source, round(reading_grade)::INTEGER AS g, count(*) AS n FROM ${await table("quality")}
       WHERE reading_grade IS NOT NULL AND id IN (SELECT id FROM ${await table("dedup")}) GROUP BY ALL`,
    ))
      expect(f[`grade:${r.source}:${r.g}`], `${r.source} ${r.g}`).toBe(Number(r.n));
  });

  it("counts unsafe documents and shows them clipped, masked and blurred", async () => {
    const f = page.figures;
    const q = await table("quality");
    expect(f["safety:adult:high"]).toBe(await one(`SELECT count(*) FROM ${q} WHERE unsafe_adult > 0.9`));
    expect(f["safety:adult:high"]).toBeGreaterThanOrEqual(1);
    expect(f["safety:listed host:review"]).toBe(await one(`SELECT count(*) FROM ${q} WHERE unsafe_host > 0`));
    expect(f["safety:adult:kept"]).toBe(0);
    const figures = await collectFigures(catalog);
    const spam = figures.teaching!.safety!.samples.find((s) => s.category === "adult")!;
    expect(spam.host).toBe("best-porn-tube.example");
    expect(spam.excerpt).toMatch(/^П•+ ройгон!/);
    expect(html).not.toContain(PLANTED_SPAM.text.slice(0, 30));
    expect(html).toContain('class="blur"');
  });

  it("gives Gemma 3 fertility by language and the token goal in documents per source", async () => {
    const f = page.figures;
    expect(f["fertility:tgk:*:tpw"]).toBeGreaterThan(1.5);
    expect(f["fertility:tgk:*:tpw"]).toBeLessThan(5);
    expect(f["fertility:rus:*:cpt"]).toBeGreaterThan(f["fertility:tgk:*:cpt"]!);
    for (const r of await catalog.rows(
      `SELECT source, count(*) AS n FROM ${await table("dedup")} GROUP BY 1`,
    ))
      expect(f[`tokens:${r.source}:docs`], String(r.source)).toBe(Number(r.n));
    const figures = await collectFigures(catalog);
    const total = figures.tokens!.sources.reduce((s, r) => s + r.docsAtMix, 0);
    const docs = figures.tokens!.sources.reduce((s, r) => s + r.docs, 0);
    const tokens = figures.tokens!.sources.reduce((s, r) => s + r.tokens, 0);
    expect(total).toBeCloseTo((docs * 1_900_000_000) / tokens, -figures.tokens!.sources.length);
  });

  it("reports how much SFT text sits in the pretraining shards", async () => {
    const f = page.figures;
    expect(f["overlap:answer:samples"]).toBe(await one("SELECT count(*) FROM sft_samples"));
    expect(f["overlap:instruction:samples"]).toBe(await one("SELECT count(*) FROM sft_samples"));
  });
});

describe("summary", () => {
  it("prints the key figures for the terminal", async () => {
    const text = await statusSummary(catalog);
    expect(text).toMatch(/^raw +313 docs/m);
    expect(text).toMatch(/final +\d+ docs .*\(dedup;/);
    expect(text).toContain("select/");
  });
});

describe("a workspace with only raw documents", () => {
  it("says which sections have nothing yet instead of failing", async () => {
    const dir = await tempDir();
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      const f = await collectFigures(c);
      const page = await renderReport(f);
      expect(page).toContain("Only source stages have run");
      expect(page).toContain("The normalize stage has not run");
      expect(page).toContain("Dedup has not run");
      expect(page).toContain("No SFT samples yet");
      expect(await statusSummary(c)).toMatch(/^raw +0 docs/m);
    } finally {
      c.close();
    }
  });
});
