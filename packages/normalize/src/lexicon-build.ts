import { foldTajik, TAJIK_SPECIAL } from "./letters.js";
import { countWords, isTajikSpelling, Lexicon } from "./lexicon.js";
import { readCharMap } from "./tables.js";

/** What went into a lexicon built by `buildLexicon`. */
export interface LexiconBuildStats {
  forms: number;
  fromText: number;
  listed: number;
  legacyRepaired: number;
  keyboardDropped: number;
}

/** Weight of one occurrence in running text against one listed form of a paradigm. */
const TEXT_WEIGHT = 5;

/** Common Tajik endings (case, plural, possessive, verb person), for counting a form's listed paradigm. */
const SUFFIXES = [
  "",
  "и",
  "ӣ",
  "ро",
  "ҳо",
  "ҳои",
  "ҳоро",
  "он",
  "ам",
  "ат",
  "аш",
  "амон",
  "атон",
  "ашон",
  "е",
  "ед",
  "ем",
  "анд",
  "ан",
  "а",
  "аи",
  "ем",
  "ист",
  "ӣ",
  "ҳояш",
];

const hasTajikLetter = (w: string) => [...w].some((c) => TAJIK_SPECIAL.includes(c));

/**
 * Builds a lexicon from running texts (real frequencies) and a noisy word list (a form counts as many times as
 * listed forms extend it): legacy-encoded forms are repaired (A and B disagree on њ љ ї, so ѕ і point to B, ќ ѓ to
 * A, else the reading already listed wins), and a form without Tajik letters is dropped when a form with them that
 * folds to the same spelling has a paradigm at least as large and the texts do not attest it (чамъбасти for
 * ҷамъбасти, хадафхо for ҳадафҳо): typists drop Tajik letters, never add them, so a tie goes to the Tajik spelling.
 */
export function buildLexicon(
  texts: Iterable<string>,
  wordList: Iterable<string>,
): {
  lexicon: Lexicon;
  stats: LexiconBuildStats;
} {
  const legacyA = readCharMap("legacy-a.tsv");
  const legacyB = readCharMap("legacy-b.tsv");
  const mapWith = (m: Map<string, string>, w: string) => [...w].map((c) => m.get(c) ?? c).join("");
  const textCounts = countWords(texts);
  const listed = new Set<string>();
  const legacy: string[] = [];
  for (const raw of wordList) {
    const w = raw.toLowerCase();
    // A form without a vowel is an OCR fragment or an abbreviation, not a word to restore or map to.
    if (!/[аеёиӣоуӯэюя]/.test(w)) continue;
    // A final й after a consonant is ӣ typed on a Russian keyboard (шаклй): list the standard form.
    if (isTajikSpelling(w)) listed.add(w.replace(/([^аеёиӣоуӯэюя])й$/, "$1ӣ"));
    else if (/[ќѓњљїўѕі]/.test(w)) legacy.push(w);
  }
  let legacyRepaired = 0;
  for (const w of legacy) {
    const a = mapWith(legacyA, w);
    const b = mapWith(legacyB, w);
    const pick = /[ѕі]/.test(w) ? b : /[ќѓ]/.test(w) ? a : listed.has(a) ? a : listed.has(b) ? b : undefined;
    if (pick && isTajikSpelling(pick)) {
      listed.add(pick);
      legacyRepaired++;
    }
  }
  // Without a corpus, how many inflected forms of a form are listed (гуфт: гуфтан, гуфтанд, гуфтам...) stands in
  // for its frequency; a real stem has many, a mistyped one few.
  const family = (w: string) => {
    let n = 0;
    for (const suffix of SUFFIXES) if (listed.has(w + suffix)) n++;
    return n;
  };
  const bestTajik = new Map<string, number>();
  for (const w of [...listed, ...textCounts.keys()]) {
    // A final ӣ against и is no lost letter: the adjective (миллӣ) and the ezafe (милли) are both words.
    if (!hasTajikLetter(w) || w.endsWith("ӣ")) continue;
    const k = foldTajik(w);
    bestTajik.set(k, Math.max(bestTajik.get(k) ?? 0, family(w)));
  }
  let keyboardDropped = 0;
  const counts = new Map<string, number>();
  for (const [w, c] of textCounts) counts.set(w, TEXT_WEIGHT * c);
  for (const w of listed) {
    const f = family(w);
    const rival = hasTajikLetter(w) ? 0 : (bestTajik.get(w) ?? 0);
    // `f` counts the form itself, so a rival of 0 (none) never drops it.
    if (rival >= f && !textCounts.has(w)) {
      keyboardDropped++;
      continue;
    }
    counts.set(w, (counts.get(w) ?? 0) + f);
  }
  return {
    lexicon: new Lexicon(counts),
    stats: {
      forms: counts.size,
      fromText: textCounts.size,
      listed: listed.size,
      legacyRepaired,
      keyboardDropped,
    },
  };
}
