import { foldTajik } from "./letters.js";
import { RUSSIAN_FUNCTION_WORDS } from "./russian-words.js";

/**
 * The project's one list of frequent Tajik function words (conjunctions, prepositions, postpositions, copulas and
 * auxiliaries), spelled with Tajik letters. Language ID reads them as evidence for Tajik; a module that needs the
 * forms typed without Tajik letters takes `TAJIK_FUNCTION_WORDS_FOLDED`. Words another Cyrillic language writes
 * often with a different meaning (он: Russian "he"; як: Ukrainian "how"; то) are left out; аз (Bulgarian "I") stays
 * because it is the third most frequent Tajik word, and the letters and trigrams around it decide for Bulgarian.
 * FineWeb-2's stop-word list is not this list: it is the FineWeb-2 rule's own data (packages/quality).
 */
export const TAJIK_FUNCTION_WORDS: readonly string[] = [
  "ва",
  "дар",
  "аз",
  "ба",
  "ки",
  "бо",
  "аст",
  "ин",
  "ҳам",
  "барои",
  "мебошад",
  "буд",
  "шуд",
  "шудааст",
  "карда",
  "кард",
  "мешавад",
  "менамояд",
  "намуд",
  "намуда",
  "ҳамчун",
  "низ",
  "ҳар",
  "бояд",
  "дорад",
  "вале",
  "агар",
  "баъд",
  "пас",
  "чун",
  "ё",
  "ҳеҷ",
  "ҳамаи",
  "худ",
  "мо",
  "шумо",
  "онҳо",
  "вай",
  "ӯ",
  "гардид",
  "мегардад",
  "метавонад",
  "байни",
  "тавассути",
  "оид",
  "бораи",
];

/**
 * The same words as typed without Tajik letters (ҳам -> хам), for text not yet restored; a folded form that is a
 * Russian function word (ӯ -> у) is left out, since it says nothing for Tajik then.
 */
export const TAJIK_FUNCTION_WORDS_FOLDED: readonly string[] = [
  ...new Set(TAJIK_FUNCTION_WORDS.map(foldTajik).filter((w) => !RUSSIAN_FUNCTION_WORDS.includes(w))),
];
