import { int32s } from "./typed-pool.js";

/**
 * Language ID's letter evidence starts from a count of a text's letters by script and of its Cyrillic letters one by
 * one. The count is taken in the same pass as the text's Cyrillic trigrams (`readLine` in trigrams.ts); this module
 * holds its tables and the counts' shape.
 */

/** The lower case of each Cyrillic letter (U+0400..U+052F) at (code - 0x400). */
export const CYRILLIC_LOWER_CODE = new Uint16Array(0x130);
for (let c = 0x400; c <= 0x52f; c++)
  // Upper-case Cyrillic: 0x400-0x42f map down by 0x50/0x20; the extended block pairs upper (even) with lower.
  CYRILLIC_LOWER_CODE[c - 0x400] =
    c < 0x410 ? c + 0x50 : c < 0x430 ? c + 0x20 : c >= 0x460 && (c & 1) === 0 ? c + 1 : c;

function buildLetterKinds(): Uint8Array {
  const t = new Uint8Array(0x10000);
  for (let c = 0x41; c <= 0xffff; c++) {
    if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
    )
      t[c] = 1;
    else if (c >= 0x400 && c <= 0x52f) t[c] = 3;
    else if ((c >= 0x620 && c <= 0x6d3) || (c >= 0xfb50 && c <= 0xfdfb) || (c >= 0xfe70 && c <= 0xfefc))
      t[c] = 2;
  }
  return t;
}

/**
 * Per code unit, what language ID's letter count makes of it: 0 no letter, 1 Latin, 2 Arabic-script, 3 Cyrillic (one
 * table lookup per character instead of a chain of range tests).
 */
export const LETTER_KINDS = buildLetterKinds();

/** Letters per script of a text and how often each lower-case Cyrillic letter occurs, in order of first sight. */
export interface LetterCounts {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  /** Distinct lower-case Cyrillic letters (U+0400..U+052F) in order of first sight, and their counts. */
  distinct: Int32Array;
  counts: Int32Array;
}

/**
 * Reused by the letter count (`readLine` in trigrams.ts): how often each lower-case Cyrillic letter (U+0400..U+052F)
 * occurs, and which occur.
 */
export const letterCounts = new Int32Array(0x130);
export const seenLetters = new Int32Array(0x130);

/** The letter counts gathered in `letterCounts` / `seenLetters` (`distinct` of them), which are left cleared. */
export function takeLetters(
  letters: number,
  cyrl: number,
  arab: number,
  latn: number,
  distinct: number,
): LetterCounts {
  const out: LetterCounts = {
    letters,
    cyrl,
    arab,
    latn,
    distinct: int32s(distinct),
    counts: int32s(distinct),
  };
  for (let k = 0; k < distinct; k++) {
    const lower = seenLetters[k] as number;
    out.distinct[k] = lower;
    out.counts[k] = letterCounts[lower - 0x400] as number;
    letterCounts[lower - 0x400] = 0;
  }
  return out;
}

/** The letter counts of a text made of several (its lines), letters in order of first sight over the whole. */
export function sumLetters(parts: readonly LetterCounts[]): LetterCounts {
  if (parts.length === 1) return parts[0] as LetterCounts;
  let letters = 0;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let distinct = 0;
  for (const p of parts) {
    letters += p.letters;
    cyrl += p.cyrl;
    arab += p.arab;
    latn += p.latn;
    for (let k = 0; k < p.distinct.length; k++) {
      const lower = p.distinct[k] as number;
      if (letterCounts[lower - 0x400] === 0) seenLetters[distinct++] = lower;
      (letterCounts[lower - 0x400] as number) += p.counts[k] as number;
    }
  }
  return takeLetters(letters, cyrl, arab, latn, distinct);
}
