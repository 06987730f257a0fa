import { data } from "franc-all/data.js";
import { silentLetters } from "./alphabets.js";
import {
  CYRILLIC,
  countLetter,
  dropLetterCounts,
  LATIN,
  LETTER_KINDS,
  letterCounts,
  seenLetters,
} from "./letter-counts.js";
import { isLetterOrMark } from "./letters.js";
import { float64s } from "./typed-pool.js";
import { CYRILLIC_LOWER } from "./word-hash.js";

/** Writing systems whose languages are scored by trigrams (franc-all's models, trained on UDHR translations). */
export type TrigramScript = "Cyrillic" | "Arabic" | "Latin";

/**
 * One script's trigram models as an inverted index: per trigram, the languages whose top-300 list holds it and the
 * log-probability gain over an unseen trigram. A text is scored against every language at once by looking up each
 * of its trigrams once, so scoring 35 (Cyrillic) or 329 (Latin) languages costs about the same as scoring a few.
 * Trigrams are looked up by the three symbol ids of the script's alphabet, so scoring slices no strings.
 */
export interface TrigramIndex {
  langs: string[];
  gain: Map<string, { lang: Uint16Array; gain: Float64Array }>;
  /** Symbol id of each lower-case UTF-16 code unit (UNUSED_LETTER for a letter none of the models uses). */
  symbols: Uint16Array;
  /** Number of symbol ids (space is 1, a letter no model uses is 2). */
  base: number;
  /**
   * A row's languages and gains lie at rowStart[row]..rowStart[row+1], padded to a multiple of ROW_CHUNK entries
   * with gain 0 for the languages `langs.length + k` (k < ROW_CHUNK: slots past the real ones, so a sum array has
   * ROW_CHUNK more).
   */
  rowStart: Int32Array;
  rowLang: Uint16Array;
  rowGain: Float64Array;
  /**
   * Each trigram's row by its symbols, no hashing: `pairRows[pairAt[a * base + b] + c]` is the row of trigram (a, b, c) or -1;
   * a pair no trigram starts with (most pairs) has NO_PAIR, a block of -1, so a lookup is two reads and no test.
   */
  pairAt: Int32Array;
  pairRows: Int32Array;
}

/** Rank smoothing: p(rank r) is proportional to 1/(r + RANK_OFFSET) (Zipf over franc's frequency ranks). */
const RANK_OFFSET = 10;
/** An unseen trigram is this much less likely than the last-ranked one. */
const UNSEEN_FACTOR = 0.25;
const SPACE = 1;
/** The symbol of a letter no model of the index holds (no trigram with it has a row). */
export const UNUSED_LETTER = 2;
/** `pairAt` of a pair that starts no trigram: the first block of `pairRows`, all -1. */
const NO_PAIR = 0;
/**
 * Rows are summed this many entries at a time, unrolled: a row holds 1 to 26 languages, and a loop of one entry a
 * step mispredicted its exit on most rows (summing the bench lines' rows took 0.6-0.7x the time, same sums).
 */
export const ROW_CHUNK = 4;

const indexes = new Map<TrigramScript, TrigramIndex>();

/**
 * The trigram index of a script, built on first use; `only` keeps some of its languages (the first call for a
 * script decides).
 */
