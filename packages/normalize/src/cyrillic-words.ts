import { FNV_PRIME } from "@soro/core";
import {
  CHAR_TERMS_PER_LETTER,
  type CharModel,
  type CharRead,
  tajikCharModel,
  wordCharTerms,
} from "./char-model.js";
import { CYRILLIC_LOWER, WORD_HASH_START } from "./word-memo.js";

// Module copies of imported constants: V8 folds them into the loop below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const HASH_START = WORD_HASH_START;

/**
 * Language ID's word evidence and the Tajik character model read the same Cyrillic words (runs of U+0400..U+04FF),
 * and a text repeats its words: both are read here in one pass, and what either needs of a word (its kind, the
 * character model's terms) is worked out once per distinct word and kept.
 */

/**
 * Cyrillic words of a text: all of them, those of kind bit 1, words of two letters or more, those of kind bit 2,
 * those of kind bit 4, and Tajik endings (kind bit 8, or a suffix hyphened to a Latin word: see `isLatinSuffix`).
 */
export interface WordCounts {
  words: number;
  fn: number;
  long: number;
  known: number;
  foreign: number;
  suffix: number;
}

/** A text's Cyrillic words: their counts and the character model's read of them. */
export interface WordRead {
  words: WordCounts;
  chars: CharRead;
}

/**
 * What the caller knows of a lower-case word: bit 1 a function word, bit 2 a known form, bit 4 a foreign one, bit 8
 * a form with an ending only Tajik writes; bit 16: the word is that ending alone, which after a hyphen on a Latin word
 * counts as bit 8.
 */
export type WordKind = (lower: string) => number;

/**
 * Per distinct word, one record in `pool`: its two hashes (as `WordMemo` takes them), its kind, the number of its
 * character-model terms (-1: a word longer than MEMO_LETTERS, whose terms are worked out where it is read), then the
 * terms. A record is whole in one or two neighbouring cache lines, so a word met before costs one read of `index`
 * (a small table, mostly in cache) and one of its record, where a slot of a `WordMemo` and terms kept apart cost two
 * reads far apart in memory that miss the caches on a text of many distinct words. Both are emptied when the index
 * is half full or the pool full (a long job meets millions of distinct words).
 */
const INDEX_BITS = 18;
/**
 * A used index entry: the record's place in `pool` (in doubles, from 1: 0 is an empty entry) in its low
 * OFFSET_BITS, and bits of the word's first hash above them, so that a probe reads no record of another word.
 */
const OFFSET_BITS = 21;
const POOL = 1 << OFFSET_BITS;
const OFFSET_MASK = POOL - 1;
const TAG_MASK = ~OFFSET_MASK;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const INDEX_SHIFT = 32 - INDEX_BITS;
const MAX_WORDS = 1 << (INDEX_BITS - 1);
const index = new Int32Array(1 << INDEX_BITS);
const poolBytes = new ArrayBuffer(POOL * 8);
const pool = new Float64Array(poolBytes);
/** `pool` as integers: a record at `at` has its hashes at `2 * at` and `2 * at + 1`, kind and term count next. */
const poolInts = new Int32Array(poolBytes);
let top = 1;
let wordCount = 0;
/** Words longer than this keep no terms (their terms are worked out where they are read). */
const MEMO_LETTERS = 64;
/** The character model the kept terms are of. */
let termModel: CharModel | undefined;
/** Reused for the terms of a word that is not kept. */
let scratch = new Float64Array(64);
/** The mixed first hash of the word `find` last looked for, and its second. */
let lastA = 0;
let lastB = 0;

function clear(): void {
  index.fill(0);
  top = 1;
  wordCount = 0;
}

/**
 * The record of the word whose hashes a reader took on its way over the letters (as `WordMemo.findHashed` takes
 * them), or, when it has none, -1 - the index entry where `enter` puts it.
 */
function findHashed(hashA: number, hashB: number, length: number): number {
  const ha = Math.imul(hashA ^ length, 0x9e3779b1);
  lastA = ha;
  lastB = hashB;
  const tag = (ha << INDEX_BITS) & TAG_MASK;
  const ints = poolInts;
  let e = ha >>> INDEX_SHIFT;
  for (let v = index[e] as number; v !== 0; v = index[e] as number) {
    if ((v & TAG_MASK) === tag) {
      const at = v & OFFSET_MASK;
      if (ints[2 * at] === ha && ints[2 * at + 1] === hashB) return at;
    }
    e = (e + 1) & INDEX_MASK;
  }
  return -1 - e;
}

/** `findHashed` for the lower-case word `text[start..end)`, hashing it first. */
function find(text: string, start: number, end: number): number {
  let ha = HASH_START;
  let hb = 0;
  for (let i = start; i < end; i++) {
    const c = CYRILLIC_LOWER[text.charCodeAt(i) - 0x400] as number;
    ha = Math.imul(ha ^ c, PRIME);
    hb = (Math.imul(hb, 31) + c) | 0;
  }
  return findHashed(ha, hb, end - start);
}

/**
 * Enters the word `text[start..end)` of the last `find` that missed (`missed`), its kind and terms worked out;
 * returns its record.
 */
