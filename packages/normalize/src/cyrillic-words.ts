import { FNV_PRIME } from "@soro/core";
import { silentLetters } from "./alphabets.js";
import { CHAR_TEXT_LIMIT, type CharModel, type CharRead, tajikCharModel, wordCharSum } from "./char-model.js";
import {
  CYRILLIC as CYRILLIC_KIND,
  countLetter,
  dropLetterCounts,
  LATIN as LATIN_KIND,
  LETTER_KINDS,
  letterCounts,
  seenLetters,
} from "./letter-counts.js";
import { REREAD, TextWords } from "./text-words.js";
import {
  addRow,
  addWordTrigrams,
  charSymbolsOf,
  joinRow,
  ROW_CHUNK,
  SEPARATOR,
  symbolAt,
  TRIGRAM_TEXT_LIMIT,
  type TrigramIndex,
  type TrigramRead,
  trigramIndex,
  UNUSED_LETTER,
} from "./trigrams.js";
import { float64s } from "./typed-pool.js";
import { CYRILLIC_LOWER, findWord, WORD_HASH_START } from "./word-hash.js";

// Module copies of imported constants: V8 folds them into the loop below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const HASH_START = WORD_HASH_START;

/**
 * Language ID reads a line's letters, its trigrams, its Cyrillic words (runs of U+0400..U+04FF) for word evidence
 * and the Tajik character model, and a text repeats its words: all of it is read here in one pass over the line
 * (`readLine`), and what any of them needs of a word (its kind, its character-model sum, its letters, its trigrams'
 * gains per language) is worked out once per distinct word and kept.
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
 * Per distinct word, one record in `pool` (see `enter`). A record is whole in a few neighbouring cache lines, so a
 * word met before costs one read of `index` (a small table, mostly in cache) and one of its record, where tables
 * kept apart cost reads far apart in memory that miss the caches on a text of many distinct words. Both are emptied
 * when the index is half full or the pool full (a long job meets millions of distinct words).
 */
const INDEX_BITS = 18;
/**
 * A used index entry: the record's place in `pool` (in doubles, from 1: 0 is an empty entry) in its low
 * OFFSET_BITS, and bits of the word's first hash above them, so that a probe reads no record of another word.
 */
const OFFSET_BITS = 22;
const POOL = 1 << OFFSET_BITS;
const OFFSET_MASK = POOL - 1;
const TAG_MASK = ~OFFSET_MASK;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const INDEX_SHIFT = 32 - INDEX_BITS;
/** Most records kept at once (the pool may fill first); more distinct words empty them and start again. */
export const MAX_WORDS = 1 << (INDEX_BITS - 1);
const index = new Int32Array(1 << INDEX_BITS);
const poolBytes = new ArrayBuffer(POOL * 8);
const pool = new Float64Array(poolBytes);
/** `pool` as integers (two per double). */
const poolInts = new Int32Array(poolBytes);
/**
 * `pool` as bytes and as 16-bit units, for a record's language ids and its letters: as integers they made a record
 * about a quarter larger, and records are read from memory far more than worked on (see `enter`).
 */
const poolBytes8 = new Uint8Array(poolBytes);
const poolUnits = new Uint16Array(poolBytes);
/** A letter in a record's unit: its code - 0x400 in the low LETTER_BITS (below 0x130), its count above (at most MEMO_LETTERS). */
const LETTER_BITS = 9;
const LETTER_MASK = (1 << LETTER_BITS) - 1;
let top = 1;
let wordCount = 0;
/** How often the records were emptied (a note kept on them by record is then gone: see `noteOf`). */
let clears = 0;
/** Words longer than this keep only their kind (the rest is worked out where they are read). */
const MEMO_LETTERS = 64;
/** The character model the kept sums are of. */
let termModel: CharModel | undefined;
/** The mixed first hash of the word `findHashed` last looked for, and its second. */
let lastA = 0;
let lastB = 0;

function clear(): void {
  index.fill(0);
  top = 1;
  wordCount = 0;
  clears++;
}

/** A record's kind before language ID first reads it (a record entered for restoration's note). */
const KIND_UNREAD = -1;
/** Where a record's parts lie, in doubles from its start (see `enter`). */
const NOTE = 2;
const CHAR_SUM = 3;
const COUNTS = 4;
const GAINS = 5;

