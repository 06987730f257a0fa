import type { Document } from "@soro/core";
import { classAt, SYMBOL, unitSet, unitsAt } from "./char-classes.js";
import type { LabelledLine } from "./lines.js";
import { lowerCase } from "./lowercase.js";
import { type LetterWords, tokenize, type Words } from "./tokenize.js";

/** FineWeb-2's Tajik stopwords (configs/tgk_Cyrl.yml): a real Tajik text has several of them. */
export const TAJIK_STOPWORDS = new Set(["дар", "ва", "аз", "ба", "ки", "аст", "соли", "бо", "деҳа", "дорад"]);

/** Letters only Tajik Cyrillic writes (Uzbek shares ғ қ ҳ, but a Russian line has none of them). */
const TAJIK_LETTERS = unitSet("ӣӯҷҳқғӢӮҶҲҚҒ");
/** Letters Russian writes often and native Tajik words do not. */
const RUSSIAN_LETTERS = unitSet("щыьцЩЫЬЦ");
/**
 * What each Cyrillic-block unit (U+0400-U+052F) also counts as, by bit: a Tajik letter (1), a Russian-typical letter
 * (2), a symbol (4, e.g. ҂). One lookup and three adds: a Tajik letter's branch was mispredicted often.
 */
const CYRILLIC_EXTRA = new Uint8Array(0x130);
for (let u = 0x400; u < 0x530; u++)
  CYRILLIC_EXTRA[u - 0x400] =
    (TAJIK_LETTERS[u] === 1 ? 1 : 0) |
    (RUSSIAN_LETTERS[u] === 1 ? 2 : 0) |
    (classAt(String.fromCharCode(u), 0) & SYMBOL ? 4 : 0);

/** Character counts of a document's text. */
export interface CharCounts {
  newlines: number;
  /** ASCII digits. */
  digits: number;
  /** Unicode symbols (S*) and #. */
  symbols: number;
  /** Cyrillic, Latin, Tajik-only and Russian-typical letters. */
  cyr: number;
  lat: number;
  tgk: number;
  rus: number;
  /** Sentences: runs of . ! ? … before a space or the end, and lines that hold a letter and end without closing punctuation. */
  sentences: number;
}

/** Characters that end a sentence when a space or the end follows, and what may close a line that is one. */
const isSentenceEnd = (c: number) => c === 46 || c === 33 || c === 63 || c === 0x2026; // . ! ? …
const LINE_CLOSERS = new Set([...'.!?…:;»"”)'].map((c) => c.charCodeAt(0)));
const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13 || c === 0xa0;
/** A letter, cheaply: ASCII letters, and from U+00C0 up anything outside the punctuation and symbol blocks. */
const isLetterish = (c: number) =>
  (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && !(c >= 0x2000 && c <= 0x2bff));
/** The tests above as bits by UTF-16 unit, one lookup per character of a text. */
const SENTENCE_END = 1;
const SPACE = 2;
const LETTERISH = 4;
const LINE_CLOSER = 8;
const SENTENCE_UNIT = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++)
  SENTENCE_UNIT[c] =
    (isSentenceEnd(c) ? SENTENCE_END : 0) |
    (isSpace(c) ? SPACE : 0) |
    (isLetterish(c) ? LETTERISH : 0) |
    (LINE_CLOSERS.has(c) ? LINE_CLOSER : 0);

/**
 * One document as every quality signal reads it: the cleaned, masked text, its labelled lines, and the words,
 * paragraphs and character counts, each computed once on first use and shared by all signal modules.
 */
export class DocContext {
  #lower?: string;
  #lines?: LabelledLine[];
  #paragraphs?: string[];
  #tokens?: { words: Words; letters: LetterWords };
  #chars?: CharCounts;
  #derived = new Map<(ctx: DocContext) => unknown, unknown>();

  constructor(
    /** The text the signals measure (after line cleaning and PII masking). */
    readonly text: string,
    /** Every line of `text` (split at \n), blank ones included, with normalize's labels and their kinds. */
    readonly allLines: readonly LabelledLine[],
    /** The row as the stage received it: the columns the stage `reads` (url, line_langs); empty outside it. */
    readonly doc: Readonly<Partial<Document>> = {},
  ) {}

  /** The text lower-cased, once for every module that reads words. */
  get lower(): string {
    this.#lower ??= lowerCase(this.text);
    return this.#lower;
  }

