import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { afterAll, describe, expect, it } from "vitest";
import { buildCurriculumVocab, curriculumSignals, letterWords, loadCurriculumVocab } from "../src/index.js";

let catalog: Catalog | undefined;
afterAll(() => catalog?.close());

describe("curriculum vocabulary by grade (invented short strings)", () => {
  it("keeps words graded documents use twice, each with the lowest grade that uses it", async () => {
    catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-curriculum-")), { create: true });
    const run = await SourceRun.begin(catalog, "normalize", { test: true });
    const edu = (text: string, grade: number | null) =>
      makeDocument({
        text,
        source: "edu",
        meta: grade === null ? { subject: "x" } : { subject: "x", grade },
      });
    await run.add("docs", "docs", [
      { doc: edu("Модар нон пухт. Модар об овард.", 1) },
      { doc: edu("Модар ва падар. Фотосинтез дар барг. Фотосинтез нур мехоҳад.", 6) },
      { doc: edu("Ин ҳуҷҷат синф надорад: атом атом атом.", null) },
      { doc: makeDocument({ text: "Сайт сайт сайт сайт.", source: "web" }) },
    ]);
    await run.finish();
    const ref = (await buildCurriculumVocab(catalog))!;
    expect(ref.docs).toBe(2);
    const vocab = await loadCurriculumVocab(ref.file);
    expect(vocab.get("модар")).toBe(1);
    expect(vocab.get("фотосинтез")).toBe(6);
    expect(vocab.has("нон")).toBe(false); // used once
    expect(vocab.has("атом")).toBe(false); // no grade
    expect(vocab.has("сайт")).toBe(false); // not curriculum
    expect((await readFile(ref.file, "utf8")).split("\n")[0]).toMatch(/^\S+\t\d+$/);
  });

  it("measures the share of known words and the grade that covers 90% of them", () => {
    const vocab = new Map<string, number>([
      ["модар", 1],
      ["об", 1],
      ["фотосинтез", 6],
    ]);
    const words = letterWords(`${"Модар об. ".repeat(10)}Фотосинтез ва хлорофилл.`);
    const s = curriculumSignals(words, vocab);
    expect(s.rl_curriculum_share).toBeCloseTo(21 / 23);
    expect(s.rl_curriculum_grade).toBe(1); // 20 of 21 known words (95%) are grade 1
    expect(curriculumSignals(letterWords("Модар об."), vocab).rl_curriculum_grade).toBeNull();
    expect(curriculumSignals(letterWords("abc"), vocab).rl_curriculum_share).toBeNull();
  });
});
