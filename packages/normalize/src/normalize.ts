import { type Change, ChangeLog } from "./changes.js";
import { type LatinVariant, latinToCyrillic, latinVariant } from "./latin.js";
import { repairLegacy } from "./legacy.js";
import { defaultLexicon, type Lexicon } from "./lexicon.js";
import { repairLookalikes } from "./lookalike.js";
import { defaultModel, type TajikModel } from "./model.js";
import { repairOcr } from "./ocr.js";
import { persianLineToCyrillic } from "./persian-decode.js";
import { normalizePunctuation } from "./punct.js";
import { restoreTajikLetters } from "./restore.js";
import { type ScriptShares, scriptCounts, sharesOf } from "./script.js";
import { readText, STEP, stepMarks } from "./step-marks.js";
import { textWords } from "./text-words.js";
import { cleanUnicode, removeC1Controls } from "./unicode.js";

/** What `normalizeText` runs. Every step is on by default. */
export interface NormalizeOptions {
  /** Tajik lexicon (default: the one shipped with the package). */
  lexicon?: Lexicon;
  /** Tajik word model for letter restoration and Persian-script decoding (default: the shipped one). */
  model?: TajikModel;
  /** Persian-script and Latin Tajik to Cyrillic. */
  scriptMapping?: boolean;
  /** Restore Tajik letters in words typed without them. */
  restore?: boolean;
  /** Keep every change with its rule (for `--explain`). */
  explain?: boolean;
}

/** A normalized text and what was done to it. */
export interface NormalizeResult {
  text: string;
  /** The main repair applied (legacy encoding, script mapping, keyboard restoration, ...), or "none". */
  encoding: string;
  /** Characters changed by repairs (Unicode and whitespace cleanup not counted). */
  repairs: number;
  /** Characters changed per rule, cleanup included. */
  steps: Record<string, number>;
  /** Letter shares by script of the original text. */
  original: ScriptShares;
  /** Every change with its rule, when `explain` was asked. */
  changes?: Change[];
}

/** Rules that are repairs (counted in `repairs`), most telling first: the first that fired names the encoding. */
const REPAIR_RULES = [
  "legacy_a",
  "legacy_b",
  "koi8t",
  "koi8t_latin1",
  "koi8t_koi8r",
  "mojibake_cp1251",
  "mojibake_latin1",
  "ascii_font",
  "persian_script",
  "latin_tajik",
  "russian_keyboard",
  "ocr",
  "lookalike",
  "homoglyph",
];

/** Persian-script and Latin lines to Cyrillic; Cyrillic lines stay (only a text with such letters comes here). */
function mapScripts(text: string, lexicon: Lexicon, model: TajikModel, log: ChangeLog): string {
  /** The text's Latin variant, worked out (over all of it) when a line is first mapped from Latin. */
  let variant: LatinVariant | undefined;
  let out = "";
  /** Where the text not yet copied to `out` starts. */
  let copied = 0;
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf("\n", from);
    if (to < 0) to = text.length;
    const { cyrl, arab, latn, other } = scriptCounts(text, from, to);
    const letters = cyrl + arab + latn + other;
    // Half the letters or more in one script (the shares `sharesOf` gives, compared without dividing).
    if (letters >= 2 && (2 * arab >= letters || 2 * latn >= letters)) {
      const line = text.slice(from, to);
      let mapped: string;
      if (2 * arab >= letters) mapped = persianLineToCyrillic(line, model, log);
      else {
        variant ??= latinVariant(text);
        mapped = latinToCyrillic(line, variant, lexicon, log);
      }
      out += text.slice(copied, from) + mapped;
      copied = to;
    }
    from = to + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Turns a text into standard Tajik Cyrillic: Unicode cleanup, legacy-encoding and mojibake repair, OCR artefacts,
 * look-alike letters, Persian-script and Latin Tajik to Cyrillic, Tajik letters restored where typed without,
 * whitespace and punctuation; records what each rule changed.
 */
export function normalizeText(input: string, options: NormalizeOptions = {}): NormalizeResult {
  const lexicon = options.lexicon ?? defaultLexicon();
  const log = new ChangeLog(options.explain);
  // One pass over the input tells which steps it needs (most texts need none of those that guard a pass of their
  // own) and counts its letters by script; what it found of a step's characters holds while no step before that one
  // changed the text.
  const read = readText(input);
  const original = sharesOf(read.scripts);
  let marks = read.marks;
  let marked = input;
  let text = cleanUnicode(input, log, {
    nfc: (marks & STEP.nfc) !== 0,
    controls: (marks & STEP.control) !== 0,
    zwnj: (marks & STEP.zwnj) !== 0,
  });
  /** The marks of the text as it is now (read again only after a step changed it). */
  const current = (): number => {
    if (text !== marked) {
      marks = stepMarks(text);
      marked = text;
    }
    return marks;
  };
  text = repairLegacy(text, lexicon, log, text === input ? read.legacy : undefined).text;
  if (current() & STEP.c1) text = removeC1Controls(text, log);
  text = repairOcr(text, lexicon, log, text === input ? read.ocr : undefined);
  if (current() & STEP.lookalike)
    text = repairLookalikes(text, lexicon, log, text === input ? read.lookalike : undefined);
  const model = options.model ?? defaultModel();
  if (options.scriptMapping !== false && current() & STEP.otherScript)
    text = mapScripts(text, lexicon, model, log);
  // Restoration changes Cyrillic letters alone, which leaves the punctuation rules as they were.
  const unchanged = text === input;
  if (options.restore !== false) text = restoreTajikLetters(text, model, log);
  const restored = text;
  const moves = log.moves;
  text = normalizePunctuation(text, log, unchanged ? read.punct : undefined);
  // Punctuation touches no Cyrillic letter: without a change of length, restoration's words stand where they were.
  if (log.moves === moves) textWords.carry(restored, text);
  let repairs = 0;
  for (const rule of REPAIR_RULES) repairs += log.chars.get(rule) ?? 0;
  return {
    text,
    encoding: REPAIR_RULES.find((r) => log.chars.has(r)) ?? "none",
    repairs,
    steps: Object.fromEntries(log.chars),
    original,
    changes: log.changes,
  };
}
