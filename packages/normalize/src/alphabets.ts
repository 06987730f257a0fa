import { data } from "franc-all/data.js";

/**
 * What letters each Cyrillic language writes, beyond and within the Russian alphabet: letter evidence for language
 * ID. Read after legacy-font repair: Tajik "…Tj" fonts put ҳ ҷ қ ғ ӣ ӯ in the slots of њ љ ќ ѓ ї ў (and other fonts
 * in і ѕ), so before repair those letters say nothing about Serbian, Macedonian or Ukrainian.
 */

/** Letters of the Russian alphabet (lower case). */
const RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";

/**
 * Letters outside the Russian alphabet that each language writes (the issue's lists, the languages' standard
 * alphabets). Letters a language's own trigram model holds are added when the table is built, so this list needs
 * only what a 300-trigram model can miss.
 */
const EXTRA: Record<string, string> = {
  tgk: "ғӣқӯҳҷ",
  uzn: "ўқғҳ",
  kaz: "әғқңөұүһі",
  kir: "ңөү",
  tat: "әөүҗңһ",
  bak: "әөүҙҡғңҫһ",
  khk: "өү",
  ukr: "єіїґʼ'",
  bel: "іў'",
  srp: "ђјљњћџ",
  bos: "ђјљњћџ",
  mkd: "ѓѕјљњќџѐѝ",
  bul: "ѝ",
  azj: "әғјҝөүһҹ",
  kaa: "әғқңөүўҳ",
  tuk: "әҗңөү",
  kjh: "іғңҷӧӱ",
  cjs: "ғқңӧӱі",
  alt: "јҥӧӱ",
  chv: "ӑӗҫӳ",
  sah: "ҕҥөһү",
  tyv: "ңөү",
  koi: "іӧ",
  oss: "ӕ",
  kbd: "ӏі",
  ady: "ӏі",
  abk: "ҕҟҧҩҭҳҵҷҽҿәӡџ",
  evn: "ӈӣӯ",
  eve: "ӈӣӯөҥһ",
  gld: "ӈӣӯӧ",
  oaa: "ӈӣӯӧӡј",
  nio: "ӈәүҫ",
  niv: "ӄӈғқӻӿ",
  yrk: "ӈ",
  ykg: "ҕҥөԝ",
};

/**
 * Russian letters a language does not write at all (Ukrainian has no ы э ъ ё, Serbian and Macedonian no й щ ы ь э ю
 * я ...): one of them in a text counts against the language as much as a foreign letter.
 */
const LACKS: Record<string, string> = {
  ukr: "ёъыэ",
  bel: "ищъ",
  bul: "ёыэ",
  mkd: "ёйщъыьэюя",
  srp: "ёйщъыьэюя",
  bos: "ёйщъыьэюя",
};

/** Russian letters that a language writes only in Russian loanwords: weak evidence against it. */
const LOANS: Record<string, string> = {
  tgk: "цщыь",
  uzn: "цщыь",
};

/** How a letter bears on a language: written natively, only in loanwords, or never. */
export enum Fit {
  Native = 0,
  Loan = 1,
  Foreign = 2,
}

/**
 * Letters that mark a language in running text, with roughly how many of its letters they are (ғ ӣ қ ӯ ҳ ҷ are
 * about 5% of Tajik letters, ө ү about 8% of Mongolian). A text of many letters with none of them is unlikely to be
 * that language: Kyrgyz without ң ө ү, Ukrainian without і.
 */
const SIGNATURE: Record<string, [string, number]> = {
  tgk: ["ғӣқӯҳҷ", 0.045],
  uzn: ["ўқғҳ", 0.04],
  kaz: ["әғқңөұүһі", 0.09],
  kir: ["ңөү", 0.06],
  tat: ["әөүҗңһ", 0.06],
  bak: ["әөүҙҡғңҫһ", 0.08],
  khk: ["өү", 0.07],
  ukr: ["іїєґ", 0.06],
  bel: ["іў", 0.08],
  srp: ["ђјљњћџ", 0.03],
  mkd: ["ѓѕјљњќџ", 0.04],
  bul: ["ъ", 0.02],
};