export function trigramIndex(script: TrigramScript, only?: ReadonlySet<string>): TrigramIndex {
  const cached = indexes.get(script);
  if (cached) return cached;
  const models = data[script] ?? {};
  const langs = Object.keys(models)
    .filter((l) => !only || only.has(l))
    .sort();
  const byTrigram = new Map<string, Array<[number, number]>>();
  langs.forEach((lang, li) => {
    const list = (models[lang] ?? "").split("|");
    let z = 0;
    for (let r = 0; r < list.length; r++) z += 1 / (r + RANK_OFFSET);
    const unseen = Math.log(UNSEEN_FACTOR / (list.length + RANK_OFFSET) / z);
    list.forEach((t, r) => {
      const g = Math.log(1 / (r + RANK_OFFSET) / z) - unseen;
      const row = byTrigram.get(t) ?? [];
      row.push([li, g]);
      byTrigram.set(t, row);
    });
  });
  const gain = new Map<string, { lang: Uint16Array; gain: Float64Array }>();
  const symbols = new Map<number, number>([[32, SPACE]]);
  for (const [t, row] of byTrigram) {
    gain.set(t, { lang: Uint16Array.from(row, (x) => x[0]), gain: Float64Array.from(row, (x) => x[1]) });
    for (let i = 0; i < t.length; i++)
      if (!symbols.has(t.charCodeAt(i))) symbols.set(t.charCodeAt(i), symbols.size + 2);
  }
  const base = symbols.size + 2;
  const table = new Uint16Array(0x10000).fill(UNUSED_LETTER);
  for (const [c, id] of symbols) table[c] = id;
  const rowStart = new Int32Array(gain.size + 1);
  const chunks = (n: number) => Math.ceil(n / ROW_CHUNK) * ROW_CHUNK;
  let total = 0;
  for (const g of gain.values()) total += chunks(g.lang.length);
  const rowLang = new Uint16Array(total);
  const rowGain = new Float64Array(total);
  const id = (t: string, i: number) => symbols.get(t.charCodeAt(i)) ?? UNUSED_LETTER;
  // Pairs that start a trigram get `base` slots each, in order of first sight, after the NO_PAIR block.
  const pairAt = new Int32Array(base * base).fill(NO_PAIR);
  let pairs = 1;
  for (const t of gain.keys()) {
    const ab = id(t, 0) * base + id(t, 1);
    if (t.length === 3 && pairAt[ab] === NO_PAIR) pairAt[ab] = base * pairs++;
  }
  const pairRows = new Int32Array(base * pairs).fill(-1);
  let r = 0;
  let at = 0;
  for (const [t, g] of gain) {
    if (t.length !== 3) continue;
    pairRows[(pairAt[id(t, 0) * base + id(t, 1)] as number) + id(t, 2)] = r;
    rowStart[r] = at;
    rowLang.set(g.lang, at);
    rowGain.set(g.gain, at);
    for (let k = g.lang.length; k < chunks(g.lang.length); k++)
      rowLang[at + k] = langs.length + (k % ROW_CHUNK);
    at += chunks(g.lang.length);
    rowStart[++r] = at;
  }
  const index = { langs, gain, symbols: table, base, rowStart, rowLang, rowGain, pairAt, pairRows };
  indexes.set(script, index);
  return index;
}

/** Characters of a text read for trigrams (franc reads 2048; a little more steadies long lines). */
export const TRIGRAM_TEXT_LIMIT = 3000;

/** Per UTF-16 code unit: its lower case (filled on first sight; 0 not yet known). */
const LOWER = new Uint16Array(0x10000);
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;

function lowerOf(c: number): number {
  let l = LOWER[c] ?? 0;
  if (l === 0) {
    l = String.fromCharCode(c).toLowerCase().charCodeAt(0);
    LOWER[c] = l;
  }
  return l;
}

/** Reused between calls: per row, how often the text holds its trigram, and the rows in order of first sight. */
let rowCounts = new Int32Array(0);
let seenRows = new Int32Array(TRIGRAM_TEXT_LIMIT + 4);
/** Reused between calls: where the sums are taken, with ROW_CHUNK slots more for the padding (see `rowStart`). */
let rowSums = new Float64Array(0);

/**
 * The scan's symbol of each UTF-16 code unit under an index: its lower case's symbol, SEPARATOR for what is not a
 * letter or mark, SURROGATE, or NOT_KNOWN until first seen. The two last are >= SLOW, so a letter or a separator
 * costs one table read and one test.
 */
const charSymbolTables = new WeakMap<TrigramIndex, Uint16Array>();
/** The symbol of what separates words (see `symbolAt`). */
export const SEPARATOR = 0;
const SLOW = 0xfffe;
const SURROGATE = 0xfffe;
const NOT_KNOWN = 0xffff;

