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

const STRIDE = 4;

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

/**
 * What a caller keeps per distinct Cyrillic word of the texts it reads, found from the word's place in a text
 * without making a string of it (a text repeats its words: a word seen before costs one hash of its char codes).
 * An open-addressing table keyed by two 32-bit hashes of the word's lower-case letters; a slot is four neighbouring
 * integers (hash, hash, and the caller's two values at `slot + 2` and `slot + 3`, the first nonzero in a used
 * slot), so a probe touches one cache line. Emptied when half full: a long job meets millions of distinct words.
 */
export class WordMemo {
  readonly table: Int32Array;
  /** How often the table was emptied (what a caller keeps beside it by slot is then stale). */
  clears = 0;
  private used = 0;
  private readonly shift: number;
  private readonly mask: number;
  private ha = 0;
  private hb = 0;

  constructor(bits: number) {
    this.table = new Int32Array(STRIDE << bits);
    this.shift = 32 - bits;
    this.mask = (STRIDE << bits) - 1;
  }

  /**
   * The slot of the word whose two hashes a caller took (see `findWord`) before the length is mixed in, or, when it
   * is not there, -1 - the slot where `add` puts it.
   */
  findHashed(hashA: number, hashB: number, length: number): number {
    const ha = Math.imul(hashA ^ length, 0x9e3779b1);
    const hb = hashB;
    this.ha = ha;
    this.hb = hb;
    const table = this.table;
    let slot = (ha >>> this.shift) * STRIDE;
    while (table[slot + 2] !== 0) {
      if (table[slot] === ha && table[slot + 1] === hb) return slot;
      slot = (slot + STRIDE) & this.mask;
    }
    return -1 - slot;
  }

  /**
   * Enters the word of the last `findHashed` that missed (`missed` is what it returned) with its two values (`first`
   * nonzero); returns its slot. When the table is half full it is emptied first.
   */
  add(missed: number, first: number, second: number): number {
    let slot = -1 - missed;
    if (this.used >= this.table.length >> 3) {
      this.clear();
      slot = (this.ha >>> this.shift) * STRIDE;
    }
    const table = this.table;
    table[slot] = this.ha;
    table[slot + 1] = this.hb;
    table[slot + 2] = first;
    table[slot + 3] = second;
    this.used++;
    return slot;
  }

  clear(): void {
    this.table.fill(0);
    this.used = 0;
    this.clears++;
  }
}