/** The Cyrillic letters (lower case) whose fit differs between languages, and every language's fit for each. */
export interface AlphabetTable {
  /** letter code -> fit per language (same order as `langs`). */
  fit: Map<number, Uint8Array>;
  /** letter code -> 1 for each language whose signature holds the letter. */
  signature: Map<number, Uint8Array>;
  /** Per language, log(1 - share of signature letters): the evidence per letter when none occurs (0: no signature). */
  absent: Float64Array;
  langs: string[];
}

/** Builds the letter table for a list of languages; `modelLetters` gives the letters each trigram model holds. */
export function alphabetTable(langs: string[], modelLetters: (lang: string) => string): AlphabetTable {
  const letters = new Set<string>(RUSSIAN);
  for (const l of langs) for (const c of `${EXTRA[l] ?? ""}${modelLetters(l)}`) letters.add(c);
  const fit = new Map<number, Uint8Array>();
  for (const c of letters) {
    const code = c.charCodeAt(0);
    if (code < 0x400 || code > 0x52f) continue;
    const row = new Uint8Array(langs.length);
    langs.forEach((l, i) => {
      const native = RUSSIAN.includes(c)
        ? !(LACKS[l] ?? "").includes(c)
        : `${EXTRA[l] ?? ""}${modelLetters(l)}`.includes(c);
      row[i] = (LOANS[l] ?? "").includes(c) ? Fit.Loan : native ? Fit.Native : Fit.Foreign;
    });
    // A letter every language writes natively says nothing.
    if (row.some((f) => f !== Fit.Native)) fit.set(code, row);
  }
  const signature = new Map<number, Uint8Array>();
  const absent = new Float64Array(langs.length);
  langs.forEach((l, i) => {
    const sig = SIGNATURE[l];
    if (!sig) return;
    absent[i] = Math.log(1 - sig[1]);
    for (const c of sig[0]) {
      const code = c.charCodeAt(0);
      const row = signature.get(code) ?? new Uint8Array(langs.length);
      row[i] = 1;
      signature.set(code, row);
    }
  });
  return { fit, signature, absent, langs };
}

/** Languages that letters alone name, having no trigram model (Bashkir: ҙ ҡ are its own). */
export const LETTER_ONLY: Record<string, string> = { bak: "ҙҡ" };

let cyrillic: AlphabetTable | undefined;

/**
 * The letter table of the Cyrillic candidates: franc-all's Cyrillic languages in the order of the Cyrillic trigram
 * index (sorted), each with the letters of its trigrams, then the letter-only languages.
 */
export function cyrillicAlphabet(): AlphabetTable {
  if (cyrillic) return cyrillic;
  const models = data.Cyrillic ?? {};
  const langs = [...Object.keys(models).sort(), ...Object.keys(LETTER_ONLY)];
  cyrillic = alphabetTable(langs, (l) => models[l] ?? "");
  return cyrillic;
}

let silent: Uint8Array | undefined;

/**
 * Per lower-case Cyrillic letter (U+0400..U+052F, at code - 0x400): 1 when its count is no evidence for or against any
 * Cyrillic candidate (every one writes it natively, it is no language's signature and names no letter-only
 * language), as most Tajik letters are; language ID does not count those.
 */
export function silentLetters(): Uint8Array {
  if (silent) return silent;
  const table = cyrillicAlphabet();
  const only = Object.values(LETTER_ONLY).join("");
  silent = new Uint8Array(0x130);
  for (let k = 0; k < 0x130; k++) {
    const code = 0x400 + k;
    const c = String.fromCharCode(code);
    if (!table.fit.has(code) && !table.signature.has(code) && !only.includes(c)) silent[k] = 1;
  }
  return silent;
}
