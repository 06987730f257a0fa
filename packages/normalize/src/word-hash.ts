import { FNV_OFFSET, FNV_PRIME } from "@soro/core";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/**
 * Lower case of each code unit of U+0400..U+052F, at code - 0x400 (Cyrillic and its supplement stay in the range,
 * and nothing else lowers into it): the one table of Cyrillic lower case for word hashing, restoration and language
 * ID's letter counts.
 */
export const CYRILLIC_LOWER = new Uint16Array(0x130);
for (let c = 0x400; c <= 0x52f; c++) {
  const lower = String.fromCharCode(c).toLowerCase().charCodeAt(0);
  if (lower < 0x400 || lower > 0x52f)
    throw new Error(`lower case of U+${c.toString(16)} leaves U+0400..U+052F`);
  CYRILLIC_LOWER[c - 0x400] = lower;
}

/** Where the first of a word's two hashes starts (see `findWord`; the second starts at 0). */
export const WORD_HASH_START = OFFSET;

/**
 * Looks the word `text[start..end)` (Cyrillic code units only) up by its two hashes: FNV-1a and a multiplicative
 * hash of its lower-case char codes (from WORD_HASH_START and 0), passed to `lookUp` with its length, which mixes
 * the length in. A reader that walks a word to find its end takes the same hashes on the way and looks it up itself.
 */
export function findWord(
  text: string,
  start: number,
  end: number,
  lookUp: (hashA: number, hashB: number, length: number) => number,
): number {
  let ha = WORD_HASH_START;
  let hb = 0;
  for (let i = start; i < end; i++) {
    const c = CYRILLIC_LOWER[text.charCodeAt(i) - 0x400] as number;
    ha = Math.imul(ha ^ c, PRIME);
    hb = (Math.imul(hb, 31) + c) | 0;
  }
  return lookUp(ha, hb, end - start);
}
