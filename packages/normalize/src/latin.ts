import type { ChangeLog } from "./changes.js";
import { charEvidence } from "./char-model.js";
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
/**
 * Uzbek endings and words that chat-Latin Tajik does not write (-lar, -ning, -ga, -gan, -dagi, -lash, -ish, -iy,
 * -chi ...; emas, uchun, bilan, yoki, allaqachon): a line read as Tajik by its letters alone may have none of them.
 * Counted on the tuning part of the UI-string set (Uzbek words 20 times as often as Tajik ones).
 */
const UZBEK_MARK =
  /(?:lar|lari|larni|larga|larining|ning|lik|likni|ligi|ga|gan|ing|dagi|lash|ib|maydi|moq|siz|ingiz|ilsin|ish|ishni|ishi|iy|chi)$/;
const UZBEK_WORDS = new Set(["emas", "uchun", "bilan", "yoki", "ushbu", "qilish", "etish", "allaqachon"]);
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

/** Latin letters no Tajik Latin orthography writes (é ü ñ ...): French, German, Turkish text, not Tajik. */
const OTHER_LATIN = /[\u00c0-\u024f]/;
const TAJIK_LATIN_EXTRA = new Set("ƣīūşçƶʙƢĪŪŞÇƵ");

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
  const r = readLatinLine(line, variant, lexicon);
  if (!r || !readsAsLatinTajik(r)) return line;
  return line.replace(LATIN_WORD, (w) => log.record("latin_tajik", w, r.converted.get(w) ?? w));
}

/** What one Latin line says of itself read as Tajik: its words, how many of them tell what, and its Cyrillic. */
export interface LatinReading {
  words: number;
  /** Words of three letters or more the lexicon knows once transliterated. */
  known: number;
  english: number;
  tajik: number;
  uzbek: number;
  /** Words with an Uzbek ending or Uzbek function words (UZBEK_MARK, UZBEK_WORDS). */
  uzbekMarks: number;
  /** Latin letters outside the Tajik orthographies (OTHER_LATIN). */
  otherLetters: number;
  /** The Tajik character model's mean log-likelihood ratio per letter of the transliterated words. */
  charLlr: number;
  converted: Map<string, string>;
}

/** Reads a Latin line as Tajik (undefined when it has too few words to say anything). */
export function readLatinLine(
  line: string,
  variant: LatinVariant,
  lexicon: Lexicon,
): LatinReading | undefined {
  const words = line.match(LATIN_WORD);
  if (!words || words.length < MIN_WORDS) return undefined;
  const converted = new Map<string, string>();
  let known = 0;
  let english = 0;
  let tajik = 0;
  let uzbek = 0;
  let uzbekMarks = 0;
  for (const w of words) {
    const lower = w.toLowerCase();
    if (ENGLISH.has(lower)) english++;
    if (TAJIK.has(lower)) tajik++;
    if (UZBEK_ENDING.test(lower)) uzbek++;
    if (UZBEK_WORDS.has(lower) || (lower.length > 4 && UZBEK_MARK.test(lower))) uzbekMarks++;
    // Acronyms and codes (DOS, OLE) stay as written.
    if (w.length > 1 && w === w.toUpperCase()) continue;
    const cyr = transliterate(lower, variant);
    const e = lexicon.has(cyr) ? { word: cyr } : lexicon.bestByFold(foldTajik(cyr).replace(/й$/, "и"));
    if (e && cyr.length >= 3) known++;
    converted.set(w, matchCase(w, e?.word ?? cyr));
  }
  const { llr } = charEvidence([...converted.values()].join(" "));
  let otherLetters = 0;
  for (const c of line) if (OTHER_LATIN.test(c) && !TAJIK_LATIN_EXTRA.has(c)) otherLetters++;
  return {
    words: words.length,
    known,
    english,
    tajik,
    uzbek,
    uzbekMarks,
    otherLetters,
    charLlr: llr,
    converted,
  };
}

/**
 * Mean log-likelihood ratio per letter (Tajik over its Cyrillic neighbours, src/char-model.ts) from which a Latin
 * line's Cyrillic reading is Tajik without a Tajik function word: UI messages and headings seldom have one.
 * Chosen on the tuning part of the UI-string set (lines of three words or more): chat-Latin Tajik 296 -> 529 of 587
 * converted, Uzbek Latin 1 -> 16 of 238 before the Uzbek marks, 9 after; English 0 -> 0 (0.5: 535 and 21 Uzbek
 * before the marks; 1.0: fewer Tajik, as many Uzbek).
 */
export const LATIN_CHAR_LLR = 0.75;

/**
 * Whether a Latin line read as Tajik is Tajik: most of its words known to the lexicon, no frequent English word,
 * and either Tajik function words with few Uzbek endings, or Tajik letter sequences (the character model) and no
 * Uzbek ending or word and no letter of another Latin alphabet at all.
 */
export function readsAsLatinTajik(r: LatinReading): boolean {
  if (r.known < r.words * 0.6 || r.english > 0) return false;
  // One Tajik function word among three words may be chance (Add On num); among four or more it counts.
  const tajikEnough = r.tajik >= 2 || (r.tajik === 1 && r.words > MIN_WORDS);
  if (tajikEnough && r.uzbek <= r.words * 0.1) return true;
  return r.charLlr >= LATIN_CHAR_LLR && r.uzbekMarks === 0 && r.otherLetters === 0;
}