/** The symbol table of an index (see above), for `symbolAt`. */
export function charSymbolsOf(index: TrigramIndex): Uint16Array {
  let t = charSymbolTables.get(index);
  if (!t) {
    t = new Uint16Array(0x10000).fill(NOT_KNOWN);
    t.fill(SURROGATE, 0xd800, 0xe000);
    charSymbolTables.set(index, t);
  }
  return t;
}

/**
 * The symbol of the code unit at `i` when its table entry is >= SLOW: learnt on first sight; a surrogate is
 * UNUSED_LETTER when it is half of an astral letter within the first `end` code units (such a letter reads as two
 * letters, one per code unit: none is in any model), else SEPARATOR.
 */
function slowSymbol(text: string, i: number, end: number, table: Uint16Array, index: TrigramIndex): number {
  const c = text.charCodeAt(i);
  if (table[c] === NOT_KNOWN) {
    table[c] = isLetterOrMark(c) ? (index.symbols[lowerOf(c)] ?? UNUSED_LETTER) : SEPARATOR;
    return table[c] as number;
  }
  const high = c <= 0xdbff ? c : i > 0 ? text.charCodeAt(i - 1) : 0;
  const low = c <= 0xdbff ? (i + 1 < end ? text.charCodeAt(i + 1) : 0) : c;
  return high >= 0xd800 &&
    high <= 0xdbff &&
    low >= 0xdc00 &&
    low <= 0xdfff &&
    LETTER_OR_MARK.test(String.fromCharCode(high, low))
    ? UNUSED_LETTER
    : SEPARATOR;
}

/**
 * Counts one more of a row (-1: no row) in `counts`, listing it in `rows` on first sight; returns how many distinct
 * rows have been seen. The arrays are passed in: read from the module's variables in the loop, each access reloaded
 * them (the scan took twice as long).
 */
function count(counts: Int32Array, rows: Int32Array, row: number, seen: number): number {
  if (row < 0) return seen;
  const k = counts[row] as number;
  if (k === 0) rows[seen++] = row;
  counts[row] = k + 1;
  return seen;
}

/**
 * The trigrams of one text (a line) under one script's index, summed per language: kept per line so that a
 * document's scores are its lines' sums added up (`scoreTrigrams`), without reading its characters again.
 */
export interface TrigramRead {
  /** Log-probability gain of the text's trigrams per language of the index (same order as `langs`), summed. */
  sums: Float64Array;
  /** Trigrams read. */
  n: number;
  /** First and last symbol read (0: the text has no letter): a document read across lines joins them by a space. */
  first: number;
  last: number;
}

/**
 * What one pass over a line (`scanLine`) found: its letters per script and its Cyrillic letters (counted in
 * letter-counts.ts's arrays, `distinct` of them) and its trigrams (counted per row, `seen` rows,
 * until `takeTrigrams` sums them or `dropTrigrams` drops them).
 */
export interface LineScan {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  distinct: number;
  seen: number;
  /** Trigrams read, and the first and last symbol read (see `TrigramRead`). */
  n: number;
  first: number;
  last: number;
}

/**
 * Language ID's one pass over a new line's characters: counts its letters by script and its Cyrillic letters one by
 * one, and reads the trigrams of its first `limit` characters under `index`. Letters are lower-cased for trigrams; everything
 * that is not a letter or mark separates words (runs of separators count as one space, and the text is read as if
 * padded with one space at either end). No strings are built.
 */
