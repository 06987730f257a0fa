import type { Document } from "@soro/core";
import { classAt, SYMBOL, unitSet, unitsAt } from "./char-classes.js";
import type { LabelledLine } from "./lines.js";
import { type LetterWords, tokenize, type Words } from "./tokenize.js";

/** FineWeb-2's Tajik stopwords (configs/tgk_Cyrl.yml): a real Tajik text has several of them. */
export const TAJIK_STOPWORDS = new Set(["дар", "ва", "аз", "ба", "ки", "аст", "соли", "бо", "деҳа", "дорад"]);

/** Letters only Tajik Cyrillic writes (Uzbek shares ғ қ ҳ, but a Russian line has none of them). */
const TAJIK_LETTERS = unitSet("ӣӯҷҳқғӢӮҶҲҚҒ");
/** Letters Russian writes often and native Tajik words do not. */
const RUSSIAN_LETTERS = unitSet("щыьцЩЫЬЦ");
/** Cyrillic-block units that are also symbols (҂): counted as both. */
const CYRILLIC_SYMBOLS = new Uint8Array(0x530);
for (let u = 0x400; u < 0x530; u++) CYRILLIC_SYMBOLS[u] = classAt(String.fromCharCode(u), 0) & SYMBOL ? 1 : 0;

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
}

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
    /** The row as the stage received it (source, url, language columns, ...); empty outside the stage. */
    readonly doc: Readonly<Partial<Document>> = {},
  ) {}

  /** The text lower-cased, once for every module that reads words. */
  get lower(): string {
    this.#lower ??= this.text.toLowerCase();
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

function countChars(text: string): CharCounts {
  const c: CharCounts = { newlines: 0, digits: 0, symbols: 0, cyr: 0, lat: 0, tgk: 0, rus: 0 };
  for (let k = 0; k < text.length; ) {
    const u = text.charCodeAt(k);
    if (u >= 0x400 && u <= 0x52f) {
      c.cyr++;
      if (TAJIK_LETTERS[u] === 1) c.tgk++;
      else if (RUSSIAN_LETTERS[u] === 1) c.rus++;
      if (CYRILLIC_SYMBOLS[u] === 1) c.symbols++;
      k++;
      continue;
    }
    if (
      (u >= 65 && u <= 90) ||
      (u >= 97 && u <= 122) ||
      (u >= 0xc0 && u <= 0x24f && u !== 0xd7 && u !== 0xf7)
    ) {
      c.lat++;
      k++;
      continue;
    }
    if (u === 10) c.newlines++;
    else if (u >= 48 && u <= 57) c.digits++;
    else if (u > 32 && classAt(text, k) & SYMBOL) c.symbols++;
    // A symbol outside the BMP counts once; its low surrogate is neither letter nor digit.
    k += u >= 0xd800 && u <= 0xdbff ? unitsAt(text, k) : 1;
  }
  return c;
}