function enter(
  missed: number,
  text: string,
  start: number,
  end: number,
  kindOf: WordKind,
  model: CharModel,
): number {
  const kind = kindOf(text.slice(start, end).toLowerCase());
  const kept = end - start <= MEMO_LETTERS;
  let e = -1 - missed;
  if (wordCount >= MAX_WORDS || top + 2 + (kept ? (end - start + 1) * CHAR_TERMS_PER_LETTER : 0) > POOL) {
    clear();
    e = lastA >>> INDEX_SHIFT;
  }
  const at = top;
  const to = kept ? wordCharTerms(text, start, end, pool, at + 2, model) : at + 2;
  poolInts[2 * at] = lastA;
  poolInts[2 * at + 1] = lastB;
  poolInts[2 * at + 2] = kind;
  poolInts[2 * at + 3] = kept ? to - at - 2 : -1;
  top = to;
  index[e] = ((lastA << INDEX_BITS) & TAG_MASK) | at;
  wordCount++;
  return at;
}

/** The record of the lower-case word `text[start..end)`, entered on first sight. */
function record(text: string, start: number, end: number, kindOf: WordKind, model: CharModel): number {
  const found = find(text, start, end);
  return found >= 0 ? found : enter(found, text, start, end, kindOf, model);
}

/**
 * Whether the word at `start` is hyphened to a Latin word or a Cyrillic abbreviation (`Star-и`, `URL-ро`, `МД-и`):
 * Tajik writes its endings so on a name; a digit before the hyphen is left out (Bulgarian writes ordinals `2-ро`).
 */
function isLatinSuffix(text: string, start: number): boolean {
  if (start < 2 || text.charCodeAt(start - 1) !== 0x2d) return false;
  const c = text.charCodeAt(start - 2);
  if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a) return true;
  // A Cyrillic abbreviation (`МД-и`): two capitals before the hyphen.
  const b = start >= 3 ? text.charCodeAt(start - 3) : 0;
  return c >= 0x410 && c <= 0x42f && b >= 0x410 && b <= 0x42f;
}

/**
 * Reads the Cyrillic words of a text: counts of the first `wordLimit` characters' words by kind (`kindOf`, asked
 * once per distinct word), and the shipped character model's read of the first `charLimit` characters' (the same
 * sum, term by term in the same order, as `readChars`). A word cut by a limit is read as cut.
 */
export function readCyrillicWords(
  text: string,
  wordLimit: number,
  charLimit: number,
  kindOf: WordKind,
): WordRead {
  const model = tajikCharModel();
  if (model !== termModel) {
    clear();
    termModel = model;
  }
  let words = 0;
  let fn = 0;
  let long = 0;
  let known = 0;
  let foreign = 0;
  let suffix = 0;
  let sum = 0;
  let n = 0;
  const wordEnd = Math.min(text.length, wordLimit);
  const charEnd = Math.min(text.length, charLimit);
  const m = Math.max(wordEnd, charEnd);
  const lowers = CYRILLIC_LOWER;
  for (let i = 0; i < m; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x400 || c > 0x4ff) continue;
    const start = i;
    // The word's hashes for its record (as `find` takes them), taken on the way to its end.
    let ha = HASH_START;
    let hb = 0;
    while (c >= 0x400 && c <= 0x4ff) {
      const l = lowers[c - 0x400] as number;
      ha = Math.imul(ha ^ l, PRIME);
      hb = (Math.imul(hb, 31) + l) | 0;
      c = ++i < m ? text.charCodeAt(i) : 0;
    }
    let whole = -1;
    if (start < wordEnd) {
      const end = Math.min(i, wordEnd);
      let at: number;
      if (end === i) {
        const found = findHashed(ha, hb, end - start);
        at = found >= 0 ? found : enter(found, text, start, end, kindOf, model);
        whole = at;
      } else at = record(text, start, end, kindOf, model);
      const kind = poolInts[2 * at + 2] as number;
      words++;
      if (kind & 1) fn++;
      if (kind & 4) foreign++;
      if (kind & 8 || (kind & 16 && end === i && isLatinSuffix(text, start))) suffix++;
      if (end - start >= 2) {
        long++;
        if (kind & 2) known++;
      }
    }
    if (start < charEnd) {
      const end = Math.min(i, charEnd);
      if (end === i && end - start <= MEMO_LETTERS) {
        if (whole === -1) {
          const found = findHashed(ha, hb, end - start);
          whole = found >= 0 ? found : enter(found, text, start, end, kindOf, model);
        }
        // `whole` stays valid: nothing is entered between its lookup and here.
        const terms = pool;
        const from = whole + 2;
        const to = from + (poolInts[2 * whole + 3] as number);
        for (let k = from; k < to; k++) sum += terms[k] as number;
      } else {
        const room = (end - start + 1) * CHAR_TERMS_PER_LETTER;
        if (scratch.length < room) scratch = new Float64Array(room);
        const to = wordCharTerms(text, start, end, scratch, 0, model);
        for (let k = 0; k < to; k++) sum += scratch[k] as number;
      }
      n += end - start + 1;
    }
  }
  return { words: { words, fn, long, known, foreign, suffix }, chars: { sum, n } };
}