  /** The non-blank lines, trimmed (`trimmed`), with their labels and kinds. */
  get lines(): readonly LabelledLine[] {
    this.#lines ??= this.allLines.filter((l) => l.kind !== null);
    return this.#lines;
  }

  /** Paragraphs: runs of non-blank lines between blank ones, trimmed. */
  get paragraphs(): readonly string[] {
    this.#paragraphs ??= paragraphsOf(this.allLines);
    return this.#paragraphs;
  }

  /** The whitespace words and their interned forms (found in one pass with `letters`). */
  get words(): Words {
    this.#tokens ??= tokenize(this.lower);
    return this.#tokens.words;
  }

  /** The runs of letters and combining marks, lower-cased and interned (found in one pass with `words`). */
  get letters(): LetterWords {
    this.#tokens ??= tokenize(this.lower);
    return this.#tokens.letters;
  }

  /**
   * What `fn` derives from this document, computed on the first call and shared by every later caller: how signal
   * modules share a view of the text the context does not hold (pass the same function, defined once).
   */
  derive<T>(fn: (ctx: DocContext) => T): T {
    if (!this.#derived.has(fn)) this.#derived.set(fn, fn(this));
    return this.#derived.get(fn) as T;
  }

  /** Digit, symbol, newline and letter counts of the text. */
  get chars(): CharCounts {
    this.#chars ??= countChars(this.text);
    return this.#chars;
  }
}

function paragraphsOf(lines: readonly LabelledLine[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < lines.length; ) {
    const first = lines[k] as LabelledLine;
    if (first.kind === null) {
      k++;
      continue;
    }
    let end = k + 1;
    while (end < lines.length && (lines[end] as LabelledLine).kind !== null) end++;
    out.push(
      end === k + 1
        ? first.trimmed
        : lines
            .slice(k, end)
            .map((l) => l.raw)
            .join("\n")
            .trim(),
    );
    k = end;
  }
  return out;
}

/** The character counts of a text and its sentences, in one pass over its units. */
export function countChars(text: string): CharCounts {
  let newlines = 0;
  let digits = 0;
  let symbols = 0;
  let cyr = 0;
  let lat = 0;
  let tgk = 0;
  let rus = 0;
  let sentences = 0;
  let lineHasLetter = false;
  let lastNonSpace = 0;
  const len = text.length;
  for (let k = 0; k < len; ) {
    const u = text.charCodeAt(k);
    if (u === 10) {
      newlines++;
      if (lineHasLetter && !((SENTENCE_UNIT[lastNonSpace] as number) & LINE_CLOSER)) sentences++;
      lineHasLetter = false;
      lastNonSpace = 0;
      k++;
      continue;
    }
    const f = SENTENCE_UNIT[u] as number;
    if (f & SENTENCE_END && (k + 1 >= len || (SENTENCE_UNIT[text.charCodeAt(k + 1)] as number) & SPACE))
      sentences++;
    if (!(f & SPACE)) lastNonSpace = u;
    if (f & LETTERISH) lineHasLetter = true;
    if (u >= 0x400 && u <= 0x52f) {
      cyr++;
      const extra = CYRILLIC_EXTRA[u - 0x400] as number;
      tgk += extra & 1;
      rus += (extra >> 1) & 1;
      symbols += extra >> 2;
      k++;
      continue;
    }
    if (
      (u >= 65 && u <= 90) ||
      (u >= 97 && u <= 122) ||
      (u >= 0xc0 && u <= 0x24f && u !== 0xd7 && u !== 0xf7)
    ) {
      lat++;
      k++;
      continue;
    }
    if (u >= 48 && u <= 57) digits++;
    else if (u > 32 && classAt(text, k) & SYMBOL) symbols++;
    if (u >= 0xd800 && u <= 0xdbff && unitsAt(text, k) === 2) {
      // A symbol outside the BMP counts once; its low surrogate is neither letter nor digit, but is letter-ish and
      // not a space to the sentence count.
      lastNonSpace = text.charCodeAt(k + 1);
      k += 2;
    } else k++;
  }
  if (lineHasLetter && !((SENTENCE_UNIT[lastNonSpace] as number) & LINE_CLOSER)) sentences++;
  return { newlines, digits, symbols, cyr, lat, tgk, rus, sentences };
}
