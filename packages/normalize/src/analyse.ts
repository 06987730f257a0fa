import { identifyLanguage, identifyLines, type Lang } from "./langid.js";
import { type NormalizeOptions, type NormalizeResult, normalizeText } from "./normalize.js";

/** A normalized document with its language signals. */
export interface Analysis extends NormalizeResult {
  lang: Lang;
  /** Probability that the document is Tajik. */
  langScore: number;
  /** Language of each line of the normalized text. */
  lineLangs: Lang[];
  tgkLineShare: number;
  rusLineShare: number;
}

/**
 * Normalizes a text and identifies its language at document and line level, after repair. A document written
 * mostly in Arabic script keeps the language of its original (pes or prs: whether Persian in Tajik letters counts as
 * Tajik is a selection decision), while `langScore` still says how Tajik its Cyrillic form reads.
 */
export function analyseText(text: string, options: NormalizeOptions = {}): Analysis {
  const n = normalizeText(text, options);
  const doc = identifyLanguage(n.text);
  const lang = n.original.arab >= 0.5 ? identifyLanguage(text).lang : doc.lang;
  const lineLangs = identifyLines(n.text, doc.lang);
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
    tgkLineShare: labelled === 0 ? 0 : tgk / labelled,
    rusLineShare: labelled === 0 ? 0 : rus / labelled,
  };
}
