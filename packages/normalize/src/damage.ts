/** Ways real Tajik text gets damaged, applied to real text so repairs can be measured against the original (tests, benches, the demo). */
import { encodeText } from "@soro/core";
import { foldTajik } from "./letters.js";
import { readCharMap, readTable } from "./tables.js";

const invert = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [v, k]));
const legacyA = invert(readCharMap("legacy-a.tsv"));
const legacyB = invert(readCharMap("legacy-b.tsv"));
const mapWith = (m: Map<string, string>, s: string) => [...s].map((c) => m.get(c) ?? c).join("");

/** Tajik text as a legacy "...Tj" font (encoding A) shows it. */
export const toLegacyA = (s: string) => mapWith(legacyA, s);
/** Tajik text in legacy encoding B. */
export const toLegacyB = (s: string) => mapWith(legacyB, s);
/** Tajik text typed on a Russian keyboard (ӣ typed as и). */
export const toRussianKeyboard = (s: string) => foldTajik(s);

/** Tajik text saved as KOI8-T and opened as windows-1251. */
export const toKoi8tAsCp1251 = (s: string) => new TextDecoder("windows-1251").decode(encodeText(s, "koi8-t"));

/** Tajik text saved as KOI8-T and opened as KOI8-R (`Эмомалӣ` shows as `Эмомал╔`). */
export const toKoi8tAsKoi8r = (s: string) => new TextDecoder("koi8-r").decode(encodeText(s, "koi8-t"));

/** UTF-8 text opened as windows-1251. */
export const toMojibake = (s: string) => new TextDecoder("windows-1251").decode(new TextEncoder().encode(s));

/** Tajik Cyrillic as informal chat Latin writes it (the test's own spelling, to round-trip real text). */
const CHAT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ғ: "gh",
  д: "d",
  е: "e",
  ё: "yo",
  ж: "zh",
  з: "z",
  и: "i",
  ӣ: "i",
  й: "y",
  к: "k",
  қ: "q",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ӯ: "u",
  ф: "f",
  х: "kh",
  ҳ: "h",
  ч: "ch",
  ҷ: "j",
  ш: "sh",
  ъ: "'",
  э: "e",
  ю: "yu",
  я: "ya",
};
export const toChatLatin = (s: string) =>
  [...s]
    .map((c) => {
      const l = CHAT[c.toLowerCase()];
      if (l === undefined) return c;
      return c === c.toLowerCase() ? l : l[0]?.toUpperCase() + l.slice(1);
    })
    .join("");

/** Share of the words of `expected` found at the same position in `actual` (both split on spaces). */
export function wordAccuracy(actual: string, expected: string): number {
  const a = actual.split(/\s+/);
  const e = expected.split(/\s+/);
  let ok = 0;
  for (let i = 0; i < e.length; i++) if (a[i] === e[i]) ok++;
  return e.length === 0 ? 1 : ok / e.length;
}

/** Share of characters equal at the same position (1 - a rough character error rate for same-length texts). */
export function charAccuracy(actual: string, expected: string): number {
  let ok = 0;
  for (let i = 0; i < expected.length; i++) if (actual[i] === expected[i]) ok++;
  return expected.length === 0 ? 1 : ok / Math.max(expected.length, actual.length);
}

/** Evaluation damage draws from core's seeded generator, so damaged text is the same on every run. */
export { seededRandom } from "@soro/core";

/** Each Tajik letter of `s` lost (typed as its Russian stand-in) with probability `share`: OCR or font damage. */
export function dropTajikLetters(s: string, share: number, random: () => number): string {
  let out = "";
  for (const c of s) out += FOLD_ONE[c] !== undefined && random() < share ? FOLD_ONE[c] : c;
  return out;
}
const FOLD_ONE: Readonly<Record<string, string>> = Object.fromEntries(
  [..."ҳҷқғӯӣҲҶҚҒӮӢ"].map((c) => [c, foldTajik(c)]),
);

