import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { afterAll, describe, expect, it } from "vitest";
import { loadSeeds, parseGradeRange } from "../src/synth/seeds.js";

let catalog: Catalog | undefined;
afterAll(() => catalog?.close());

describe("seeding by grade", () => {
  it("parses a grade or a range", () => {
    expect(parseGradeRange("5")).toEqual({ min: 5, max: 5 });
    expect(parseGradeRange("5-7")).toEqual({ min: 5, max: 7 });
    expect(parseGradeRange("7-5")).toBeNull();
    expect(parseGradeRange("five")).toBeNull();
  });

  it("picks passages by grade metadata, else by the estimated reading grade", async () => {
    catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-seeds-")), { create: true });
    const run = await SourceRun.begin(catalog, "dedup", { test: true }, [
      { name: "reading_grade", type: "DOUBLE", doc: "estimated grade" },
    ]);
    // A paragraph long enough not to be read as a heading.
    const body = " Ин ҷумла барои он аст, ки матн дарозтар шавад ва сарлавҳа ҳисоб нашавад.";
    const doc = (text: string, meta: Record<string, unknown>, reading: number | null) => ({
      doc: { ...makeDocument({ text: text + body, source: "edu", meta }), reading_grade: reading },
    });
    await run.add("edu", "edu", [
      doc("Дарси панҷум. Офтоб аз шарқ мебарояд.", { subject: "табиат", grade: 5 }, 10),
      doc("Дарси нӯҳум. Қонуни Ом ҷараёнро муайян мекунад.", { subject: "физика", grade: 9 }, 4),
      doc("Матни бе синф. Конститутсия қонуни асосии давлат аст.", { subject: "ҳуқуқ" }, 10.4),
    ]);
    await run.finish();
    const subjects = async (min: number, max: number) =>
      [...new Set((await loadSeeds(catalog!, { grades: { min, max } })).chunks.map((c) => c.subject))].sort();
    // Metadata wins over the estimate: the grade-5 text estimated at 10 is still grade 5.
    expect(await subjects(5, 5)).toEqual(["табиат"]);
    expect(await subjects(9, 12)).toEqual(["физика", "ҳуқуқ"]);
    expect((await loadSeeds(catalog)).docs).toBe(3);
  }, 60_000);
});
