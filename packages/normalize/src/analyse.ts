import {
  foreignLetters,
  identifyLanguage,
  identifyLineResults,
  type Lang,
  type LangResult,
} from "./langid.js";
import { type NormalizeOptions, type NormalizeResult, normalizeText } from "./normalize.js";

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
}

/** Repairs that put Tajik letters back where a legacy font or a wrong decoding left other letters. */
const ENCODING_REPAIRS = new Set([
  "legacy_a",
  "legacy_b",
  "koi8t",
  "koi8t_latin1",
  "mojibake_cp1251",
  "mojibake_latin1",
  "ascii_font",
]);

/**
 * The document's language, judged on its normalized text (so a repaired legacy-font page is judged by its repair),
 * except when the normalized text reads Tajik although no encoding was repaired and the original holds letters Tajik
 * never writes (Ukrainian і ї, Belarusian ў, Kazakh ә ө ...): then look-alike repair or letter restoration has made
 * another language look Tajik, and the original's reading stands.
 */
function documentLanguage(original: string, normalized: string, encoding: string): LangResult {
  const doc = identifyLanguage(normalized);
  if (doc.lang !== "tgk" || ENCODING_REPAIRS.has(encoding) || foreignLetters(original, "tgk") === 0)
    return doc;
  const before = identifyLanguage(original);
  return before.lang === "tgk" ? doc : before;
}

/**
 * Normalizes a text and identifies its language at document and line level, after repair. A document written
 * mostly in Arabic script keeps the language of its original (pes or prs: whether Persian in Tajik letters counts as
 * Tajik is a selection decision), while `langScore` still says how Tajik its Cyrillic form reads.
 */
export function analyseText(text: string, options: NormalizeOptions = {}): Analysis {
  const n = normalizeText(text, options);
  const doc = documentLanguage(text, n.text, n.encoding);
  const lang = n.original.arab >= 0.5 ? identifyLanguage(text).lang : doc.lang;
  const lines = identifyLineResults(n.text, doc.lang);
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
  return {
    ...n,
    lang,
    langScore: doc.tgk,
    lineLangs,
    lineTgk: lines.map((r) => Math.round(r.tgk * 1000) / 1000),
    tgkLineShare: labelled === 0 ? 0 : tgk / labelled,
    rusLineShare: labelled === 0 ? 0 : rus / labelled,
  };
}
