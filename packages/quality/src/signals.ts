import { type ColumnSpec, FNV_OFFSET, FNV_PRIME } from "@soro/core";
import { classAt, LETTER, unitClass, unitSet, unitsAt, WS } from "./char-classes.js";
import { DocContext, TAJIK_STOPWORDS } from "./doc-context.js";
import { HashedForms } from "./intern.js";
import { readLines } from "./lines.js";
import { DUP_NGRAM_SIZES, ngramShares } from "./ngrams.js";
import type { SignalModule } from "./signal-module.js";

/** Every per-document signal, by column name (a type, not an interface, so it is a plain record of columns). */
export type Signals = {
  q_chars: number;
  q_words: number;
  q_lines: number;
  q_mean_word_len: number;
  q_alpha_word_share: number;
  q_stopwords: number;
  q_bullet_line_share: number;
  q_ellipsis_line_share: number;
  q_dup_line_frac: number;
  q_dup_line_char_frac: number;
  q_dup_para_frac: number;
  q_dup_para_char_frac: number;
  q_top2gram: number;
  q_top3gram: number;
  q_top4gram: number;
  q_dup5gram: number;
  q_dup6gram: number;
  q_dup7gram: number;
  q_dup8gram: number;
  q_dup9gram: number;
  q_dup10gram: number;
  q_line_punct_share: number;
  q_newlines_per_word: number;
  q_short_line_share: number;
  q_dup_char_ratio: number;
  q_symbol_share: number;
  q_digit_share: number;
  q_url_share: number;
  q_tgk_letter_share: number;
  q_tgk_line_share: number;
  q_rus_line_share: number;
  q_eng_line_share: number;
  q_other_lang_line_share: number;
  q_nav_line_share: number;
  q_number_line_share: number;
  q_boilerplate: number;
};

const d = (name: keyof Signals, doc: string): ColumnSpec => ({ name, type: "DOUBLE", doc });
const i = (name: keyof Signals, doc: string): ColumnSpec => ({ name, type: "INTEGER", doc });

/** Column specs of the signals, in output order. */
export const SIGNAL_COLUMNS: ColumnSpec[] = [
  i("q_chars", "characters of the cleaned text"),
  i("q_words", "whitespace-separated words"),
  i("q_lines", "non-empty lines"),
  d("q_mean_word_len", "mean length of words that hold a letter or digit"),
  d("q_alpha_word_share", "share of words with at least one letter"),
  i("q_stopwords", "occurrences of FineWeb-2's Tajik stopwords"),
  d("q_bullet_line_share", "share of lines starting with a bullet"),
  d("q_ellipsis_line_share", "share of lines ending in an ellipsis"),
  d("q_dup_line_frac", "share of lines that repeat an earlier line"),
  d("q_dup_line_char_frac", "share of line characters in repeated lines"),
  d("q_dup_para_frac", "share of paragraphs that repeat an earlier paragraph"),
  d("q_dup_para_char_frac", "share of paragraph characters in repeated paragraphs"),
  d("q_top2gram", "share of word characters in the most frequent word 2-gram"),
  d("q_top3gram", "share of word characters in the most frequent word 3-gram"),
  d("q_top4gram", "share of word characters in the most frequent word 4-gram"),
  ...DUP_NGRAM_SIZES.map((n) =>
    d(`q_dup${n}gram` as keyof Signals, `share of word characters inside repeated word ${n}-grams`),
  ),
  d("q_line_punct_share", "share of lines ending in punctuation"),
  d("q_newlines_per_word", "newline characters per word"),
  d("q_short_line_share", "share of lines of 30 characters or fewer"),
  d("q_dup_char_ratio", "characters in repeated lines over all non-newline characters (FineWeb)"),
  d("q_symbol_share", "share of characters that are symbols (Unicode S*, #)"),
  d("q_digit_share", "share of characters that are ASCII digits (normalize folds other digits)"),
  d("q_url_share", "share of characters inside URLs"),
  d("q_tgk_letter_share", "share of Cyrillic letters that only Tajik writes (ӣ ӯ ҷ ҳ қ ғ)"),
  d("q_tgk_line_share", "share of line characters in lines normalize labelled Tajik (line_langs)"),
  d("q_rus_line_share", "share of line characters in lines normalize labelled Russian"),
  d("q_eng_line_share", "share of line characters in lines normalize labelled English"),
  d(
    "q_other_lang_line_share",
    "share of line characters in lines normalize labelled another language (uzn, kaz, ukr, ...)",
  ),
  d("q_nav_line_share", "share of lines that are site navigation"),
  d("q_number_line_share", "share of lines made mostly of numbers"),
  d("q_boilerplate", "share of lines that are number rows or repeat a template with numbers filled in"),
];

