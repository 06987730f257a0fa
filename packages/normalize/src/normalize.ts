import { type Change, ChangeLog } from "./changes.js";
import { latinToCyrillic, latinVariant } from "./latin.js";
import { repairLegacy } from "./legacy.js";
import { defaultLexicon, type Lexicon } from "./lexicon.js";
import { repairLookalikes } from "./lookalike.js";
import { defaultModel, type TajikModel } from "./model.js";
import { repairOcr } from "./ocr.js";
import { persianLineToCyrillic } from "./persian-decode.js";
import { normalizePunctuation } from "./punct.js";
import { restoreTajikLetters } from "./restore.js";
import { type ScriptShares, scriptShares } from "./script.js";
import { STEP, stepMarks } from "./step-marks.js";
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
  const variant = latinVariant(text);
  return text
    .split("\n")
    .map((line) => {
      const s = scriptShares(line);
      if (s.letters < 2) return line;
      if (s.arab >= 0.5) return persianLineToCyrillic(line, model, log);
      if (s.latn >= 0.5) return latinToCyrillic(line, variant, lexicon, log);
      return line;
    })
    .join("\n");
}

/**
 * Turns a text into standard Tajik Cyrillic: Unicode cleanup, legacy-encoding and mojibake repair, OCR artefacts,
 * look-alike letters, Persian-script and Latin Tajik to Cyrillic, Tajik letters restored where typed without,
 * whitespace and punctuation; records what each rule changed.
 */
export function normalizeText(input: string, options: NormalizeOptions = {}): NormalizeResult {
  const lexicon = options.lexicon ?? defaultLexicon();
  const log = new ChangeLog(options.explain);
  const original = scriptShares(input);
  // Steps that need characters most texts lack run only when the text holds them (one pass tells).
  let marks = stepMarks(input);
  let marked = input;
  let text = cleanUnicode(input, log, (marks & STEP.control) !== 0);
  /** The marks of the text as it is now (read again only after a step changed it). */
  const current = (): number => {
    if (text !== marked) {
      marks = stepMarks(text);
      marked = text;
    }
    return marks;
  };
  text = repairLegacy(text, lexicon, log).text;
  if (current() & STEP.c1) text = removeC1Controls(text, log);
  text = repairOcr(text, lexicon, log);
  if (current() & STEP.lookalike) text = repairLookalikes(text, lexicon, log);
  const model = options.model ?? defaultModel();
  if (options.scriptMapping !== false && current() & STEP.otherScript)
    text = mapScripts(text, lexicon, model, log);
  if (options.restore !== false) text = restoreTajikLetters(text, model, log);
  text = normalizePunctuation(text, log);
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
