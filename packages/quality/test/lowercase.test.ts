import { tajikTextDir, tajikTextLines } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { lowerCase } from "../src/lowercase.js";

describe("lowerCase", () => {
  it("lowercases every BMP unit as toLowerCase does, in any neighbourhood", () => {
    for (let c = 0; c < 0x10000; c++) {
      const s = `A${String.fromCharCode(c)}b`;
      expect(lowerCase(s)).toBe(s.toLowerCase());
    }
  });

  it("keeps what only the engine can tell: final sigma, İ, astral letters, a leading BOM", () => {
    for (const s of ["ΟΔΟΣ ΟΔΟΣ.", "İSTANBUL", "𐐀𐐁 Ҷ", "\ufeffАБВ", "", "Дар Душанбе"])
      expect(lowerCase(s)).toBe(s.toLowerCase());
  });

  it.skipIf(!tajikTextDir())("reads real Tajik text the same as toLowerCase", () => {
    const text = tajikTextLines("komdil_dictionary.txt").slice(0, 5000).join("\n");
    expect(lowerCase(text)).toBe(text.toLowerCase());
  });
});
