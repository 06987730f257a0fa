import { int32s } from "./typed-pool.js";

/**
 * Language ID's letter counts of a line, taken in the pass that reads its trigrams (`scanLine` in trigrams.ts): per
 * code unit its kind, 0 no letter, 1 Latin, 2 Arabic-script, 3 Cyrillic (one table lookup per character instead of
 * a chain of range tests); a Cyrillic one is counted by its CYRILLIC_LOWER.
 */
export const LETTER_KINDS = new Uint8Array(0x10000);
for (let c = 0x41; c <= 0xffff; c++) {
  if (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
  )
    LETTER_KINDS[c] = 1;
  else if (c >= 0x400 && c <= 0x52f) LETTER_KINDS[c] = 3;
  else if ((c >= 0x620 && c <= 0x6d3) || (c >= 0xfb50 && c <= 0xfdfb) || (c >= 0xfe70 && c <= 0xfefc))
    LETTER_KINDS[c] = 2;
}
export const LATIN = 1;
export const CYRILLIC = 3;

/**
 * Reused between lines: how often each lower-case Cyrillic letter (U+0400..U+052F, at code - 0x400) occurs, and
 * which occur, in order of first sight; the readers skip the letters that are no evidence (alphabets.ts's
 * `silentLetters`). Left cleared by `takeLetterCounts` and `dropLetterCounts`.
 */
export const letterCounts = new Int32Array(0x130);
export const seenLetters = new Int32Array(0x130);

/**
 * Counts `n` more of the lower-case Cyrillic letter at `k` (its code - 0x400) in `counts`, listing its code in `seen`
 * on first sight; returns how many are listed now (`distinct` before). The arrays (`letterCounts`, `seenLetters`) are
 * passed in: read from the module's variables in a reader's loop, each access reloaded them.
 */
export function countLetter(
  counts: Int32Array,
  seen: Int32Array,
  k: number,
  n: number,
  distinct: number,
): number {
  const before = counts[k] as number;
  counts[k] = before + n;
  if (before !== 0) return distinct;
  seen[distinct] = k + 0x400;
  return distinct + 1;
}

/** The first `distinct` letters of `seenLetters` and their counts, taken out of the shared arrays. */
export function takeLetterCounts(distinct: number): { distinct: Int32Array; counts: Int32Array } {
  const out = { distinct: int32s(distinct), counts: int32s(distinct) };
  for (let k = 0; k < distinct; k++) {
    const lower = seenLetters[k] as number;
    out.distinct[k] = lower;
    out.counts[k] = letterCounts[lower - 0x400] as number;
    letterCounts[lower - 0x400] = 0;
  }
  return out;
}

/** Clears the counts of the first `distinct` letters of `seenLetters` (a line read before). */
export function dropLetterCounts(distinct: number): void {
  for (let k = 0; k < distinct; k++) letterCounts[(seenLetters[k] as number) - 0x400] = 0;
}
