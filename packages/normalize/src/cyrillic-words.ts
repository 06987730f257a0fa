import { FNV_PRIME } from "@soro/core";
import {
  CHAR_TERMS_PER_LETTER,
  type CharModel,
  type CharRead,
  tajikCharModel,
  wordCharTerms,
} from "./char-model.js";
import { CYRILLIC_LOWER, WORD_HASH_START, WordMemo } from "./word-memo.js";

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
 * Per distinct word (see `WordMemo`): its kind + 1 at `slot + 2`, and at `slot + 3` where its character-model
 * terms lie in `terms` (-1: not yet worked out; there, the number of terms, then the terms). Cleared when half full
 * or when the terms fill up (a long job meets millions of distinct words).
 */
const memo = new WordMemo(19);
const table = memo.table;
/** Words longer than this keep no terms (their terms are worked out where they are read). */
const MEMO_LETTERS = 64;
const TERMS = 1 << 21;
let terms: Float64Array | undefined;
let termTop = 0;
/** The character model the kept terms are of. */
let termModel: CharModel | undefined;
/** Reused for the terms of a word that is not kept. */
let scratch = new Float64Array(64);

function clear(): void {
  memo.clear();
  termTop = 0;
}

/** The slot (index of its first integer) of the lower-case word `text[start..end)`, its kind worked out on first sight. */
function wordSlot(text: string, start: number, end: number, kindOf: WordKind): number {
  const found = memo.find(text, start, end);
  if (found >= 0) return found;
  return enter(found, text, start, end, kindOf);
}

/** Enters the word `text[start..end)` that `memo` missed (`found`), its kind worked out; its slot. */
function enter(found: number, text: string, start: number, end: number, kindOf: WordKind): number {
  const kind = kindOf(text.slice(start, end).toLowerCase());
  const clears = memo.clears;
  const slot = memo.add(found, kind + 1, -1);
  if (memo.clears !== clears) termTop = 0;
  return slot;
}

/**
 * Where the terms of the word in `slot` (`text[start..end)`) lie in `terms`, worked out on first need (when they no
 * longer fit, the table is cleared and the word is entered again).
 */
function keptTerms(
  text: string,
  start: number,
  end: number,
  slot: number,
  kindOf: WordKind,
  model: CharModel,
): number {
  const at = table[slot + 3] as number;
  if (at !== -1) return at;
  terms ??= new Float64Array(TERMS);
  let s = slot;
  if (termTop + 1 + (end - start + 1) * CHAR_TERMS_PER_LETTER > TERMS) {
    clear();
    s = wordSlot(text, start, end, kindOf);
  }
  const from = termTop;
  termTop = wordCharTerms(text, start, end, terms, from + 1, model);
  terms[from] = termTop - from - 1;
  table[s + 3] = from;
  return from;
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
    // The word's hashes for `memo` (as WordMemo.find takes them), taken on the way to its end.
    let ha = HASH_START;
    let hb = 0;
    while (c >= 0x400 && c <= 0x4ff) {
      const l = lowers[c - 0x400] as number;
      ha = Math.imul(ha ^ l, PRIME);
      hb = (Math.imul(hb, 31) + l) | 0;
      c = ++i < m ? text.charCodeAt(i) : 0;
    }
    let slot = -1;
    if (start < wordEnd) {
      const end = Math.min(i, wordEnd);
      let s: number;
      if (end === i) {
        const found = memo.findHashed(ha, hb, end - start);
        s = found >= 0 ? found : enter(found, text, start, end, kindOf);
      } else s = wordSlot(text, start, end, kindOf);
      if (end === i) slot = s;
      const kind = (table[s + 2] as number) - 1;
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
        if (slot === -1) slot = wordSlot(text, start, end, kindOf);
        const at = keptTerms(text, start, end, slot, kindOf, model);
        const pool = terms as Float64Array;
        const to = at + 1 + (pool[at] as number);
        for (let k = at + 1; k < to; k++) sum += pool[k] as number;
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