const BULLETS = unitSet("•‣⁃◦∙●○■□▪▫►▸*-–—");
const LINE_END_PUNCT = unitSet(".!?…\"'»”");
const URL = /(?:https?:\/\/|www\.)[^\s<>"«»]+/giu;
const ELLIPSIS_DOT = 46;
const ELLIPSIS_CHAR = 0x2026;

const LONGEST_STOPWORD = Math.max(...[...TAJIK_STOPWORDS].map((w) => w.length));
/** The stopwords by form hash: a Set would hash every freshly cut form again. */
const STOPWORD_FORMS = new HashedForms(TAJIK_STOPWORDS);
/** Whether each form of the current document is a stopword (scratch, reused). */
let stop = new Uint8Array(1024);

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

function matchLength(text: string, re: RegExp): number {
  let n = 0;
  for (const m of text.matchAll(re)) n += m[0].length;
  return n;
}

/** Repeats among items (lines or paragraphs): how many repeat an earlier item, and their characters. */
function duplicates(items: readonly string[]): { count: number; chars: number; total: number } {
  const seen = new Set<string>();
  let count = 0;
  let chars = 0;
  let total = 0;
  for (const item of items) {
    total += item.length;
    if (seen.has(item)) {
      count++;
      chars += item.length;
    } else seen.add(item);
  }
  return { count, chars, total };
}

/** What a line with a digit says of numbers (see `numberFacts`). */
export interface NumberFacts {
  /** FNV-1a of its shape (`numberShape`): equal shapes hash equal, and a document confirms equal hashes. */
  shape: number;
  /** Whether it is mostly numbers: half its tokens numeric, or a quarter of its non-space characters digits. */
  row: boolean;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
// Module copies of core's constants: V8 folds them into the loop (see core/src/hash32.ts).
const OFFSET = FNV_OFFSET;
const PRIME = FNV_PRIME;
/** Units a numeric token is made of (with at least one digit): digits . , : % + - – ( ) / */
const NUMERIC_UNIT = unitSet("0123456789.,:%+-–()/");
/** Reused between lines: the shape's code units. */
let shapeUnits = new Uint16Array(256);

/**
 * The shape of a line with digits: its words as `w` and its digit runs as `0`, so filled-in templates collide. The
 * same as `line.replace(/\p{L}+/gu, "w").replace(/\d+(?:[.,\s]\d+)*\/g, "0")` (\d is ASCII 0-9, \s a single
 * unit, letters whole code points), read from the line's units.
 */
export function numberShape(line: string): string {
  const n = line.length;
  if (shapeUnits.length < n) shapeUnits = new Uint16Array(2 * n);
  const out = shapeUnits;
  let len = 0;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (isDigit(c)) {
      i++;
      while (i < n && isDigit(line.charCodeAt(i))) i++;
      while (i + 1 < n && isDigit(line.charCodeAt(i + 1))) {
        const sep = line.charCodeAt(i);
        if (sep !== 46 && sep !== 44 && (unitClass(sep) & WS) === 0) break;
        i += 2;
        while (i < n && isDigit(line.charCodeAt(i))) i++;
      }
      out[len++] = 48;
    } else if ((classAt(line, i) & LETTER) !== 0) {
      i += unitsAt(line, i);
      while (i < n && (classAt(line, i) & LETTER) !== 0) i += unitsAt(line, i);
      out[len++] = 119;
    } else {
      out[len++] = c;
      i++;
    }
  }
  let shape = "";
  for (let k = 0; k < len; k += 4096)
    shape += String.fromCharCode.apply(null, out.subarray(k, Math.min(len, k + 4096)) as unknown as number[]);
  return shape;
}

/**
 * A line's number facts in one pass over its units: its shape's hash (the shape as `numberShape` reads it, hashed
 * as it is read, no string made) and the row test, the same as with tokens `line.split(/\s+/)`, numeric when
 * `/^[\d.,:%+\-–()/]+$/` and `/\d/` hold, digits `/\d/g` and non-space characters `line.replace(/\s/g, "")`. Those
 * regular-expression passes, a split per line and a shape string took 16% of the signals' time on the e2e documents,
 * whose glossary lines number their senses.
 */
export function numberFacts(line: string): NumberFacts {
  const n = line.length;
  let h = OFFSET;
  // The row test: tokens between whitespace runs (split gives one more token than there are runs).
  let tokens = 1;
  let numeric = 0;
  let digits = 0;
  let nonSpace = 0;
  let inSpace = false;
  let inToken = false;
  let allNumeric = false;
  let hasDigit = false;
  // Whether the unit at `i` joins two digit runs into one `0` (\d+(?:[.,\s]\d+)*): it counts for the row test
  // but is no part of the shape.
  let joined = false;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (isDigit(c)) {
      if (!joined) h = Math.imul(h ^ 48, PRIME);
      joined = false;
      do {
        inSpace = false;
        nonSpace++;
        digits++;
        if (!inToken) {
          inToken = true;
          allNumeric = true;
        }
        hasDigit = true;
        i++;
      } while (i < n && isDigit(line.charCodeAt(i)));
      if (i + 1 < n && isDigit(line.charCodeAt(i + 1))) {
        const sep = line.charCodeAt(i);
        joined = sep === 46 || sep === 44 || (unitClass(sep) & WS) !== 0;
      }
      continue;
    }
    const cls = c >= 0xd800 && c <= 0xdbff ? classAt(line, i) : unitClass(c);
    if ((cls & LETTER) !== 0) {
      // A run of letters (whole code points) reads as one `w`; no letter is whitespace, a digit or numeric.
      h = Math.imul(h ^ 119, PRIME);
      if (!inToken) {
        inToken = true;
        hasDigit = false;
      }
      allNumeric = false;
      inSpace = false;
      for (;;) {
        const units = unitsAt(line, i);
        nonSpace += units;
        i += units;
        if (i >= n) break;
        c = line.charCodeAt(i);
        if (((c >= 0xd800 && c <= 0xdbff ? classAt(line, i) : unitClass(c)) & LETTER) === 0) break;
      }
      continue;
    }
    if (!joined) h = Math.imul(h ^ c, PRIME);
    if ((cls & WS) !== 0) {
      if (inToken && allNumeric && hasDigit) numeric++;
      inToken = false;
      if (!inSpace) tokens++;
      inSpace = true;
    } else {
      inSpace = false;
      nonSpace++;
      if (!inToken) {
        inToken = true;
        allNumeric = true;
        hasDigit = false;
      }
      if (NUMERIC_UNIT[c] !== 1) allNumeric = false;
    }
    i++;
  }
  if (inToken && allNumeric && hasDigit) numeric++;
  return { shape: h >>> 0, row: numeric * 2 >= tokens || ratio(digits, nonSpace) >= 0.25 };
}