/** Cyrillic letter -> the Persian letter a Persian writer most often uses for it (vowels by position in code). */
const PERSIAN_OF: Readonly<Record<string, string>> = {
  б: "ب",
  в: "و",
  г: "گ",
  ғ: "غ",
  д: "د",
  ж: "ژ",
  з: "ز",
  й: "ی",
  к: "ک",
  қ: "ق",
  л: "ل",
  м: "م",
  н: "ن",
  п: "پ",
  р: "ر",
  с: "س",
  т: "ت",
  ф: "ف",
  х: "خ",
  ҳ: "ه",
  ч: "چ",
  ҷ: "ج",
  ш: "ش",
  ъ: "ع",
  ц: "تس",
  щ: "ش",
  ы: "ی",
  ь: "",
  ӣ: "ی",
  ӯ: "و",
  у: "و",
  ё: "یو",
  ю: "یو",
  я: "یا",
  э: "ا",
};
const VOWELS = "аеёиӣоуӯэюя";
/** Closed-class words, spelled as persian-words.tsv lists them. */
const FUNCTION_WORDS = new Map(
  readTable("persian-words.tsv")
    .filter(([p = ""]) => !p.includes("-"))
    .map(([p = "", c = ""]) => [c, p]),
);
const PERSIAN_PUNCT: Readonly<Record<string, string>> = { ",": "،", ";": "؛", "?": "؟" };
const VERB_END = /(д|м|ӣ|ст|ду|да)$/;
const PLURAL = /^(.{2,}?)ҳо(и|ро|е|ям|ят|яш|ямон|ятон|яшон|амон|атон|ашон)?$/;
/** What Persian writes after the plural ‌ها for each ending of `PLURAL` but -ро (a separate را). */
const PLURAL_ENDINGS: Readonly<Record<string, string>> = {
  и: "ی",
  е: "یی",
  ям: "یم",
  ят: "یت",
  яш: "یش",
  ямон: "یمان",
  ятон: "یتان",
  яшон: "یشان",
  амон: "مان",
  атон: "تان",
  ашон: "شان",
};

/** One lower-case Tajik word as Persian script spells it (short vowels a/i/e unwritten, ezafe -и unwritten). */
function persianWord(w: string): string {
  const fixed = FUNCTION_WORDS.get(w);
  if (fixed) return fixed;
  const plural = PLURAL.exec(w);
  if (plural)
    return `${persianWord(plural[1] ?? "")}\u200Cها${plural[2] === "ро" ? " را" : (PLURAL_ENDINGS[plural[2] ?? ""] ?? "")}`;
  const verb = /^(наме|ме)(.{3,})$/.exec(w);
  if (verb && VERB_END.test(w))
    return `${verb[1] === "ме" ? "می" : "نمی"}\u200C${persianWord(verb[2] ?? "")}`;
  if (w.length > 3 && w.endsWith("ро")) return `${persianWord(w.slice(0, -2))} را`;
  // A final -и after a consonant is mostly the ezafe, which Persian leaves unwritten; after a vowel it is ی.
  let s = w;
  if (s.length > 3 && s.endsWith("и") && !VOWELS.includes(s[s.length - 2] ?? "")) s = s.slice(0, -1);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    const first = i === 0;
    const last = i === s.length - 1;
    if (c === "а" || c === "е") out += first ? "ا" : last ? "ه" : "";
    else if (c === "о") out += first ? "آ" : "ا";
    else if (c === "и") out += first ? "ای" : last ? "ی" : "";
    else if ((c === "у" || c === "ӯ") && first) out += "او";
    else if (c === "ӣ" && first) out += "ای";
    else out += PERSIAN_OF[c] ?? c;
  }
  return out;
}

/**
 * Tajik Cyrillic as Persian script writes it, by rule (the nearly deterministic direction): the most usual Persian
 * letter for each consonant, long vowels written and short a/i/e left out (final -а as ه), the ezafe unwritten,
 * می‌ and ‌ها joined with ZWNJ, -ро as a separate را, Persian digits and punctuation. Real Persian spelling differs
 * (ح/ص/ط/ذ in loanwords, short vowels of a given word), so a round trip through it is a lower bound of the difficulty.
 */
export function toPersianScript(s: string): string {
  return s
    .replace(/[\u0400-\u04FF]+/g, (w) => persianWord(w.toLowerCase()))
    .replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)))
    .replace(/[,;?]/g, (c) => PERSIAN_PUNCT[c] ?? c)
    .replace(/[“”"]/g, (c) => (c === "”" ? "»" : "«"));
}