/** A word's first hash mixed with its length: its index slot in the high INDEX_BITS, its tag below (see `findHashed`). */
function slotHash(hashA: number, length: number): number {
  return Math.imul(hashA ^ length, 0x9e3779b1);
}

/**
 * The record of the word whose hashes a reader took on its way over the letters (see word-hash.ts's `findWord`), or,
 * when it has none, -1 - the index entry where `enter` puts it.
 */
function findHashed(hashA: number, hashB: number, length: number): number {
  const ha = slotHash(hashA, length);
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

/** Most words `touchRecords` reads at once: their memory stays in the caches until they are looked up. */
export const TOUCH_WORDS = 64;
/** `touchRecords`'s index entries, read in its first loop. */
const touchEntries = new Int32Array(TOUCH_WORDS);
/** Integers of `poolInts` to a cache line: `touchRecords` reads a record's first three, which hold most records whole. */
const LINE_INTS = 16;
/** What `touchRecords` read, kept so that its reads are not optimised away. */
const touched = new Int32Array(1);

/**
 * Reads the index entries, then the records, of words `first..last` of `words` (text-words.ts; at most TOUCH_WORDS),
 * each loop's reads independent of one another, so that the memory they are in is fetched at once. Looked up one by
 * one, a word's index entry and then its record missed the caches in turn: half of restoration's scan of a line went
 * there (its profile), and a stage run of 200 MB of e2e documents takes 1.07-1.11x less CPU with this first.
 */
export function touchRecords(words: TextWords, first: number, last: number): void {
  const hashes = words.hashA;
  const starts = words.at;
  const ends = words.end;
  const n = Math.min(last - first, TOUCH_WORDS);
  for (let k = 0; k < n; k++) {
    const j = first + k;
    const ha = slotHash(hashes[j] as number, (ends[j] as number) - (starts[j] as number));
    touchEntries[k] = index[ha >>> INDEX_SHIFT] as number;
  }
  const ints = poolInts;
  const wrap = 2 * POOL - 1;
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const v = touchEntries[k] as number;
    if (v === 0) continue;
    const at = 2 * (v & OFFSET_MASK);
    sum ^=
      (ints[at] as number) ^
      (ints[(at + LINE_INTS) & wrap] as number) ^
      (ints[(at + 2 * LINE_INTS) & wrap] as number);
  }
  touched[0] = sum;
}

let cyrillicIndex: TrigramIndex | undefined;

/** The Cyrillic trigram index, whose trigrams a kept word's record sums per language. */
function cyrillicTrigrams(): TrigramIndex {
  if (!cyrillicIndex) {
    const index = trigramIndex("Cyrillic");
    // A record keeps a language's id in a byte, its padding slots' too (see `keepRest`).
    if (index.langs.length + ROW_CHUNK > 0x100)
      throw new Error(
        `cyrillic-words: ${index.langs.length} Cyrillic trigram languages, at most ${0x100 - ROW_CHUNK}`,
      );
    cyrillicIndex = index;
  }
  return cyrillicIndex;
}

/** Reused while a record is made: a word's trigram sums per language (ROW_CHUNK slots more), its letter counts. */
let wordSums = new Float64Array(0);
const wordLetterCounts = new Int32Array(0x130);
const wordLetters = new Int32Array(MEMO_LETTERS);

/**
 * Enters the word `text[start..end)` of the last `findHashed` that missed (`missed`); returns its record. At `at`: its two
 * hashes, its kind (KIND_UNREAD without `kindOf`) and whether the rest is kept (1; 0 for a word longer than
 * MEMO_LETTERS, whose rest is worked out where it is read); at NOTE restoration's note on the word (see `noteOf`).
 * Then, as doubles from CHAR_SUM: the character model's sum of the word (`wordCharSum`); the number of languages its
 * trigrams hold (those it makes with a space on either side; padded to whole ROW_CHUNKs) and of its distinct letters
 * that are evidence (low and high 16 bits) beside its first and last trigram symbol (`addWordTrigrams`); from GAINS
 * its trigram gains summed per language; then those languages' ids, a byte each, and from the next 16-bit unit its
 * letters, a unit each (see LETTER_BITS).
 */