const endsWithEllipsis = (l: string): boolean => {
  const n = l.length;
  return (
    l.charCodeAt(n - 1) === ELLIPSIS_CHAR ||
    (n >= 3 &&
      l.charCodeAt(n - 1) === ELLIPSIS_DOT &&
      l.charCodeAt(n - 2) === ELLIPSIS_DOT &&
      l.charCodeAt(n - 3) === ELLIPSIS_DOT)
  );
};

/** Every base signal of one document, from its shared context. */
export function baseSignals(ctx: DocContext): Signals {
  const { text, lines, paragraphs, words, chars: cc } = ctx;
  const chars = text.length;
  const trimmed = lines.map((l) => l.trimmed);
  let stopwords = 0;
  const { starts, ends, hashes } = words;
  if (stop.length < words.formCount) stop = new Uint8Array(words.formCount * 2);
  for (let id = 0; id < words.formCount; id++) {
    const start = starts[id] as number;
    const end = ends[id] as number;
    stop[id] =
      end - start <= LONGEST_STOPWORD && STOPWORD_FORMS.hasRange(words.text, start, end, hashes[id] as number)
        ? 1
        : 0;
  }
  for (let k = 0; k < words.ids.length; k++) stopwords += stop[words.ids[k] as number] as number;
  const { top, dup: dups } = ngramShares(words.ids, words.lens, words.chars);
  const lineDups = duplicates(trimmed);
  const paraDups = duplicates(paragraphs);
  let bullets = 0;
  let ellipses = 0;
  let punct = 0;
  let short = 0;
  let nav = 0;
  let numberLines = 0;
  const langChars = { tgk: 0, rus: 0, eng: 0, foreign: 0 };
  // Number rows and filled-in templates: only lines with a digit can be either.
  // Shapes counted by hash; a hash met three times or more is counted again by the shapes themselves.
  const shapes = new Map<number, number>();
  const numberRows: Array<{ line: string; shape: number; row: boolean }> = [];
  for (const { trimmed: line, kind } of lines) {
    const n = line.length;
    if (BULLETS[line.charCodeAt(0)] === 1) bullets++;
    if (endsWithEllipsis(line)) ellipses++;
    if (LINE_END_PUNCT[line.charCodeAt(n - 1)] === 1) punct++;
    if (n <= 30) short++;
    if (kind === "nav") nav++;
    else if (kind !== "other" && kind !== null) langChars[kind] += n;
    if (/\d/.test(line)) {
      const { shape, row } = numberFacts(line);
      numberRows.push({ line, shape, row });
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
  }
  let exact: Map<string, number> | undefined;
  let boilerplate = 0;
  for (const { line, shape, row } of numberRows) {
    if (row) numberLines++;
    // A template row: its number-bearing shape occurs at least three times in the document.
    if (row) boilerplate++;
    else if ((shapes.get(shape) ?? 0) >= 3) {
      if (!exact) {
        exact = new Map();
        for (const r of numberRows)
          if ((shapes.get(r.shape) ?? 0) >= 3) {
            const s = numberShape(r.line);
            exact.set(s, (exact.get(s) ?? 0) + 1);
          }
      }
      if ((exact.get(numberShape(line)) ?? 0) >= 3) boilerplate++;
    }
  }
  const hasUrl = /https?:\/\/|www\./i.test(text);

  const signals: Signals = {
    q_chars: chars,
    q_words: words.rawCount,
    q_lines: lines.length,
    q_mean_word_len: ratio(words.alnumChars, words.alnumCount),
    q_alpha_word_share: ratio(words.alphaCount, words.rawCount),
    q_stopwords: stopwords,
    q_bullet_line_share: ratio(bullets, lines.length),
    q_ellipsis_line_share: ratio(ellipses, lines.length),
    q_dup_line_frac: ratio(lineDups.count, lines.length),
    q_dup_line_char_frac: ratio(lineDups.chars, lineDups.total),
    q_dup_para_frac: ratio(paraDups.count, paragraphs.length),
    q_dup_para_char_frac: ratio(paraDups.chars, paraDups.total),
    q_top2gram: top[0],
    q_top3gram: top[1],
    q_top4gram: top[2],
    q_dup5gram: dups[0] as number,
    q_dup6gram: dups[1] as number,
    q_dup7gram: dups[2] as number,
    q_dup8gram: dups[3] as number,
    q_dup9gram: dups[4] as number,
    q_dup10gram: dups[5] as number,
    q_line_punct_share: ratio(punct, lines.length),
    q_newlines_per_word: ratio(cc.newlines, words.rawCount),
    q_short_line_share: ratio(short, lines.length),
    q_dup_char_ratio: ratio(lineDups.chars, chars - cc.newlines),
    q_symbol_share: ratio(cc.symbols, chars),
    q_digit_share: ratio(cc.digits, chars),
    q_url_share: hasUrl ? ratio(matchLength(text, URL), chars) : 0,
    q_tgk_letter_share: ratio(cc.tgk, cc.cyr),
    q_tgk_line_share: ratio(langChars.tgk, lineDups.total),
    q_rus_line_share: ratio(langChars.rus, lineDups.total),
    q_eng_line_share: ratio(langChars.eng, lineDups.total),
    q_other_lang_line_share: ratio(langChars.foreign, lineDups.total),
    q_nav_line_share: ratio(nav, lines.length),
    q_number_line_share: ratio(numberLines, lines.length),
    q_boilerplate: ratio(boilerplate, lines.length),
  };
  return signals;
}

/** The base signals as a signal module: FineWeb-2's repetition, line and word statistics, languages, numbers. */
export const baseSignalsModule: SignalModule = {
  name: "base",
  version: "1",
  columns: SIGNAL_COLUMNS,
  setup: () => baseSignals,
};

/**
 * Computes every base quality signal of a (cleaned) text whose lines normalize labelled (`lineLangs`, one per
 * line). Pure and deterministic: the same text and labels give the same row.
 */
export function computeSignals(text: string, lineLangs: readonly string[]): Signals {
  return baseSignals(new DocContext(text, readLines(text, lineLangs)));
}
