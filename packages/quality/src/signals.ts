import type { ColumnSpec } from "@soro/core";
import { labelledLines, letterCounts, lineKind } from "./lines.js";

/** FineWeb-2's Tajik stopwords (configs/tgk_Cyrl.yml): a real Tajik text has several of them. */
export const TAJIK_STOPWORDS = new Set(["дар", "ва", "аз", "ба", "ки", "аст", "соли", "бо", "деҳа", "дорад"]);

/** The word n-gram sizes of the duplicate n-gram signals. */
export const DUP_NGRAM_SIZES = [5, 6, 7, 8, 9, 10] as const;

/** Every per-document signal, by column name. */
export interface Signals {
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
}

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

const BULLET = /^[•‣⁃◦∙●○■□▪▫►▸*\-–—]/u;
const ELLIPSIS = /(?:\.\.\.|…)$/u;
const LINE_END_PUNCT = /[.!?…"'»”]$/u;
const URL = /(?:https?:\/\/|www\.)[^\s<>"«»]+/giu;

// Character classes, one table lookup per UTF-16 unit instead of a regular expression per word.
const WS = 1; // JavaScript's \s
const LETTER = 2; // \p{L}
const NUMBER = 4; // \p{N}
const EDGE = 8; // \p{P} or \p{S}: stripped from word edges
const SYMBOL = 16; // \p{S} or #: counted by q_symbol_share
const UNSEEN = 255;
const classTable = new Uint8Array(0x10000).fill(UNSEEN);
const astralClasses = new Map<number, number>();

function classOf(ch: string): number {
  return (
    (/\s/u.test(ch) ? WS : 0) |
    (/\p{L}/u.test(ch) ? LETTER : 0) |
    (/\p{N}/u.test(ch) ? NUMBER : 0) |
    (/[\p{P}\p{S}]/u.test(ch) ? EDGE : 0) |
    (/[\p{S}#]/u.test(ch) ? SYMBOL : 0)
  );
}

/** The class bits of the code point at `k` (a lone surrogate is a unit of its own). */
function classAt(text: string, k: number): number {
  const c = text.charCodeAt(k);
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = text.codePointAt(k)!;
    if (cp > 0xffff) {
      let v = astralClasses.get(cp);
      if (v === undefined) {
        v = classOf(String.fromCodePoint(cp));
        astralClasses.set(cp, v);
      }
      return v;
    }
  }
  let v = classTable[c]!;
  if (v === UNSEEN) {
    v = classOf(String.fromCharCode(c));
    classTable[c] = v;
  }
  return v;
}

/** UTF-16 units of the code point at `k`. */
const unitsAt = (text: string, k: number): number => {
  const c = text.charCodeAt(k);
  return c >= 0xd800 && c <= 0xdbff && k + 1 < text.length && (text.charCodeAt(k + 1) & 0xfc00) === 0xdc00
    ? 2
    : 1;
};

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

function matchLength(text: string, re: RegExp): number {
  let n = 0;
  for (const m of text.matchAll(re)) n += m[0].length;
  return n;
}

/** Repeats among items (lines or paragraphs): how many repeat an earlier item, and their characters. */
function duplicates(items: string[]): { count: number; chars: number; total: number } {
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

/** A 53-bit hash of the word ids words[start..start+n), exact enough to count n-grams without building strings. */
function ngramKey(ids: Int32Array, start: number, n: number): number {
  let a = 0x811c9dc5;
  let b = 0x9e3779b1;
  for (let k = start; k < start + n; k++) {
    a = Math.imul(a ^ ids[k]!, 0x01000193);
    b = Math.imul(b ^ ids[k]!, 0x85ebca6b) + k - start;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

/**
 * Counts of the n-grams starting at `starts` (ascending). Returns each start's count (by index in `starts`), the
 * first start to reach the highest count, and that count.
 */
function ngramCounts(
  ids: Int32Array,
  starts: Int32Array,
  n: number,
): { count: Int32Array; best: number; bestStart: number } {
  const counts = new Map<number, number>();
  const keys = new Float64Array(starts.length);
  let best = 0;
  let bestStart = 0;
  for (let k = 0; k < starts.length; k++) {
    const key = ngramKey(ids, starts[k]!, n);
    keys[k] = key;
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > best) {
      best = c;
      bestStart = starts[k]!;
    }
  }
  const count = new Int32Array(starts.length);
  for (let k = 0; k < starts.length; k++) count[k] = counts.get(keys[k]!)!;
  return { count, best, bestStart };
}

/** The starts whose n-gram occurs more than once: only there can the (n+1)-gram repeat. */
function repeatedStarts(starts: Int32Array, count: Int32Array, limit: number): Int32Array {
  let m = 0;
  const out = new Int32Array(starts.length);
  for (let k = 0; k < starts.length; k++) if (count[k]! > 1 && starts[k]! < limit) out[m++] = starts[k]!;
  return out.subarray(0, m);
}

/**
 * Shares of word characters in the most frequent 2-, 3- and 4-gram (counted only when it occurs more than once).
 * An n-gram can repeat only where its (n-1)-gram prefix repeats, so each size looks only at those starts: the
 * same counts and the same winner as counting every start, at a fraction of the map work.
 */
function topNgramShares(ids: Int32Array, lens: Int32Array, wordChars: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  if (wordChars === 0) return out;
  let starts: Int32Array = Int32Array.from({ length: Math.max(0, ids.length - 1) }, (_, k) => k);
  for (let n = 2; n <= 4 && starts.length > 0; n++) {
    const { count, best, bestStart } = ngramCounts(ids, starts, n);
    if (best >= 2) {
      let len = 0;
      for (let k = bestStart; k < bestStart + n; k++) len += lens[k]!;
      out[n - 2] = Math.min(1, (best * len) / wordChars);
    }
    starts = repeatedStarts(starts, count, ids.length - n);
  }
  return out;
}

/**
 * Shares of word characters covered by n-grams (n = 5..10) that already occurred earlier in the document. A longer
 * n-gram repeats only where its 5-gram repeats, so sizes above 5 look only at those starts (the same result).
 */
function dupNgramShares(ids: Int32Array, lens: Int32Array, wordChars: number): number[] {
  const shares = DUP_NGRAM_SIZES.map(() => 0);
  const first = DUP_NGRAM_SIZES[0];
  if (wordChars === 0 || ids.length < first) return shares;
  let starts: Int32Array = Int32Array.from({ length: ids.length - first + 1 }, (_, k) => k);
  const covered = new Uint8Array(ids.length);
  for (const [i, n] of DUP_NGRAM_SIZES.entries()) {
    if (starts.length === 0) break;
    const seen = new Set<number>();
    const count = new Map<number, number>();
    const keys = new Float64Array(starts.length);
    covered.fill(0);
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k]!;
      const key = ngramKey(ids, s, n);
      keys[k] = key;
      count.set(key, (count.get(key) ?? 0) + 1);
      if (seen.has(key)) covered.fill(1, s, s + n);
      else seen.add(key);
    }
    let chars = 0;
    for (let k = 0; k < ids.length; k++) if (covered[k]) chars += lens[k]!;
    shares[i] = chars / wordChars;
    const counts = Int32Array.from(keys, (key) => count.get(key)!);
    starts = repeatedStarts(starts, counts, ids.length - n);
  }
  return shares;
}

/** The shape of a line with digits in it: words become `w` and digit runs `0`, so filled-in templates collide. */
function numberShape(line: string): string | null {
  if (!/\d/.test(line)) return null;
  return line.replace(/\p{L}+/gu, "w").replace(/\d+(?:[.,\s]\d+)*/g, "0");
}

/** Whether a line is mostly numbers: at least half its tokens numeric, or a quarter of its characters digits. */
function isNumberLine(line: string): boolean {
  const tokens = line.split(/\s+/);
  const numeric = tokens.filter((t) => /^[\d.,:%+\-–()/]+$/.test(t) && /\d/.test(t)).length;
  if (numeric * 2 >= tokens.length) return true;
  const nonSpace = line.replace(/\s/g, "").length;
  return ratio(line.match(/\d/g)?.length ?? 0, nonSpace) >= 0.25;
}

/**
 * Computes every quality signal of a (cleaned) text whose lines normalize labelled (`lineLangs`, one per line).
 * Pure and deterministic: the same text and labels give the same row.
 */
export function computeSignals(text: string, lineLangs: readonly string[]): Signals {
  const chars = text.length;
  const labelled = labelledLines(text, lineLangs)
    .map(([l, lang]) => [l.trim(), lang] as const)
    .filter(([l]) => l !== "");
  const lines = labelled.map(([l]) => l);
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");

  // Word forms: lower-cased and stripped of edge punctuation, interned as ids for the n-gram signals. Lowercasing
  // the whole text once gives the same words (whitespace never changes case) in one call.
  const lower = text.toLowerCase();
  const vocab = new Map<string, number>();
  let ids = new Int32Array(Math.max(16, lower.length >> 2));
  let lens = new Int32Array(ids.length);
  let rawWordCount = 0;
  let nWords = 0;
  let alphaWords = 0;
  let stopwords = 0;
  let alnumWords = 0;
  let alnumChars = 0;
  let symbols = 0;
  for (let k = 0; k < lower.length; ) {
    if (classAt(lower, k) & WS) {
      k++;
      continue;
    }
    // One whitespace-separated word [start, end): its letters, its edge punctuation, its form.
    const start = k;
    let hasLetter = false;
    let formStart = -1;
    let formEnd = start;
    let hasAlnum = false;
    while (k < lower.length) {
      const cls = classAt(lower, k);
      if (cls & WS) break;
      const u = unitsAt(lower, k);
      if (cls & LETTER) hasLetter = true;
      if (!(cls & EDGE)) {
        if (formStart < 0) formStart = k;
        formEnd = k + u;
      }
      k += u;
    }
    rawWordCount++;
    if (hasLetter) alphaWords++;
    if (formStart < 0) continue;
    for (let j = formStart; j < formEnd && !hasAlnum; j += unitsAt(lower, j))
      hasAlnum = (classAt(lower, j) & (LETTER | NUMBER)) !== 0;
    const form = lower.slice(formStart, formEnd);
    if (hasAlnum) {
      alnumWords++;
      alnumChars += form.length;
    }
    if (TAJIK_STOPWORDS.has(form)) stopwords++;
    let id = vocab.get(form);
    if (id === undefined) {
      id = vocab.size;
      vocab.set(form, id);
    }
    if (nWords === ids.length) {
      const grownIds = new Int32Array(ids.length * 2);
      grownIds.set(ids);
      ids = grownIds;
      const grownLens = new Int32Array(lens.length * 2);
      grownLens.set(lens);
      lens = grownLens;
    }
    ids[nWords] = id;
    lens[nWords] = form.length;
    nWords++;
  }
  const wordIds = ids.subarray(0, nWords);
  const wordLens = lens.subarray(0, nWords);
  let wordChars = 0;
  for (let k = 0; k < nWords; k++) wordChars += wordLens[k]!;

  const top = topNgramShares(wordIds, wordLens, wordChars);
  const lineDups = duplicates(lines);
  const paraDups = duplicates(paragraphs);
  let bullets = 0;
  let ellipses = 0;
  let punct = 0;
  let short = 0;
  let nav = 0;
  let numberLines = 0;
  const langChars = { tgk: 0, rus: 0, eng: 0, foreign: 0 };
  const shapes = new Map<string, number>();
  const lineShapes: Array<string | null> = [];
  const numberRows = lines.map(isNumberLine);
  for (const [line, lang] of labelled) {
    if (BULLET.test(line)) bullets++;
    if (ELLIPSIS.test(line)) ellipses++;
    if (LINE_END_PUNCT.test(line)) punct++;
    if (line.length <= 30) short++;
    const kind = lineKind(line, lang);
    if (kind === "nav") nav++;
    else if (kind !== "other") langChars[kind] += line.length;
    const shape = numberShape(line);
    lineShapes.push(shape);
    if (shape) shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
  }
  let boilerplate = 0;
  for (let k = 0; k < lines.length; k++) {
    const shape = lineShapes[k];
    if (numberRows[k]) numberLines++;
    // A template row: its number-bearing shape occurs at least three times in the document.
    if (numberRows[k] || (shape && (shapes.get(shape) ?? 0) >= 3)) boilerplate++;
  }
  const letters = letterCounts(text);
  let digits = 0;
  let newlines = 0;
  for (let k = 0; k < chars; ) {
    const c = text.charCodeAt(k);
    if (c === 10) newlines++;
    else if (c >= 48 && c <= 57) digits++;
    else if (c > 32 && classAt(text, k) & SYMBOL) symbols++;
    k += unitsAt(text, k);
  }

  const signals: Signals = {
    q_chars: chars,
    q_words: rawWordCount,
    q_lines: lines.length,
    q_mean_word_len: ratio(alnumChars, alnumWords),
    q_alpha_word_share: ratio(alphaWords, rawWordCount),
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
    q_dup5gram: 0,
    q_dup6gram: 0,
    q_dup7gram: 0,
    q_dup8gram: 0,
    q_dup9gram: 0,
    q_dup10gram: 0,
    q_line_punct_share: ratio(punct, lines.length),
    q_newlines_per_word: ratio(newlines, rawWordCount),
    q_short_line_share: ratio(short, lines.length),
    q_dup_char_ratio: ratio(lineDups.chars, chars - newlines),
    q_symbol_share: ratio(symbols, chars),
    q_digit_share: ratio(digits, chars),
    q_url_share: ratio(matchLength(text, URL), chars),
    q_tgk_letter_share: ratio(letters.tgk, letters.cyr),
    q_tgk_line_share: ratio(langChars.tgk, lineDups.total),
    q_rus_line_share: ratio(langChars.rus, lineDups.total),
    q_eng_line_share: ratio(langChars.eng, lineDups.total),
    q_other_lang_line_share: ratio(langChars.foreign, lineDups.total),
    q_nav_line_share: ratio(nav, lines.length),
    q_number_line_share: ratio(numberLines, lines.length),
    q_boilerplate: ratio(boilerplate, lines.length),
  };
  const dups = dupNgramShares(wordIds, wordLens, wordChars);
  for (const [k, n] of DUP_NGRAM_SIZES.entries()) signals[`q_dup${n}gram`] = dups[k]!;
  return signals;
}