function enter(
  missed: number,
  text: string,
  start: number,
  end: number,
  kindOf: WordKind | undefined,
  model: CharModel,
): number {
  const kind = kindOf ? kindOf(text.slice(start, end).toLowerCase()) : KIND_UNREAD;
  const kept = end - start <= MEMO_LETTERS;
  const trigrams = cyrillicTrigrams();
  const langs = trigrams.langs.length;
  let e = -1 - missed;
  // Its ids a byte each, a byte to align its letters, and its letters two bytes each.
  const room = kept
    ? GAINS + langs + ROW_CHUNK + Math.ceil((langs + ROW_CHUNK + 1 + 2 * (end - start)) / 8)
    : NOTE + 1;
  if (wordCount >= MAX_WORDS || top + room > POOL) {
    clear();
    e = lastA >>> INDEX_SHIFT;
  }
  const at = top;
  poolInts[2 * at] = lastA;
  poolInts[2 * at + 1] = lastB;
  poolInts[2 * at + 2] = kind;
  poolInts[2 * at + 3] = kept ? 1 : 0;
  poolInts[2 * (at + NOTE)] = 0;
  top = kept ? keepRest(text, start, end, at, trigrams, model) : at + NOTE + 1;
  index[e] = ((lastA << INDEX_BITS) & TAG_MASK) | at;
  wordCount++;
  return at;
}

/** Writes the kept part of a record at `at` (see `enter`); returns where the record ends. */
function keepRest(
  text: string,
  start: number,
  end: number,
  at: number,
  index: TrigramIndex,
  model: CharModel,
): number {
  const langs = index.langs.length;
  if (wordSums.length < langs + ROW_CHUNK) wordSums = new Float64Array(langs + ROW_CHUNK);
  const sums = wordSums;
  pool[at + CHAR_SUM] = wordCharSum(text, start, end, model);
  const ends = addWordTrigrams(text, start, end, text.length, index, sums);
  // Every gain is positive, so a language the word's trigrams hold has a sum above 0.
  let nl = 0;
  for (let j = 0; j < langs; j++) if ((sums[j] as number) !== 0) pool[at + GAINS + nl++] = sums[j] as number;
  // Padded to whole chunks with gain 0 for slots past the languages (as trigram rows are), so that `readLine` adds
  // ROW_CHUNK at a time: a loop of one a step mispredicted its exit on most words.
  const held = nl;
  while (nl % ROW_CHUNK !== 0) pool[at + GAINS + nl++] = 0;
  let ids = 8 * (at + GAINS + nl);
  for (let j = 0; j < langs; j++) if ((sums[j] as number) !== 0) poolBytes8[ids++] = j;
  for (let j = held; j < nl; j++) poolBytes8[ids++] = langs + (j % ROW_CHUNK);
  sums.fill(0);
  let nlet = 0;
  const silent = silentLetters();
  for (let i = start; i < end; i++) {
    const k = (CYRILLIC_LOWER[text.charCodeAt(i) - 0x400] as number) - 0x400;
    if (silent[k] !== 0) continue;
    if (wordLetterCounts[k] === 0) wordLetters[nlet++] = k;
    (wordLetterCounts[k] as number)++;
  }
  let units = (ids + 1) >> 1;
  for (let j = 0; j < nlet; j++) {
    const k = wordLetters[j] as number;
    poolUnits[units++] = k | ((wordLetterCounts[k] as number) << LETTER_BITS);
    wordLetterCounts[k] = 0;
  }
  poolInts[2 * (at + COUNTS)] = nl | (nlet << 16);
  poolInts[2 * (at + COUNTS) + 1] = ends;
  return (units + 3) >> 2;
}

/** The record of the lower-case word `text[start..end)`, entered on first sight. */
function record(text: string, start: number, end: number, kindOf: WordKind, model: CharModel): number {
  const found = findWord(text, start, end, findHashed);
  return found >= 0 ? found : enter(found, text, start, end, kindOf, model);
}

/**
 * The kind of the word `text[start..end)` of record `rec`: asked of `kindOf` when language ID first reads a record
 * that restoration entered.
 */
function kindAt(rec: number, text: string, start: number, end: number, kindOf: WordKind): number {
  const kind = poolInts[2 * rec + 2] as number;
  if (kind !== KIND_UNREAD) return kind;
  const read = kindOf(text.slice(start, end).toLowerCase());
  poolInts[2 * rec + 2] = read;
  return read;
}

/**
 * The record of the Cyrillic word `text[start..end)` (a run of U+0400..U+04FF, as `readCyrillicWords` takes one),
 * whose hashes a reader took on its way to the word's end (as `findWord` takes them), entered on first sight.
 * Restoration looks its words up here: language ID reads the same words of the same text next, and finds their
 * records in the caches.
 */
