import { describe, expect, it } from "vitest";
import { readWordList } from "../src/char-model.js";
import { identifyLanguage } from "../src/langid.js";
import { latinWords, readUzbek, uzbekCharModel } from "../src/uzbek-english.js";

const mean = (t: string) => {
  const r = readUzbek(t);
  return r.sum / r.n;
};

describe("Uzbek-English character model", () => {
  it("reads Uzbek UI text as Uzbek and English as English", () => {
    expect(mean("Hujjatni saqlab boʻlmadi, qaytadan urinib koʻring")).toBeGreaterThan(1);
    expect(mean("Yangi jadval yaratish")).toBeGreaterThan(0.5);
    expect(mean("The document could not be saved, try again")).toBeLessThan(-1);
    expect(mean("Insert a new table")).toBeLessThan(-0.5);
  });

  it("leaves names out and reads any apostrophe of oʻ gʻ as one letter", () => {
    expect(latinWords("StarWriter 5.0 hujjati (JDBC, OS2-775) o'zgartirish")).toEqual([
      "hujjati",
      "o'zgartirish",
    ]);
    expect(latinWords("boʻlim bo‘lim bo’lim")).toEqual(["bo'lim", "bo'lim", "bo'lim"]);
    expect(readUzbek("12345 🙂 Ҳуҷҷат")).toEqual({ sum: 0, n: 0 });
    expect(readWordList([], uzbekCharModel())).toEqual({ sum: 0, n: 0 });
  });

  it("decides Uzbek against English in language ID, whatever names the line holds", () => {
    expect(identifyLanguage("Fayl topilmadi.").lang).toBe("uzn");
    expect(identifyLanguage("Microsoft Excel hujjatini ochish").lang).toBe("uzn");
    expect(identifyLanguage("Open a Microsoft Excel document").lang).toBe("eng");
    expect(identifyLanguage("Fayl topilmadi.\nYangi jadval yaratish").lang).toBe("uzn");
    // Other Latin languages are not scored by it.
    expect(identifyLanguage("Die Datei wurde nicht gefunden.").lang).toBe("deu");
  });
});