export function scanLine(text: string, index: TrigramIndex, limit = TRIGRAM_TEXT_LIMIT): LineScan {
  if (rowCounts.length < index.rowStart.length) rowCounts = new Int32Array(index.rowStart.length);
  const { base, pairAt, pairRows } = index;
  const length = text.length;
  const end = Math.min(length, limit);
  if (seenRows.length < end + 4) seenRows = new Int32Array(end + 4);
  const symbols = charSymbolsOf(index);
  const counts = rowCounts;
  const rows = seenRows;
  const kinds = LETTER_KINDS;
  const lowers = CYRILLIC_LOWER;
  const letterCount = letterCounts;
  const letterSeen = seenLetters;
  const silent = silentLetters();
  let letters = 0;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let distinct = 0;
  let seen = 0;
  // Symbols taken (the first, a letter after the opening space, ends no trigram).
  let taken = 0;
  // The last symbol taken (the text starts after a space), and the row block of the last two (`pairAt`; the first
  // pair, nothing and a space, has none). A separator after a letter takes a space at once; a text that holds a
  // letter ends with one.
  let b = SPACE;
  let pair = NO_PAIR;
  let first = 0;
  let last = 0;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    const kind = kinds[c] as number;
    if (kind !== 0) {
      letters++;
      if (kind === CYRILLIC) {
        cyrl++;
        const l = (lowers[c - 0x400] as number) - 0x400;
        if (silent[l] === 0) distinct = countLetter(letterCount, letterSeen, l, 1, distinct);
      } else if (kind === LATIN) latn++;
      else arab++;
    }
    if (i >= end) continue;
    let s = symbols[c] as number;
    if (s >= SLOW) s = slowSymbol(text, i, end, symbols, index);
    if (s === SEPARATOR) {
      if (b !== SPACE) {
        seen = count(counts, rows, pairRows[pair + SPACE] as number, seen);
        pair = pairAt[b * base + SPACE] as number;
        b = SPACE;
        taken++;
      }
      continue;
    }
    if (first === 0) first = s;
    last = s;
    seen = count(counts, rows, pairRows[pair + s] as number, seen);
    pair = pairAt[b * base + s] as number;
    b = s;
    taken++;
  }
  if (b !== SPACE) {
    seen = count(counts, rows, pairRows[pair + SPACE] as number, seen);
    taken++;
  }
  return { letters, cyrl, arab, latn, distinct, seen, n: Math.max(0, taken - 1), first, last };
}

/** The trigrams of the last `scanLine`, summed per language of its index. */
export function takeTrigrams(scan: LineScan, index: TrigramIndex): TrigramRead {
  if (rowSums.length < index.langs.length + ROW_CHUNK)
    rowSums = new Float64Array(index.langs.length + ROW_CHUNK);
  const sums = sumRows(index, seenRows, scan.seen, rowCounts, rowSums);
  return { sums, n: scan.n, first: scan.first, last: scan.last };
}

/** Drops the trigrams of the last `scanLine` (a line read before). */
export function dropTrigrams(scan: LineScan): void {
  for (let k = 0; k < scan.seen; k++) rowCounts[seenRows[k] as number] = 0;
}

/**
 * The symbol of the code unit at `i` under an index (SEPARATOR for what separates words), for a reader that walks
 * a text word by word (`readLine` in cyrillic-words.ts); `end` as for `scanLine`'s trigram limit.
 */
export function symbolAt(
  text: string,
  i: number,
  end: number,
  index: TrigramIndex,
  table: Uint16Array = charSymbolsOf(index),
): number {
  const s = table[text.charCodeAt(i)] as number;
  return s < SLOW ? s : slowSymbol(text, i, end, table, index);
}

/**
 * Adds `times` the gains of trigram row `row` (>= 0) to `at`, per language (`at` has ROW_CHUNK slots past the
 * languages), ROW_CHUNK entries a step.
 */
export function addRow(index: TrigramIndex, row: number, at: Float64Array, times = 1): void {
  const { rowStart, rowLang, rowGain } = index;
  const to = rowStart[row + 1] as number;
  for (let j = rowStart[row] as number; j < to; j += ROW_CHUNK) {
    (at[rowLang[j] as number] as number) += times * (rowGain[j] as number);
    (at[rowLang[j + 1] as number] as number) += times * (rowGain[j + 1] as number);
    (at[rowLang[j + 2] as number] as number) += times * (rowGain[j + 2] as number);
    (at[rowLang[j + 3] as number] as number) += times * (rowGain[j + 3] as number);
  }
}