export function wordRecord(text: string, start: number, end: number, hashA: number, hashB: number): number {
  const found = findHashed(hashA, hashB, end - start);
  return found >= 0 ? found : enter(found, text, start, end, undefined, charModel());
}

/**
 * Restoration's note on a word's record (a value >= 0), when it was kept under `tag` and the records were not emptied
 * since (see `recordClears`); else -1.
 */
export function noteOf(rec: number, tag: number): number {
  return poolInts[2 * (rec + NOTE)] === tag ? (poolInts[2 * (rec + NOTE) + 1] as number) : -1;
}

/** Keeps restoration's note `value` (>= 0) on a record under `tag` (not 0), in place of any other. */
export function setNote(rec: number, tag: number, value: number): void {
  poolInts[2 * (rec + NOTE)] = tag;
  poolInts[2 * (rec + NOTE) + 1] = value;
}

/** How often the records were emptied: a reader that keeps things by note starts afresh when it changes. */
export function recordClears(): number {
  return clears;
}

/**
 * Counts a word of kind `kind` (see `WordKind`) and `length` code units; `latinSuffix`: it is hyphened to a Latin word
 * or an abbreviation (see `isLatinSuffix`), which makes a bare ending count as a Tajik one.
 */
function countWord(w: WordCounts, kind: number, length: number, latinSuffix: boolean): void {
  w.words++;
  if (kind & 1) w.fn++;
  if (kind & 4) w.foreign++;
  if (kind & 8 || (kind & 16 && latinSuffix)) w.suffix++;
  if (length >= 2) {
    w.long++;
    if (kind & 2) w.known++;
  }
}

/** The shipped character model; the records are emptied when they were made with another. */
function charModel(): CharModel {
  const model = tajikCharModel();
  if (model !== termModel) {
    clear();
    termModel = model;
  }
  return model;
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
 * sum, word by word in the same order, as `readChars`). A word cut by a limit is read as cut.
 */
export function readCyrillicWords(
  text: string,
  wordLimit: number,
  charLimit: number,
  kindOf: WordKind,
): WordRead {
  const model = charModel();
  const w: WordCounts = { words: 0, fn: 0, long: 0, known: 0, foreign: 0, suffix: 0 };
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
    // The word's hashes for its record (as `findWord` takes them), taken on the way to its end.
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
      countWord(
        w,
        kindAt(at, text, start, end, kindOf),
        end - start,
        end === i && isLatinSuffix(text, start),
      );
    }
    if (start < charEnd) {
      const end = Math.min(i, charEnd);
      if (end === i && end - start <= MEMO_LETTERS) {
        if (whole === -1) {
          const found = findHashed(ha, hb, end - start);
          whole = found >= 0 ? found : enter(found, text, start, end, kindOf, model);
        }
        // `whole` stays valid: nothing is entered between its lookup and here.
        sum += pool[whole + CHAR_SUM] as number;
      } else sum += wordCharSum(text, start, end, model);
      n += end - start + 1;
    }
  }
  return { words: w, chars: { sum, n } };
}

/** What `readLine` read of a line (its letter counts left in letter-counts.ts's shared arrays, as `scanLine` does). */
export interface LineRead {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  /** Distinct lower-case Cyrillic letters counted in letter-counts.ts's arrays (those that are evidence: `silentLetters`). */
  distinct: number;
  /** Its trigrams under the Cyrillic index (see trigrams.ts). */
  trigrams: TrigramRead;
  /** Its Cyrillic words (as `readCyrillicWords` reads them). */
  words: WordRead;
}

/** Longest line `readLine` reads: within the trigram scan's limit and the character model's (TRIGRAM_TEXT_LIMIT, CHAR_TEXT_LIMIT). */
export const LINE_READ_LIMIT = Math.min(TRIGRAM_TEXT_LIMIT, CHAR_TEXT_LIMIT);

/** The words of a line read without restoration's (see `readLine`): none. */
const NO_WORDS = new TextWords();

/** Reused by `readLine`: the line's trigram sums per language, with ROW_CHUNK slots more for rows' padding. */
let lineSums = new Float64Array(0);

