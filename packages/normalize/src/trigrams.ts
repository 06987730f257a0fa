import { data } from "franc-all/data.js";
import { float64s } from "./typed-pool.js";

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
  /** A row's languages and gains lie at rowStart[row]..rowStart[row+1]. */
  rowStart: Int32Array;
  rowLang: Uint16Array;
  rowGain: Float64Array;
  /**
   * Each trigram's row by its symbols, no hashing: `pairRows[pairAt[a * base + b] + c]` is the row of trigram (a, b, c) or -1,
   * and `pairAt` is -1 for a pair no trigram starts with (most pairs), so a miss costs one read.
   */
  pairAt: Int32Array;
  pairRows: Int32Array;
}

/** Rank smoothing: p(rank r) is proportional to 1/(r + RANK_OFFSET) (Zipf over franc's frequency ranks). */
const RANK_OFFSET = 10;
/** An unseen trigram is this much less likely than the last-ranked one. */
const UNSEEN_FACTOR = 0.25;
const SPACE = 1;
const UNUSED_LETTER = 2;

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
  let total = 0;
  for (const g of gain.values()) total += g.lang.length;
  const rowLang = new Uint16Array(total);
  const rowGain = new Float64Array(total);
  const id = (t: string, i: number) => symbols.get(t.charCodeAt(i)) ?? UNUSED_LETTER;
  // Pairs that start a trigram get `base` slots each, in order of first sight.
  const pairAt = new Int32Array(base * base).fill(-1);
  let pairs = 0;
  for (const t of gain.keys()) {
    const ab = id(t, 0) * base + id(t, 1);
    if (t.length === 3 && pairAt[ab] === -1) pairAt[ab] = base * pairs++;
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
    at += g.lang.length;
    rowStart[++r] = at;
  }
  const index = { langs, gain, symbols: table, base, rowStart, rowLang, rowGain, pairAt, pairRows };
  indexes.set(script, index);
  return index;
}

/** Row of the trigram of pair `ab` (`a * base + b`) and symbol `c`, or -1. */
function rowAt(pairAt: Int32Array, pairRows: Int32Array, ab: number, c: number): number {
  const p = pairAt[ab] as number;
  return p < 0 ? -1 : (pairRows[p + c] as number);
}

/** Characters of a text read for trigrams (franc reads 2048; a little more steadies long lines). */
export const TRIGRAM_TEXT_LIMIT = 3000;

/** Per UTF-16 code unit: 0 not yet known, 1 a letter or mark, 2 anything else (filled on first sight). */
const LETTER_KIND = new Uint8Array(0x10000);
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

function isLetter(c: number): boolean {
  let k = LETTER_KIND[c] ?? 0;
  if (k === 0) {
    k = LETTER_OR_MARK.test(String.fromCharCode(c)) ? 1 : 2;
    LETTER_KIND[c] = k;
  }
  return k === 1;
}

/** Reused between calls: per row, how often the text holds its trigram, and the rows in order of first sight. */
let rowCounts = new Int32Array(0);
let seenRows = new Int32Array(TRIGRAM_TEXT_LIMIT + 4);

/** Per index: the symbol of each UTF-16 code unit (its lower case's), SEPARATOR, or 0 when not yet known. */
const charSymbolTables = new WeakMap<TrigramIndex, Uint16Array>();
const SEPARATOR = 0xffff;

function charSymbolsOf(index: TrigramIndex): Uint16Array {
  let t = charSymbolTables.get(index);
  if (!t) {
    t = new Uint16Array(0x10000);
    charSymbolTables.set(index, t);
  }
  return t;
}

/** Fills in the symbol of a code unit on first sight. */
function learnChar(table: Uint16Array, index: TrigramIndex, c: number): number {
  const s = isLetter(c) ? (index.symbols[lowerOf(c)] ?? UNUSED_LETTER) : SEPARATOR;
  table[c] = s;
  return s;
}

