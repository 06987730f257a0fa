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
const SYMBOL = /[\p{S}#]/gu;
const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;
const HAS_LETTER = /\p{L}/u;
const HAS_ALNUM = /[\p{L}\p{N}]/u;

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

/** Share of word characters in the most frequent n-gram (counted only when it occurs more than once). */
function topNgramShare(ids: Int32Array, lens: Int32Array, n: number, wordChars: number): number {
  if (ids.length < n || wordChars === 0) return 0;
  const counts = new Map<number, number>();
  let best = 0;
  let bestStart = 0;
  for (let s = 0; s + n <= ids.length; s++) {
    const key = ngramKey(ids, s, n);
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > best) {
      best = c;
      bestStart = s;
    }
  }
  if (best < 2) return 0;
  let len = 0;
  for (let k = bestStart; k < bestStart + n; k++) len += lens[k]!;
  return Math.min(1, (best * len) / wordChars);
}

/** Share of word characters covered by n-grams that already occurred earlier in the document. */
function dupNgramShare(ids: Int32Array, lens: Int32Array, n: number, wordChars: number): number {
  if (ids.length < n || wordChars === 0) return 0;
  const seen = new Set<number>();
  const covered = new Uint8Array(ids.length);
  for (let s = 0; s + n <= ids.length; s++) {
    const key = ngramKey(ids, s, n);
    if (seen.has(key)) covered.fill(1, s, s + n);
    else seen.add(key);
  }
  let chars = 0;
  for (let k = 0; k < ids.length; k++) if (covered[k]) chars += lens[k]!;
  return chars / wordChars;
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
  const rawWords = text.split(/\s+/).filter((w) => w !== "");

  // Word forms: lower-cased and stripped of edge punctuation, interned as ids for the n-gram signals.
  const vocab = new Map<string, number>();
  const ids = new Int32Array(rawWords.length);
  const lens = new Int32Array(rawWords.length);
  let nWords = 0;
  let alphaWords = 0;
  let stopwords = 0;
  let alnumWords = 0;
  let alnumChars = 0;
  for (const raw of rawWords) {
    if (HAS_LETTER.test(raw)) alphaWords++;
    const form = raw.toLowerCase().replace(EDGE_PUNCT, "");
    if (form === "") continue;
    if (HAS_ALNUM.test(form)) {
      alnumWords++;
      alnumChars += form.length;
    }
    if (TAJIK_STOPWORDS.has(form)) stopwords++;
    let id = vocab.get(form);
    if (id === undefined) {
      id = vocab.size;
      vocab.set(form, id);
    }
    ids[nWords] = id;
    lens[nWords] = form.length;
    nWords++;
  }
  const wordIds = ids.subarray(0, nWords);
  const wordLens = lens.subarray(0, nWords);
  let wordChars = 0;
  for (let k = 0; k < nWords; k++) wordChars += wordLens[k]!;

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
  for (let k = 0; k < chars; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) newlines++;
    else if (c >= 48 && c <= 57) digits++;
  }

  const signals: Signals = {
    q_chars: chars,
    q_words: rawWords.length,
    q_lines: lines.length,
    q_mean_word_len: ratio(alnumChars, alnumWords),
    q_alpha_word_share: ratio(alphaWords, rawWords.length),
    q_stopwords: stopwords,
    q_bullet_line_share: ratio(bullets, lines.length),
    q_ellipsis_line_share: ratio(ellipses, lines.length),
    q_dup_line_frac: ratio(lineDups.count, lines.length),
    q_dup_line_char_frac: ratio(lineDups.chars, lineDups.total),
    q_dup_para_frac: ratio(paraDups.count, paragraphs.length),
    q_dup_para_char_frac: ratio(paraDups.chars, paraDups.total),
    q_top2gram: topNgramShare(wordIds, wordLens, 2, wordChars),
    q_top3gram: topNgramShare(wordIds, wordLens, 3, wordChars),
    q_top4gram: topNgramShare(wordIds, wordLens, 4, wordChars),
    q_dup5gram: 0,
    q_dup6gram: 0,
    q_dup7gram: 0,
    q_dup8gram: 0,
    q_dup9gram: 0,
    q_dup10gram: 0,
    q_line_punct_share: ratio(punct, lines.length),
    q_newlines_per_word: ratio(newlines, rawWords.length),
    q_short_line_share: ratio(short, lines.length),
    q_dup_char_ratio: ratio(lineDups.chars, chars - newlines),
    q_symbol_share: ratio(text.match(SYMBOL)?.length ?? 0, chars),
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
  for (const n of DUP_NGRAM_SIZES) {
    signals[`q_dup${n}gram`] = dupNgramShare(wordIds, wordLens, n, wordChars);
  }
  return signals;
}
