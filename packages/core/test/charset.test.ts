import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  charsetLabel,
  checkUtf8,
  decodeBytes,
  encodeText,
  guessCharset,
  legacyReadings,
  readingWords,
} from "../src/index.js";

const hasText = tajikTextDir() !== null;
if (!hasText)
  console.warn("skipping charset tests on Tajik prose: no ../shared/tajik-text (set SORO_TAJIK_TEXT)");

/** Tajik as typed on a Russian keyboard: what fits windows-1251 and KOI8-R. */
const fold = (s: string) => s.replace(/[ҳҷқғӯӣҲҶҚҒӮӢ]/g, (c) => "хчкгуиХЧКГУИ"["ҳҷқғӯӣҲҶҚҒӮӢ".indexOf(c)]!);

describe("charset labels and KOI8-T", () => {
  it("knows koi8-t beside the WHATWG labels and decodes it as glibc's table does", () => {
    expect(charsetLabel("KOI8-T")).toBe("koi8-t");
    expect(charsetLabel(' "koi8_t" ')).toBe("koi8-t");
    expect(charsetLabel("cp1251")).toBe("windows-1251");
    expect(charsetLabel("x-unknown")).toBeNull();
    // Tajik letters in KOI8-T's upper half (glibc: ҳ 0x8A, ӣ 0xA5, ҷ 0x8D, қ 0x80, ғ 0x81, ӯ 0xA1).
    const bytes = encodeText("Эмомалӣ ҳам ҷ қ ғ ӯ", "koi8-t");
    expect([6, 8, 12, 14, 16, 18].map((i) => bytes[i])).toEqual([0xa5, 0x8a, 0x8d, 0x80, 0x81, 0xa1]);
    expect(decodeBytes(bytes, "koi8-t")).toBe("Эмомалӣ ҳам ҷ қ ғ ӯ");
    expect(decodeBytes(bytes, "koi8-r")).toBe("Эмомал╔ ┼ам █ ─ │ ║");
  });

  it("counts the bytes of broken UTF-8 sequences", () => {
    expect(checkUtf8(Buffer.from("ҳам"))).toEqual({ invalid: 0, firstInvalid: -1, multibyte: 3 });
    const broken = Buffer.concat([Buffer.from("аб"), Buffer.from([0xff, 0xd2]), Buffer.from("в")]);
    expect(checkUtf8(broken)).toEqual({ invalid: 2, firstInvalid: 4, multibyte: 3 });
    // A sequence cut by the end of a sample counts only when the bytes are not a head.
    const cut = Buffer.from("ҳам").subarray(0, 5);
    expect(checkUtf8(cut).invalid).toBe(1);
    expect(checkUtf8(cut, true).invalid).toBe(0);
  });
});

describe.skipIf(!hasText)("guessing an undeclared charset by Tajik and Russian words", () => {
  const tajik = hasText ? tajikTextLines("komdil_payom.txt").slice(2, 6).join("\n") : "";

  it("tells UTF-8, windows-1251, KOI8-R and KOI8-T apart on Tajik and Russian text", async () => {
    const russian = (await udhrParagraphs("rus")).slice(0, 3).join("\n");
    const cases: Array<[string, string, string]> = [
      [tajik, "utf-8", "utf-8"],
      [tajik, "koi8-t", "koi8-t"],
      [fold(tajik), "windows-1251", "windows-1251"],
      [fold(tajik), "koi8-r", "koi8-r"],
      [russian, "windows-1251", "windows-1251"],
      [russian, "koi8-r", "koi8-r"],
    ];
    for (const [text, charset, expected] of cases) {
      const bytes = encodeText(text, charset);
      expect(guessCharset(bytes).charset, `${charset}: ${text.slice(0, 30)}`).toBe(expected);
    }
  });

  it("follows the words where letter statistics mislead: capitals in windows-1251 read as small letters in KOI8-R", () => {
    const caps = tajik.slice(0, 400).toUpperCase();
    const bytes = encodeText(caps, "koi8-t");
    const cp = encodeText(fold(caps), "windows-1251");
    // Letter shape alone prefers the reading with small letters: KOI8-R's reading of windows-1251 capitals.
    const readings = legacyReadings(cp);
    const koi8r = readings.find((r) => r.charset === "koi8-r")!;
    const win = readings.find((r) => r.charset === "windows-1251")!;
    expect(koi8r.shape).toBeGreaterThan(win.shape);
    expect(readingWords(win)).toBeGreaterThan(readingWords(koi8r));
    expect(guessCharset(cp)).toEqual({ charset: "windows-1251", by: "lexicon" });
    expect(guessCharset(bytes)).toEqual({ charset: "koi8-t", by: "lexicon" });
  });
});
