import { type Lang, type LangResult, TextReading } from "./langid.js";
import { BOS, defaultModel, type TajikModel } from "./model.js";
import { type NormalizeOptions, type NormalizeResult, normalizeText } from "./normalize.js";
import { RESTORE_DEFAULTS } from "./restore.js";

/** A normalized document with its language signals. */
export interface Analysis extends NormalizeResult {
  lang: Lang;
  /** Probability that the document is Tajik. */
  langScore: number;
  /** Language of each line of the normalized text (ISO 639-3, `und` for lines without letters). */
  lineLangs: Lang[];
  /** Calibrated probability that each line is Tajik (short lines lean on the document). */
  lineTgk: number[];
  tgkLineShare: number;
  rusLineShare: number;
  /** Script the text was converted from when it reads as Tajik after conversion (`arab`, `latn`), else "". */
  converted: "" | "arab" | "latn";
}

/** Share of a converted text's words the word model must know for it to count as Tajik. */
const CONVERTED_KNOWN = 0.75;
/**
 * Least mean word-model score (log, per word, bigrams with stupid back-off) of the Cyrillic form of a Persian-script
 * document for it to count as Tajik. The decoder always finds known Tajik words, so known share and language ID
 * pass real Persian and Dari too; what tells them apart is how Tajik the word sequence is. Set on the tuning sets of
 * scripts/converted-eval.ts for the shipped model: the middle of the scores from -8.22 to -8.10, which all keep 94%
 * of the 2018 address written in Persian script by rule and let through 3% of the Persian UDHR and 0% of the Persian
 * LibreOffice strings. The 2019 address, Dari UDHR and the held-out strings measure it.
 */
export const CONVERTED_SCORE = -8.15;
const WORDS = /[\p{L}\p{M}]+/gu;

/**
 * Repairs after which the original says nothing about the language: a legacy font or a wrong decoding (its letters
 * look Serbian or Ukrainian), or another script mapped to Cyrillic.
 */
const ENCODING_REPAIRS = new Set([
  "legacy_a",
  "legacy_b",
  "koi8t",
  "koi8t_latin1",
  "mojibake_cp1251",
  "mojibake_latin1",
  "ascii_font",
  "persian_script",
  "latin_tajik",
]);

/** Below this P(Tajik) of its original, a Cyrillic text that reads Tajik only after repair keeps its original's reading. */
const ORIGINAL_NOT_TAJIK = 0.1;

/**
 * The document's language, judged on its normalized text (so a repaired legacy-font page is judged by its repair),
 * except when the normalized text reads Tajik, no encoding or script was repaired, and the original reads as
 * another language with P(Tajik) under 0.1: then look-alike repair or letter restoration has made Bulgarian,
 * Mongolian or Belarusian look Tajik (Belarusian ў -> ӯ, restored ҳ in Bulgarian words), and the original stands.
 * Tajik typed without its letters still reads Tajik before restoration, from its words. A text no repair changed
 * is read once, and of one that was, only the lines the repair changed are read again.
 */
function documentLanguage(
  original: string,
  normalized: TextReading,
  encoding: string,
  repairs: number,
): LangResult {
  const doc = normalized.document();
  // Without a repair only cleanup (Unicode, spaces, punctuation) separates the two readings.
  if (doc.lang !== "tgk" || repairs === 0 || ENCODING_REPAIRS.has(encoding)) return doc;
  const before = new TextReading(original, normalized).document();
  return before.lang !== "tgk" && before.tgk < ORIGINAL_NOT_TAJIK ? before : doc;
}

/**
 * Normalizes a text and identifies its language at document and line level, after repair. A document written
 * mostly in Arabic or Latin script counts as Tajik (and says what it was `converted` from, for mixture weights) when
 * its Cyrillic form reads as Tajik, the word model knows most of its words and, for Persian script, their sequence
 * scores like Tajik; otherwise it keeps the language of its original (pes or prs for Persian).
 */
export function analyseText(text: string, options: NormalizeOptions = {}): Analysis {
  const n = normalizeText(text, options);
  const reading = new TextReading(n.text);
  const doc = documentLanguage(text, reading, n.encoding, n.repairs);
  const from = n.original.arab >= 0.5 ? "arab" : n.original.latn >= 0.5 ? "latn" : "";
  const converted = from !== "" && doc.lang === "tgk" && readsAsTajik(n.text, from, options) ? from : "";
  const lang = from !== "" && converted === "" ? new TextReading(text, reading).document().lang : doc.lang;
  const lines = reading.lineResults(doc.lang);
  const lineLangs = lines.map((r) => r.lang);
  let labelled = 0;
  let tgk = 0;
  let rus = 0;
  for (const l of lineLangs) {
    if (l === "und") continue;
    labelled++;
    if (l === "tgk") tgk++;
    else if (l === "rus") rus++;
  }
  // Written out rather than spread: a spread copies the result through a slow generic path, per document.
  return {
    text: n.text,
    encoding: n.encoding,
    repairs: n.repairs,
    steps: n.steps,
    original: n.original,
    changes: n.changes,
    lang,
    langScore: doc.tgk,
    lineLangs,
    lineTgk: lines.map((r) => Math.round(r.tgk * 1000) / 1000),
    tgkLineShare: labelled === 0 ? 0 : tgk / labelled,
    rusLineShare: labelled === 0 ? 0 : rus / labelled,
    converted,
  };
}

/** How Tajik a text's words are under the word model (first 500 words): share known, mean score per word. */
export function tajikWordScore(text: string, model: TajikModel): { known: number; score: number } {
  let seen = 0;
  let known = 0;
  let score = 0;
  let prev = BOS;
  for (const m of text.matchAll(WORDS)) {
    const w = m[0].toLowerCase();
    seen++;
    if (model.has(w)) known++;
    score += model.score(prev, w, RESTORE_DEFAULTS.unknownWeight);
    prev = w;
    if (seen >= 500) break;
  }
  return seen === 0
    ? { known: 0, score: Number.NEGATIVE_INFINITY }
    : { known: known / seen, score: score / seen };
}

/**
 * Whether the Cyrillic form of a converted document reads as Tajik: the model knows most of its words and, for
 * Persian script, its word sequence scores like Tajik (see CONVERTED_SCORE).
 */
function readsAsTajik(text: string, from: "arab" | "latn", options: NormalizeOptions): boolean {
  const s = tajikWordScore(text, options.model ?? defaultModel());
  return s.known >= CONVERTED_KNOWN && (from !== "arab" || s.score >= CONVERTED_SCORE);
}
