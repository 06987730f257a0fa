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

const hasTajikLetter = (w: string) => [...w].some((c) => TAJIK_SPECIAL.includes(c));

/**
 * Builds a lexicon from running texts (real frequencies) and a noisy word list (each clean form counted once):
 * legacy-encoded forms are repaired (A and B disagree on њ љ ї, so ѕ і point to B, ќ ѓ to A, else the reading
 * already listed wins), and a form without Tajik letters whose folded key also belongs to a form with them is
 * dropped unless the texts attest it, since it is most likely that form typed on a Russian keyboard.
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
    if (isTajikSpelling(w)) listed.add(w);
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
  const foldedTajik = new Set<string>();
  for (const w of listed) if (hasTajikLetter(w)) foldedTajik.add(foldTajik(w));
  for (const w of textCounts.keys()) if (hasTajikLetter(w)) foldedTajik.add(foldTajik(w));
  let keyboardDropped = 0;
  const counts = new Map(textCounts);
  for (const w of listed) {
    if (!hasTajikLetter(w) && foldedTajik.has(w) && !textCounts.has(w)) {
      keyboardDropped++;
      continue;
    }
    counts.set(w, (counts.get(w) ?? 0) + 1);
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