/** Counts one more of a row; returns how many distinct rows have been seen. */
function count(row: number, seen: number): number {
  if (rowCounts[row] === 0) seenRows[seen++] = row;
  (rowCounts[row] as number)++;
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
 * Reads the trigrams of a text's first `limit` characters. Letters are lower-cased; everything that is not a letter
 * or mark separates words (runs of separators count as one space, and the text is read as if padded with one space
 * at either end). One pass over the char codes; no strings are built.
 */
export function readTrigrams(text: string, index: TrigramIndex, limit = TRIGRAM_TEXT_LIMIT): TrigramRead {
  if (rowCounts.length < index.rowStart.length) rowCounts = new Int32Array(index.rowStart.length);
  const { base, rowStart, rowLang, rowGain, pairAt, pairRows } = index;
  const end = Math.min(text.length, limit);
  if (seenRows.length < end + 4) seenRows = new Int32Array(end + 4);
  const charSymbols = charSymbolsOf(index);
  let seen = 0;
  let n = 0;
  // The last two symbols; the text starts after a space. `gap`: separators were met since the last letter. Taking a
  // symbol counts the trigram it ends; it is written out where it happens (this loop runs on every character).
  let a = 0;
  let b = SPACE;
  let first = 0;
  let gap = false;
  let letters = false;
  let row = -1;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    let s: number;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      const d = text.charCodeAt(i + 1);
      // An astral letter: two code units, neither in any model.
      if (!(d >= 0xdc00 && d <= 0xdfff && LETTER_OR_MARK.test(String.fromCharCode(c, d)))) {
        gap = true;
        continue;
      }
      i++;
      s = UNUSED_LETTER;
      if (gap && letters) {
        // take(SPACE)
        n++;
        row = rowAt(pairAt, pairRows, a * base + b, SPACE);
        if (row >= 0) seen = count(row, seen);
        a = b;
        b = SPACE;
      }
      gap = false;
      if (!letters) first = UNUSED_LETTER;
      letters = true;
      // take(UNUSED_LETTER), the first half; the second is taken below
      if (a !== 0) {
        n++;
        row = rowAt(pairAt, pairRows, a * base + b, s);
        if (row >= 0) seen = count(row, seen);
      }
      a = b;
      b = s;
    } else {
      s = charSymbols[c] ?? 0;
      if (s === 0) s = learnChar(charSymbols, index, c);
      if (s === SEPARATOR) {
        gap = true;
        continue;
      }
      if (!letters) first = s;
    }
    if (gap && letters) {
      // take(SPACE)
      n++;
      row = rowAt(pairAt, pairRows, a * base + b, SPACE);
      if (row >= 0) seen = count(row, seen);
      a = b;
      b = SPACE;
    }
    gap = false;
    letters = true;
    // take(s)
    if (a !== 0) {
      n++;
      row = rowAt(pairAt, pairRows, a * base + b, s);
      if (row >= 0) seen = count(row, seen);
    }
    a = b;
    b = s;
  }
  const last = letters ? b : 0;
  if (letters) {
    // take(SPACE)
    n++;
    row = rowAt(pairAt, pairRows, a * base + b, SPACE);
    if (row >= 0) seen = count(row, seen);
  }
  const sums = float64s(index.langs.length);
  for (let k = 0; k < seen; k++) {
    const row = seenRows[k] as number;
    const c = rowCounts[row] as number;
    rowCounts[row] = 0;
    const to = rowStart[row + 1] as number;
    for (let j = rowStart[row] as number; j < to; j++)
      (sums[rowLang[j] as number] as number) += c * (rowGain[j] as number);
  }
  return { sums, n, first, last };
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
      const row = rowAt(index.pairAt, index.pairRows, last * index.base + SPACE, r.first);
      if (row >= 0)
        for (let j = index.rowStart[row] ?? 0; j < (index.rowStart[row + 1] ?? 0); j++)
          (scores[index.rowLang[j] ?? 0] as number) += index.rowGain[j] ?? 0;
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
