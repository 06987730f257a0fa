import { describe, expect, it } from "vitest";
import { udhrParagraphs, udhrSections } from "../src/udhr.js";

describe("udhrSections", () => {
  it("takes each paragraph once, also where a list item wraps it", async () => {
    for (const code of ["tgk", "rus", "pes_1"] as const) {
      const paragraphs = await udhrParagraphs(code);
      expect(new Set(paragraphs).size, code).toBe(paragraphs.length);
    }
    // Article 11 of the Tajik declaration is a list of two items, each a paragraph inside <li>.
    const article11 = (await udhrSections("tgk")).find((s) => s.heading === "Моддаи 11.");
    expect(article11?.paragraphs).toHaveLength(2);
    expect(article11?.paragraphs[0]).toMatch(/^Ҳар як инсоне, ки дар содир кардани ҷиноят/);
  });

  it("reads each list paragraph twice only when asked, as the shipped character models were counted", async () => {
    const once = await udhrParagraphs("tgk");
    const twice = await udhrParagraphs("tgk", { listItemsTwice: true });
    expect(twice.length).toBeGreaterThan(once.length);
    expect(new Set(twice)).toEqual(new Set(once));
  });
});
