import type { ChangeLog } from "./changes.js";
import { foldTajik, matchCase } from "./letters.js";
import type { Lexicon } from "./lexicon.js";
import { keysRegex, readCharMap } from "./tables.js";

/** Which Latin orthography a text uses. */
export type LatinVariant = "official" | "chat";

let tables: Record<LatinVariant, { map: Map<string, string>; re: RegExp }> | undefined;

function load() {
  const one = (name: string) => {
    const map = readCharMap(name);
    return { map, re: keysRegex(map, "g") };
  };
  return { official: one("latin-official.tsv"), chat: one("latin-chat.tsv") };
}

/** Frequent English words: a line with one of them is English (or code), not Latin Tajik. */
const ENGLISH = new Set([
  "the",
  "of",
  "and",
  "is",
  "for",
  "with",
  "this",
  "that",
  "are",
  "by",
  "from",
  "or",
  "not",
  "it",
  "which",
]);
/** Uzbek endings (genitive, plural, -lik nouns): when many words have them the line is Uzbek, not Tajik. */
const UZBEK_ENDING = /(?:ning|lar|lari|larni|larga|larining|lik|likni|ligi)$/;
/** Frequent Tajik words in Latin spelling (both orthographies): a line needs one to be taken as Tajik. */
const TAJIK = new Set([
  "va",
  "dar",
  "az",
  "ba",
  "ki",
  "bo",
  "ast",
  "in",
  "on",
  "ham",
  "baroi",
  "ʙa",
  "ʙo",
  "ʙaroi",
  "hamai",
  "meshavad",
  "meşavad",
  "kard",
  "shud",
  "şud",
  "bud",
  "ʙud",
  "yak",
  "jak",
]);
/** Fewer words than this are too little to tell Latin Tajik from a name or a code. */
const MIN_WORDS = 3;

const LATIN_WORD = /[A-Za-zƣīūşçƶʙƢĪŪŞÇƵ][A-Za-zƣīūşçƶʙƢĪŪŞÇƵ'ʼ‘ʻ]*/g;

/** Official 1928–40 letters (ƣ ī ū ş ç ƶ ʙ) against chat digraphs (sh ch zh kh gh): the text's Latin variant. */
export function latinVariant(text: string): LatinVariant {
  const official = text.match(/[ƣīūşçƶʙƢĪŪŞÇƵ]/g)?.length ?? 0;
  const chat = text.match(/sh|ch|zh|kh|gh/gi)?.length ?? 0;
  return official > chat ? "official" : "chat";
}

/** One Latin word in Cyrillic letter by letter (lower case). */
function transliterate(lower: string, variant: LatinVariant): string {
  tables ??= load();
  const t = tables[variant];
  const initialE = lower.startsWith("e");
  const out = lower.replace(t.re, (m) => t.map.get(m) ?? m);
  return initialE ? `э${out.slice(1)}` : out;
}

/**
 * Latin Tajik to Cyrillic, one line at a time. Each word is transliterated by the text's variant, then replaced by
 * the lexicon's standard form with the same folded spelling when there is one (chat Latin leaves х/ҳ, и/ӣ, у/ӯ
 * open). A line changes only when it has a few words, a frequent Tajik word, no frequent English word, few Uzbek
 * endings, and the lexicon knows most of its words (three letters or more), so English, Uzbek, names and codes stay.
 */
export function latinToCyrillic(
  line: string,
  variant: LatinVariant,
  lexicon: Lexicon,
  log: ChangeLog,
): string {
  const words = line.match(LATIN_WORD);
  if (!words || words.length < MIN_WORDS) return line;
  const converted = new Map<string, string>();
  let known = 0;
  let english = 0;
  let tajik = 0;
  let uzbek = 0;
  for (const w of words) {
    const lower = w.toLowerCase();
    if (ENGLISH.has(lower)) english++;
    if (TAJIK.has(lower)) tajik++;
    if (UZBEK_ENDING.test(lower)) uzbek++;
    // Acronyms and codes (DOS, OLE) stay as written.
    if (w.length > 1 && w === w.toUpperCase()) continue;
    const cyr = transliterate(lower, variant);
    const e = lexicon.has(cyr) ? { word: cyr } : lexicon.bestByFold(foldTajik(cyr).replace(/й$/, "и"));
    if (e && cyr.length >= 3) known++;
    converted.set(w, matchCase(w, e?.word ?? cyr));
  }
  // One Tajik function word among three words may be chance (Add On num); among four or more it counts.
  const tajikEnough = tajik >= 2 || (tajik === 1 && words.length > MIN_WORDS);
  if (known < words.length * 0.6 || english > 0 || !tajikEnough || uzbek > words.length * 0.1) return line;
  return line.replace(LATIN_WORD, (w) => log.record("latin_tajik", w, converted.get(w) ?? w));
}