/**
 * Language ID's one read of a line no longer than LINE_READ_LIMIT (undefined for a longer one): its letters,
 * its trigrams under the Cyrillic index and its Cyrillic words, word by word. A word to the trigrams is a run of what
 * is not a separator; one of Cyrillic code units (nearly every word of a Tajik line) is read from its record, which
 * holds its letters, its trigrams' gains summed per language and its character-model sum, so its letters are not
 * looked at again (only the trigram joining it to the word before is looked up). The trigram sums are those `scanLine`
 * takes, added in another order; the word counts and the character model's sum are `readCyrillicWords`'s. Returns
 * undefined, having kept nothing, for a line where the two kinds of words differ (a Cyrillic run joined to another
 * letter or mark, `aбв` with a Latin a or `абв́` with a combining accent, or U+0482 `҂`): `scanLine` and
 * `readCyrillicWords` read it then. `scanned`: the words restoration scanned of the text this line is cut from at
 * `offset` (text-words.ts), the line's from `firstWord` on; a word found there is not hashed again, nor looked up
 * when restoration did.
 */
export function readLine(
  text: string,
  kindOf: WordKind,
  scanned: TextWords | undefined = undefined,
  firstWord = 0,
  offset = 0,
): LineRead | undefined {
  if (text.length > LINE_READ_LIMIT) return undefined;
  // Restoration's words of the line, when it scanned this text: word k starts at `at[k] - offset` here.
  const words = scanned ?? NO_WORDS;
  const count = words.count;
  let k = firstWord;
  const model = charModel();
  const index = cyrillicTrigrams();
  const langs = index.langs.length;
  if (lineSums.length < langs + ROW_CHUNK) lineSums = new Float64Array(langs + ROW_CHUNK);
  const at = lineSums;
  const table = charSymbolsOf(index);
  const kinds = LETTER_KINDS;
  const lowers = CYRILLIC_LOWER;
  const counts = letterCounts;
  const seen = seenLetters;
  const silent = silentLetters();
  const ints = poolInts;
  const length = text.length;
  let letters = 0;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let distinct = 0;
  let tokens = 0;
  let symbols = 0;
  let first = 0;
  let last = 0;
  const w: WordCounts = { words: 0, fn: 0, long: 0, known: 0, foreign: 0, suffix: 0 };
  let sum = 0;
  let n = 0;
  let i = 0;
  while (i < length) {
    let c = text.charCodeAt(i);
    const start = i;
    let ends: number;
    if (c >= 0x400 && c <= 0x4ff && c !== 0x482) {
      let ha: number;
      let hb: number;
      let known = -1;
      while (k < count && (words.at[k] as number) - offset < i) k++;
      if (k < count && (words.at[k] as number) - offset === i && ((words.seen[k] as number) & REREAD) === 0) {
        // A word restoration hashed and left as it was: the same run of U+0400..U+04FF, without U+0482.
        ha = words.hashA[k] as number;
        hb = words.hashB[k] as number;
        i = (words.end[k] as number) - offset;
        c = i < length ? text.charCodeAt(i) : 0;
        if (words.clears === clears) known = words.record[k] as number;
        k++;
      } else {
        // A Cyrillic word: hashed on the way to its end (as `findWord` hashes it).
        ha = HASH_START;
        hb = 0;
        do {
          const l = lowers[c - 0x400] as number;
          ha = Math.imul(ha ^ l, PRIME);
          hb = (Math.imul(hb, 31) + l) | 0;
          c = ++i < length ? text.charCodeAt(i) : 0;
        } while (c >= 0x400 && c <= 0x4ff && c !== 0x482);
      }
      if (i < length && (c === 0x482 || symbolAt(text, i, length, index, table) !== SEPARATOR))
        return abandon(distinct, at);
      const len = i - start;
      const found = known >= 0 ? known : findHashed(ha, hb, len);
      const rec = found >= 0 ? found : enter(found, text, start, i, kindOf, model);
      countWord(w, kindAt(rec, text, start, i, kindOf), len, isLatinSuffix(text, start));
      n += len + 1;
      letters += len;
      cyrl += len;
      if (ints[2 * rec + 3] === 0) {
        // A word too long to keep more than its kind.
        sum += wordCharSum(text, start, i, model);
        ends = readWord(text, start, i, tokens, last, index, at);
        for (let k = start; k < i; k++) {
          const l = (lowers[text.charCodeAt(k) - 0x400] as number) - 0x400;
          if (silent[l] === 0) distinct = countLetter(counts, seen, l, 1, distinct);
        }
      } else {
        sum += pool[rec + CHAR_SUM] as number;
        const head = ints[2 * (rec + COUNTS)] as number;
        const nl = head & 0xffff;
        const nlet = head >>> 16;
        ends = ints[2 * (rec + COUNTS) + 1] as number;
        if (tokens > 0) {
          const row = joinRow(index, last, ends & 0xffff);
          if (row >= 0) addRow(index, row, at);
        }
        const gains = rec + GAINS;
        const ids = 8 * (gains + nl);
        const bytes = poolBytes8;
        for (let j = 0; j < nl; j += ROW_CHUNK) {
          (at[bytes[ids + j] as number] as number) += pool[gains + j] as number;
          (at[bytes[ids + j + 1] as number] as number) += pool[gains + j + 1] as number;
          (at[bytes[ids + j + 2] as number] as number) += pool[gains + j + 2] as number;
          (at[bytes[ids + j + 3] as number] as number) += pool[gains + j + 3] as number;
        }
        const units = (ids + nl + 1) >> 1;
        for (let j = 0; j < nlet; j++) {
          const v = poolUnits[units + j] as number;
          distinct = countLetter(counts, seen, v & LETTER_MASK, v >>> LETTER_BITS, distinct);
        }
      }
    } else {
      let s = symbolAt(text, i, length, index, table);
      if (s === SEPARATOR) {
        const kind = kinds[c] as number;
        if (kind !== 0) {
          // U+0482, the one separator of U+0400..U+052F, is inside a Cyrillic word to `readCyrillicWords`.
          if (kind === CYRILLIC_KIND) return abandon(distinct, at);
          letters++;
          if (kind === LATIN_KIND) latn++;
          else arab++;
        }
        i++;
        continue;
      }
      // A word of other letters (Latin, Arabic, Cyrillic Supplement), read letter by letter. One of letters no
      // Cyrillic trigram holds (an Arabic or Latin word, nearly always) makes no trigram with a row, nor joins to one.
      let unused = true;
      do {
        if (s !== UNUSED_LETTER) unused = false;
        const kind = kinds[c] as number;
        if (kind !== 0) {
          letters++;
          if (kind === CYRILLIC_KIND) {
            cyrl++;
            const l = (lowers[c - 0x400] as number) - 0x400;
            if (silent[l] === 0) distinct = countLetter(counts, seen, l, 1, distinct);
          } else if (kind === LATIN_KIND) latn++;
          else arab++;
        }
        c = ++i < length ? text.charCodeAt(i) : 0;
        if (i === length) break;
        s = symbolAt(text, i, length, index, table);
      } while (s !== SEPARATOR && (c < 0x400 || c > 0x4ff));
      if (i < length && c >= 0x400 && c <= 0x4ff) return abandon(distinct, at);
      ends = unused
        ? UNUSED_LETTER | (UNUSED_LETTER << 16)
        : readWord(text, start, i, tokens, last, index, at);
    }
    if (tokens === 0) first = ends & 0xffff;
    last = ends >>> 16;
    tokens++;
    symbols += i - start;
  }
  const sums = float64s(langs);
  for (let j = 0; j < langs; j++) sums[j] = at[j] as number;
  at.fill(0);
  return {
    letters,
    cyrl,
    arab,
    latn,
    distinct,
    trigrams: { sums, n: Math.max(0, symbols + tokens - 1), first, last },
    words: { words: w, chars: { sum, n } },
  };
}

/**
 * Adds to `at` the trigrams of a word read letter by letter (`text[start..end)`) and, after the `tokens`-th word
 * (> 0), the one joining it to the word before (which ended in symbol `last`); returns its first and last symbol.
 */
function readWord(
  text: string,
  start: number,
  end: number,
  tokens: number,
  last: number,
  index: TrigramIndex,
  at: Float64Array,
): number {
  if (tokens > 0) {
    const row = joinRow(index, last, symbolAt(text, start, text.length, index, charSymbolsOf(index)));
    if (row >= 0) addRow(index, row, at);
  }
  return addWordTrigrams(text, start, end, text.length, index, at);
}

/** Undoes a line read given up on (see `readLine`): its letter counts and trigram sums so far. */
function abandon(distinct: number, at: Float64Array): undefined {
  dropLetterCounts(distinct);
  at.fill(0);
  return undefined;
}
