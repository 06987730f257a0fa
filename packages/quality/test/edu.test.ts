import { readFile } from "node:fs/promises";
import path from "node:path";
import { Catalog, readShard } from "@soro/core";
import { describe, expect, it } from "vitest";
import {
  balanceBands,
  eduMetrics,
  eduScore,
  featurize,
  judge,
  loadModel,
  loadRules,
  runQualitySignals,
  SHIPPED_EDU_MODEL_PATH,
  saveModel,
  shippedEduModel,
  spearman,
  trainCatalogEduModel,
  trainEduModel,
  weakLabels,
  workspaceEduModelPath,
} from "../src/index.js";
import { seedNormalize, tempDir, texts } from "./helpers.js";

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The weak labels that need nothing beside the repository: UDHR (curriculum) and LibreOffice strings and menus. */
const bundled = (d: { source: string }) => ["udhr", "libreoffice", "menu"].includes(d.source);

describe("educational-value classifier", () => {
  it("learns from real text to score held-out UI strings below held-out curriculum prose", async () => {
    const train = (await weakLabels("train")).filter(bundled);
    const test = (await weakLabels("test")).filter(bundled);
    // The split is by document: no UDHR section or LibreOffice module is on both sides.
    const trainGroups = new Set(train.map((d) => d.group));
    expect(test.some((d) => trainGroups.has(d.group))).toBe(false);
    const model = { ...trainEduModel(balanceBands(train), { epochs: 3 }), version: "test" };
    const prose = test.filter((d) => d.source === "udhr").map((d) => eduScore(model, d.text));
    const ui = test.filter((d) => d.source !== "udhr").map((d) => eduScore(model, d.text));
    expect(prose.length).toBeGreaterThan(5);
    expect(ui.length).toBeGreaterThan(20);
    expect(mean(prose)).toBeGreaterThan(mean(ui) + 2);
    // Nearly every (prose, UI) pair is ordered right.
    const pairs = prose.flatMap((p) => ui.map((u) => (p > u ? 1 : 0)));
    expect(mean(pairs)).toBeGreaterThan(0.95);
  });

  it("ships a model that reads back with its version and separates real UI strings from UDHR paragraphs", async () => {
    const model = shippedEduModel();
    expect(model.version).toMatch(/^edu-[0-9a-f]{12}$/);
    const { tg, ui } = await texts();
    const ud = tg.filter((p) => p.length > 150).slice(0, 20);
    const menus = Array.from({ length: 10 }, (_, k) => ui.slice(k * 8, k * 8 + 8).join("\n"));
    const s = [...ud, ...menus].map((t) => eduScore(model, t));
    for (const v of s) expect(v >= 0 && v <= 5).toBe(true);
    expect(mean(s.slice(0, ud.length))).toBeGreaterThan(3);
    expect(mean(s.slice(ud.length))).toBeLessThan(1);
  });

  it("writes the same file for the same labels, and reads back the scores it wrote", async () => {
    const data = balanceBands((await weakLabels("test")).filter(bundled));
    const dir = await tempDir();
    const a = saveModel(
      path.join(dir, "a.bin.gz"),
      trainEduModel(data, { epochs: 1, features: { bits: 12, maxChars: 2000 } }),
      "t",
    );
    const b = saveModel(
      path.join(dir, "b.bin.gz"),
      trainEduModel(data, { epochs: 1, features: { bits: 12, maxChars: 2000 } }),
      "t",
    );
    expect(a.version).toBe(b.version);
    expect(await readFile(path.join(dir, "a.bin.gz"))).toEqual(await readFile(path.join(dir, "b.bin.gz")));
    const back = loadModel(path.join(dir, "a.bin.gz"));
    expect(back.version).toBe(a.version);
    for (const d of data.slice(0, 10)) expect(eduScore(back, d.text)).toBeCloseTo(eduScore(a, d.text), 6);
  });

  it("hashes features the same way every time, and measures agreement", () => {
    const x = featurize("Ҳар як инсон ба таҳсил ҳақ дорад.\nТаҳсил бояд ройгон бошад.");
    const y = featurize("Ҳар як инсон ба таҳсил ҳақ дорад.\nТаҳсил бояд ройгон бошад.");
    expect(Array.from(x.idx)).toEqual(Array.from(y.idx));
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1);
    expect(eduMetrics([0.2, 3.6, 4.4], [0, 4, 2])).toMatchObject({ n: 3, accuracy: 2 / 3 });
  });

  it("the signals stage writes edu_score and edu_model, with the workspace's model once one is trained", async () => {
    const dir = await tempDir();
    const { tg, ui } = await texts();
    const cases = [
      { name: "curriculum", text: tg.slice(10, 18).join("\n\n"), source: "edu" as const, expect: null },
      { name: "ui", text: ui.slice(0, 40).join("\n"), source: "other" as const, expect: null },
    ];
    const byId = await seedNormalize(dir, cases);
    const catalog = await Catalog.open(dir);
    try {
      const rows = async () => {
        const out = new Map<string, Record<string, unknown>>();
        for (const shard of await catalog.activeShards(["quality"]))
          for await (const batch of readShard(catalog.shardPath(shard)))
            for (const r of batch) out.set(byId.get(String(r.id))!.name, r);
        return out;
      };
      await runQualitySignals(catalog, undefined, { workers: 1, progress: "quiet" });
      let r = await rows();
      expect(r.get("curriculum")!.edu_model).toBe(shippedEduModel().version);
      expect(r.get("curriculum")!.edu_score as number).toBeGreaterThan(
        (r.get("ui")!.edu_score as number) + 2,
      );
      // The default rules' edu_value floor removes the UI strings and keeps the curriculum.
      const rules = await loadRules();
      const eduRule = (row: Record<string, unknown>) =>
        judge(rules, row).rules.find((x) => x.rule === "edu_value")!;
      expect(eduRule(r.get("ui")!).pass).toBe(false);
      expect(eduRule(r.get("curriculum")!).pass).toBe(true);
      // Annotators rate these UI strings as valuable (a made-up disagreement with the weak labels): the
      // workspace model moves toward them, and the next signals run uses it.
      const ratings = Array.from({ length: 30 }, (_, k) => ({
        doc_id: `ui-${k}`,
        text: ui.slice(k * 4, k * 4 + 4).join("\n"),
        mean: 5,
        n: 2,
      }));
      const trained = await trainCatalogEduModel(catalog, [{ source: "test", ratings }], { epochs: 2 });
      expect(trained.path).toBe(workspaceEduModelPath(dir));
      expect(trained.model.version).not.toBe(shippedEduModel().version);
      const before = await runQualitySignals(catalog, undefined, { workers: 1, progress: "quiet" });
      expect(before.summary.skipped).toBe(0);
      r = await rows();
      expect(r.get("ui")!.edu_model).toBe(trained.model.version);
      expect(r.get("ui")!.edu_score as number).toBeGreaterThan(
        eduScore(loadModel(SHIPPED_EDU_MODEL_PATH), ui.slice(0, 40).join("\n")),
      );
      const recorded = await catalog.rows("SELECT version, annotator_labels FROM quality_edu_models");
      expect(recorded).toEqual([{ version: trained.model.version, annotator_labels: 30 }]);
    } finally {
      catalog.close();
    }
  });
});