/**
 * Adds to `at` the gains of the trigrams a word `text[start..end)` makes with a space on either side (`end - start`
 * of them: its code units are one symbol each), the word's symbols taken as `symbolAt` takes them; returns its first
 * symbol and its last (`first | last << 16`), which the trigram joining it to a neighbour needs.
 */
export function addWordTrigrams(
  text: string,
  start: number,
  end: number,
  limit: number,
  index: TrigramIndex,
  at: Float64Array,
): number {
  const { base, pairAt, pairRows } = index;
  const table = charSymbolsOf(index);
  const first = symbolAt(text, start, limit, index, table);
  let b = first;
  let pair = pairAt[SPACE * base + first] as number;
  for (let i = start + 1; i < end; i++) {
    const s = symbolAt(text, i, limit, index, table);
    const row = pairRows[pair + s] as number;
    if (row >= 0) addRow(index, row, at);
    pair = pairAt[b * base + s] as number;
    b = s;
  }
  const row = pairRows[pair + SPACE] as number;
  if (row >= 0) addRow(index, row, at);
  return first | (b << 16);
}

/** The row of the trigram that joins a word ending in symbol `last` to one starting with `first` (-1: none). */
export function joinRow(index: TrigramIndex, last: number, first: number): number {
  return index.pairRows[(index.pairAt[last * index.base + SPACE] as number) + first] as number;
}

/** Reads the trigrams of a text's first `limit` characters (see `scanLine`). */
export function readTrigrams(text: string, index: TrigramIndex, limit = TRIGRAM_TEXT_LIMIT): TrigramRead {
  const scan = scanLine(text, index, limit);
  dropLetterCounts(scan.distinct);
  return takeTrigrams(scan, index);
}

/**
 * The gains of the first `seen` of `rows`, times their `counts`, summed per language (the counts are left cleared;
 * `at` is where the sums are taken, left zeroed).
 */
function sumRows(
  index: TrigramIndex,
  rows: Int32Array,
  seen: number,
  counts: Int32Array,
  at: Float64Array,
): Float64Array {
  for (let k = 0; k < seen; k++) {
    const row = rows[k] as number;
    addRow(index, row, at, counts[row] as number);
    counts[row] = 0;
  }
  const sums = float64s(index.langs.length);
  for (let j = 0; j < sums.length; j++) {
    sums[j] = at[j] as number;
    at[j] = 0;
  }
  return sums;
}

/**
 * Mean log-probability gain per trigram under every language of the index (same order as `langs`) of the text whose
 * lines `reads` are, in order, and the number of trigrams read: the lines' sums added up, with the trigram that
 * joins two lines (a newline separates words: the last letter of one line, a space and the first of the next).
 */
export function scoreTrigrams(
  reads: readonly TrigramRead[],
  index: TrigramIndex,
): { scores: Float64Array; n: number } {
  const scores = float64s(index.langs.length);
  let n = 0;
  let last = 0;
  for (const r of reads) {
    if (r.first === 0) continue;
    if (last !== 0) {
      n++;
      const row = joinRow(index, last, r.first);
      if (row >= 0)
        for (let j = index.rowStart[row] ?? 0; j < (index.rowStart[row + 1] ?? 0); j++) {
          const lang = index.rowLang[j] as number;
          if (lang < scores.length) (scores[lang] as number) += index.rowGain[j] ?? 0;
        }
    }
    for (let j = 0; j < scores.length; j++) (scores[j] as number) += r.sums[j] as number;
    n += r.n;
    last = r.last;
  }
  if (n > 0) for (let j = 0; j < scores.length; j++) (scores[j] as number) /= n;
  return { scores, n };
}

/** Scores of one text under every language of the index (see `readTrigrams`, `scoreTrigrams`). */
export function trigramScores(text: string, index: TrigramIndex): { scores: Float64Array; n: number } {
  return scoreTrigrams([readTrigrams(text, index)], index);
}
