import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { silentLetters } from "../src/alphabets.js";
import { readChars } from "../src/char-model.js";
import { LINE_READ_LIMIT, MAX_WORDS, readCyrillicWords, readLine } from "../src/cyrillic-words.js";
import { takeLetterCounts } from "../src/letter-counts.js";
import { scanLine, takeTrigrams, trigramIndex } from "../src/trigrams.js";
import { distinctWords } from "./distinct-words.js";

const tgk = await udhrParagraphs("tgk");
const rus = await udhrParagraphs("rus");
const kind = (w: string) =>
  w === "ва" ? 1 : w.startsWith("ҳуқуқ") ? 2 : w === "и" ? 16 : w.length & 4 ? 8 : 0;

/** What `scanLine` and `readCyrillicWords` read of a line, as `readLine` returns it. */
function readApart(text: string) {
  const index = trigramIndex("Cyrillic");
  const scan = scanLine(text, index);
  const letters = takeLetterCounts(scan.distinct);
  const trigrams = takeTrigrams(scan, index);
  return { scan, letters, trigrams, words: readCyrillicWords(text, 1e9, 1e9, kind) };
}

/** Trigram sums of the same trigrams added in another order. */
function sameSums(sums: Float64Array, expected: Float64Array): void {
  expect(sums.length).toBe(expected.length);
  for (let j = 0; j < sums.length; j++) expect(sums[j]).toBeCloseTo(expected[j]!, 9);
}

const lines = [
  ...tgk.slice(0, 12),
  ...rus.slice(0, 4),
  "Ҳуқуқи инсон: Star-и нав, URL-ҳо ва МД-и 2-ро; 1948, ٣٤ ва «فارسی» 𝐀𝐁 х",
  "ԁԃ ҷ ҳуқуқ ҳуқуқ…  ",
  `${"ҳуқуқ".repeat(14)} ва ${"ҳуқуқ".repeat(14)}`,
  "а",
  "",
  "  ...  ",
  "Wi-Fi и USB",
];

describe("a line read at once for letters, trigrams and words", () => {
  it("reads what the trigram scan and the word reader read, the trigram sums in another order", () => {
    for (let round = 0; round < 2; round++)
      for (const text of lines) {
        const line = readLine(text, kind);
        expect(line, text).toBeDefined();
        if (!line) continue;
        const letters = takeLetterCounts(line.distinct);
        const apart = readApart(text);
        expect([line.letters, line.cyrl, line.arab, line.latn]).toEqual([
          apart.scan.letters,
          apart.scan.cyrl,
          apart.scan.arab,
          apart.scan.latn,
        ]);
        const counts = (l: { distinct: Int32Array; counts: Int32Array }) =>
          new Map([...l.distinct].map((c, k) => [c, l.counts[k]]));
        expect(counts(letters)).toEqual(counts(apart.letters));
        expect([line.trigrams.n, line.trigrams.first, line.trigrams.last]).toEqual([
          apart.trigrams.n,
          apart.trigrams.first,
          apart.trigrams.last,
        ]);
        sameSums(line.trigrams.sums, apart.trigrams.sums);
        // Word by word in the same order: the same floating-point sum.
        expect(line.words).toEqual(apart.words);
        expect(line.words.chars).toEqual(readChars(text, 1e9));
      }
  });

  it("reads the same after its records are dropped for room (more distinct words than it keeps)", () => {
    // More short words than the records kept, and 1000 longer than a record keeps, in lines of 100 words.
    const short = MAX_WORDS + 20_000;
    const words = distinctWords(short, 1000, 14);
    const group = (from: number) => (from < short ? Math.min(100, short - from) : 15);
    for (let round = 0; round < 2; round++)
      for (let from = round * 50; from < words.length; from += group(from)) {
        const text = words.slice(from, from + group(from)).join(" ");
        const line = readLine(text, kind);
        if (!line) throw new Error(`not read: ${text.slice(0, 40)}`);
        const letters = takeLetterCounts(line.distinct);
        const apart = readApart(text);
        expect(letters).toEqual(apart.letters);
        // Every Cyrillic letter is counted but those that are no evidence for or against any language.
        const silent = silentLetters();
        const quiet = [...text].filter((c) => silent[c.charCodeAt(0) - 0x400] === 1).length;
        expect(letters.counts.reduce((a, b) => a + b, 0) + quiet).toBe(apart.scan.cyrl);
        expect(line.trigrams.n).toBe(apart.trigrams.n);
        sameSums(line.trigrams.sums, apart.trigrams.sums);
        expect(line.words).toEqual(apart.words);
      }
  });

  it("leaves a line longer than its reads' limits to the trigram scan and the word reader", () => {
    expect(readLine("ҳуқуқ ".repeat(LINE_READ_LIMIT / 6 + 1), kind)).toBeUndefined();
    expect(readLine("ҳуқуқ ".repeat(LINE_READ_LIMIT / 6 - 1), kind)).toBeDefined();
  });

  it("gives up on a line whose Cyrillic runs are not words to the trigrams, keeping nothing", () => {
    for (const text of ["ҳуқуқ\u0301 ва", "xҳуқуқ", "ҳуқуқ\u0482", "ва ҷx", "ва ԁҷ"]) {
      expect(readLine(text, kind), text).toBeUndefined();
      // The shared letter counts and sums were left clean: the next line reads as before.
      const line = readLine(tgk[0]!, kind);
      const letters = takeLetterCounts(line?.distinct ?? 0);
      const apart = readApart(tgk[0]!);
      expect(line?.distinct).toBe(apart.scan.distinct);
      expect(letters.counts).toEqual(apart.letters.counts);
      sameSums(line?.trigrams.sums ?? new Float64Array(), apart.trigrams.sums);
    }
  });
});
