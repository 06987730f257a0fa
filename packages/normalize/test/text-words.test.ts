import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { type LineRead, MAX_WORDS, readLine } from "../src/cyrillic-words.js";
import { takeLetterCounts } from "../src/letter-counts.js";
import { normalizeText } from "../src/normalize.js";
import { REREAD, type TextWords, textWords, wordsOf } from "../src/text-words.js";
import { distinctWords } from "./distinct-words.js";

const tgk = await udhrParagraphs("tgk");
const rus = await udhrParagraphs("rus");
const kind = (w: string) => (w === "ва" ? 1 : w.length & 4 ? 8 : 0);

/** Tajik typed on a Russian keyboard: each Tajik letter as the Russian one that stands in for it. */
function withoutTajikLetters(text: string): string {
  const stand: Record<string, string> = { ҳ: "х", қ: "к", ӣ: "и", ӯ: "у", ғ: "г", ҷ: "ч" };
  return text.replace(/[ҳқӣӯғҷ]/g, (c) => stand[c] ?? c);
}

/** A line's read with its letter counts taken out of the shared arrays, and its sums copied. */
function taken(line: LineRead | undefined) {
  if (!line) return undefined;
  const letters = takeLetterCounts(line.distinct);
  return { ...line, letters, trigrams: { ...line.trigrams, sums: line.trigrams.sums.slice() } };
}

/** Each line of `text` read with restoration's words (as `TextReading` finds a line's) and alone. */
function readBothWays(text: string, words: TextWords) {
  const out = [];
  let first = 0;
  let offset = 0;
  for (const line of text.split("\n")) {
    const withWords = taken(readLine(line, kind, words, first, offset));
    const alone = taken(readLine(line, kind));
    out.push({ line, withWords, alone });
    offset += line.length + 1;
    while (first < words.count && (words.at[first] as number) < offset) first++;
  }
  return out;
}

const clean = tgk.slice(0, 30).join("\n");
const texts = {
  clean,
  // Restoration rewrites words in place (same length, Tajik letters).
  restored: withoutTajikLetters(tgk.slice(38, 58).join("\n")),
  // Punctuation of the same length: straight quotes to « », a hyphen between words to an em dash.
  punctuation: tgk
    .filter((p) => !/[,;]\S/.test(p))
    .slice(0, 10)
    .map((p, i) => (i % 2 ? `"${p}"` : p.replace(" ", " - ")))
    .join("\n"),
  // A word with U+0482, and one joined to a Latin letter: language ID reads those lines itself.
  signs: `${tgk[52]}\nсоли ҳазор҂ ва\nxҳуқуқ ва ҳуқуқ\n${tgk[53]}`,
  russian: rus.slice(0, 10).join("\n"),
};

describe("language ID reads the words restoration scanned of a text it left in place", () => {
  it("reads each line as it reads it alone", () => {
    for (const [name, input] of Object.entries(texts)) {
      const n = normalizeText(input);
      const words = wordsOf(n.text);
      expect(words, name).toBeDefined();
      if (!words) continue;
      expect(words.count, name).toBeGreaterThan(20);
      for (const { line, withWords, alone } of readBothWays(n.text, words))
        expect(withWords, line).toEqual(alone);
    }
  });

  it("is kept through restoration's rewrites and punctuation that moves nothing", () => {
    const restored = normalizeText(texts.restored);
    expect(restored.steps.russian_keyboard).toBeGreaterThan(20);
    // The rewritten words are read afresh by language ID; the others still have the records restoration found.
    const words = wordsOf(restored.text) as TextWords;
    const rewritten = [...words.seen.subarray(0, words.count)].filter((s) => s & REREAD).length;
    expect(rewritten).toBeGreaterThan(10);
    expect(words.clears).toBeGreaterThanOrEqual(0);
    expect([...words.record.subarray(0, words.count)].filter((r) => r >= 0).length).toBeGreaterThan(20);
    const punctuation = normalizeText(texts.punctuation);
    expect(punctuation.steps.dash).toBeGreaterThan(0);
    expect(punctuation.steps.quotes).toBeGreaterThan(0);
    expect(punctuation.steps.comma_space).toBeUndefined();
    expect(wordsOf(punctuation.text)).toBeDefined();
  });

  it("reads without restoration's records when they were emptied for room during its scan", () => {
    const words = distinctWords(2 * MAX_WORDS, 0, 0).map((w) => `к${w}`);
    const lines = [];
    for (let k = 0; k < words.length; k += 100) lines.push(words.slice(k, k + 100).join(" "));
    const text = lines.join("\n");
    const n = normalizeText(text);
    const scanned = wordsOf(n.text);
    expect(scanned).toBeDefined();
    if (!scanned) return;
    expect(scanned.clears).toBe(-1);
    for (const { line, withWords, alone } of readBothWays(n.text, scanned))
      expect(withWords, line).toEqual(alone);
  });

  it("is dropped when a step after restoration moves the text, or when restoration was not asked for", () => {
    // A doubled hyphen becomes one em dash: everything after it moves.
    const moved = normalizeText(tgk.slice(0, 5).join(" -- "));
    expect(moved.steps.dash).toBeGreaterThan(0);
    expect(wordsOf(moved.text)).toBeUndefined();
    const spaced = normalizeText(tgk.slice(5, 8).join("  "));
    expect(spaced.steps.space).toBeGreaterThan(0);
    expect(wordsOf(spaced.text)).toBeUndefined();
    const unrestored = normalizeText(tgk[54] as string, { restore: false });
    expect(wordsOf(unrestored.text)).toBeUndefined();
  });

  it("is dropped when restoration writes a word that takes another length or holds another letter", () => {
    for (const to of ["ҳуқуқҳо", "ҳуқуq"]) {
      textWords.clear();
      textWords.push(0, 5, 1, 2, 0);
      textWords.push(6, 8, 3, 4, 0);
      textWords.rewrote(0, to);
      textWords.scanned("ҳуқуқ ва", 0);
      expect(wordsOf("ҳуқуқ ва"), to).toBeUndefined();
    }
    textWords.clear();
    textWords.push(0, 5, 1, 2, 0);
    textWords.rewrote(0, "ҳуқуқ");
    textWords.scanned("ҳуқуқ ва", 0);
    expect(wordsOf("ҳуқуқ ва")?.seen[0]).toBe(REREAD);
  });
});
