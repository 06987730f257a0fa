import { francAll } from "franc";
import { RUSSIAN_FUNCTION_WORDS } from "./russian-words.js";

/** Language codes this project tells apart (ISO 639-3), and `und` for too little text. */
export const LANGS = ["tgk", "rus", "uzn", "kaz", "kir", "tat", "pes", "prs", "eng"] as const;
/** A language code from LANGS or `und`. */
export type Lang = (typeof LANGS)[number] | "und";

/** What language ID says about a text. */
export interface LangResult {
  lang: Lang;
  /** Confidence in `lang`, 0..1. */
  score: number;
  /** Probability that the text is Tajik, 0..1. */
  tgk: number;
  /** What decided: decisive letters alone, franc with letter evidence, or too little text. */
  by: "letters" | "franc" | "short";
}

const CYRILLIC_LANGS = ["tgk", "rus", "uzn", "kaz", "kir", "tat"];
const ARABIC_LANGS = ["pes", "prs"];
const LATIN_LANGS = ["eng", "uzn"];

const TAJIK_WORDS = new Set([
  "ва",
  "дар",
  "аз",
  "ба",
  "ки",
  "бо",
  "аст",
  "ин",
  "он",
  "ҳам",
  "барои",
  "мебошад",
  "буд",
  "шуд",
  "карда",
  "мешавад",
  "низ",
  "ҳар",
  "як",
]);
const UZBEK_WORDS = new Set([
  "билан",
  "учун",
  "бу",
  "ҳамда",
  "эса",
  "ёки",
  "барча",
  "ўз",
  "унинг",
  "бошқа",
  "керак",
  "мумкин",
  "эмас",
]);
// Uzbek genitive and plural endings.
const UZBEK_ENDING = /(?:нинг|лар|ларни|ларга|ларнинг)$/;
// Language ID also counts a few pronouns and conjunctions that letter restoration does not need.
const RUSSIAN_WORDS = new Set([...RUSSIAN_FUNCTION_WORDS, "но", "все", "его", "их", "мы", "вы", "я"]);

/** Letter evidence of a text, counted in one pass. */
interface Evidence {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  tajikOnly: number; // ӣ ӯ ҷ
  tajikShared: number; // ҳ қ ғ (Uzbek has them too)
  uzbek: number; // ў
  turkic: number; // ә ө ү ң ұ җ һ і (Kazakh, Kyrgyz, Tatar)
  russian: number; // ы щ
  soft: number; // ь (Russian; Tajik only in older Russian loanwords)
}

function evidence(text: string): Evidence {
  const e: Evidence = {
    letters: 0,
    cyrl: 0,
    arab: 0,
    latn: 0,
    tajikOnly: 0,
    tajikShared: 0,
    uzbek: 0,
    turkic: 0,
    russian: 0,
    soft: 0,
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0;
    if (c < 0x41) continue;
    if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
    ) {
      e.latn++;
    } else if (c >= 0x400 && c <= 0x52f) {
      e.cyrl++;
      if (c === 0x4e3 || c === 0x4e2 || c === 0x4ef || c === 0x4ee || c === 0x4b7 || c === 0x4b6)
        e.tajikOnly++;
      else if (c === 0x4b3 || c === 0x4b2 || c === 0x49b || c === 0x49a || c === 0x493 || c === 0x492)
        e.tajikShared++;
      else if (c === 0x45e || c === 0x40e) e.uzbek++;
      else if (c === 0x44b || c === 0x449 || c === 0x42b || c === 0x429) e.russian++;
      else if (c === 0x44c || c === 0x42c) e.soft++;
      else if (
        c === 0x4d9 ||
        c === 0x4d8 ||
        c === 0x4e9 ||
        c === 0x4e8 ||
        c === 0x4af ||
        c === 0x4ae ||
        c === 0x4a3 ||
        c === 0x4a2 ||
        c === 0x4b1 ||
        c === 0x4b0 ||
        c === 0x497 ||
        c === 0x496 ||
        c === 0x4bb ||
        c === 0x4ba ||
        c === 0x456 ||
        c === 0x406
      )
        e.turkic++;
    } else if ((c >= 0x620 && c <= 0x6d3) || (c >= 0xfb50 && c <= 0xfeff)) e.arab++;
    else continue;
    e.letters++;
  }
  return e;
}

/** Function-word counts: Tajik, Russian and Uzbek (words and endings). */
function functionWords(text: string): { tajik: number; russian: number; uzbek: number } {
  let tajik = 0;
  let russian = 0;
  let uzbek = 0;
  // franc reads the first 2048 characters; the words counted beside it need no more than twice that.
  for (const m of text
    .slice(0, 4096)
    .toLowerCase()
    .matchAll(/[\u0400-\u04FF]+/g)) {
    if (TAJIK_WORDS.has(m[0])) tajik++;
    else if (RUSSIAN_WORDS.has(m[0])) russian++;
    else if (UZBEK_WORDS.has(m[0]) || UZBEK_ENDING.test(m[0])) uzbek++;
  }
  return { tajik, russian, uzbek };
}

/** franc's ranking turned into probabilities (its scores are 1 for the best and relative below that). */
function francProbabilities(text: string, only: string[]): Map<string, number> {
  const ranked = francAll(text, { only, minLength: 3 });
  const p = new Map<string, number>();
  let sum = 0;
  for (const [lang, score] of ranked) {
    if (lang === "und") continue;
    const v = Math.exp(12 * score);
    p.set(lang, v);
    sum += v;
  }
  for (const [k, v] of p) p.set(k, v / sum);
  return p;
}

function best(p: Map<string, number>): [Lang, number] {
  let lang: Lang = "und";
  let score = 0;
  for (const [k, v] of p) {
    if (v > score) {
      lang = k as Lang;
      score = v;
    }
  }
  return [lang, score];
}

/** Share of ӣ ӯ ҷ among Cyrillic letters above which a text with few other-language letters is Tajik (about 2-3%
 * in running Tajik, so a page with some Russian lines still passes). */
const TAJIK_ONLY_DENSITY = 0.01;

/**
 * The decision letters (and, for lines, function words) alone can make: Tajik-only letters (ӣ ӯ ҷ) with next to no
 * Uzbek, Kazakh, Kyrgyz or Tatar ones; or Russian-only letters (ы щ) with no Tajik, Uzbek or Turkic ones; or, for a
 * line, ҳ қ ғ or Tajik function words (or a Tajik document around it) with no letter or word of another language.
 * Anything else goes to franc.
 */
function byLetters(e: Evidence, line?: string, docLang?: Lang): LangResult | undefined {
  const other = e.uzbek + e.turkic;
  const density = e.tajikOnly / Math.max(1, e.cyrl);
  if (e.tajikOnly > 0 && other * 10 <= e.tajikOnly && (e.russian === 0 || density >= TAJIK_ONLY_DENSITY)) {
    const tgk = Math.min(0.99, 0.8 + 10 * density);
    return { lang: "tgk", score: tgk, tgk, by: "letters" };
  }
  if (e.russian > 0 && e.tajikOnly + e.tajikShared + other === 0 && e.russian * 100 >= e.cyrl) {
    return { lang: "rus", score: 0.99, tgk: 0.01, by: "letters" };
  }
  if (line !== undefined && other + e.russian === 0 && e.cyrl > e.letters / 2) {
    const fw = functionWords(line);
    const tajikish = e.tajikShared > 0 || fw.tajik > 0 || (docLang === "tgk" && e.soft === 0);
    if (fw.russian + fw.uzbek === 0 && tajikish) {
      return { lang: "tgk", score: 0.9, tgk: 0.9, by: "letters" };
    }
  }
  return undefined;
}

/**
 * Identifies the language of a text (run it after repair, so damaged Tajik is still Tajik): letters alone decide
 * when they are decisive (ӣ ӯ ҷ and nothing of Uzbek, Kazakh, Kyrgyz, Tatar or Russian), else franc restricted to
 * the languages that occur here, weighted by letter and function-word evidence.
 */
export function identifyLanguage(text: string): LangResult {
  const e = evidence(text);
  if (e.letters < 3) return { lang: "und", score: 0, tgk: 0, by: "short" };
  if (e.arab > e.letters / 2) {
    const [lang, score] = best(francProbabilities(text, ARABIC_LANGS));
    return { lang, score, tgk: 0, by: "franc" };
  }
  if (e.latn > e.letters / 2) {
    const [lang, score] = best(francProbabilities(text, LATIN_LANGS));
    return { lang, score, tgk: 0, by: "franc" };
  }
  const decided = byLetters(e);
  if (decided) return decided;
  const p = francProbabilities(text, CYRILLIC_LANGS);
  const scale = (lang: string, f: number) => p.set(lang, (p.get(lang) ?? 0) * f);
  if (e.tajikOnly > 0) scale("tgk", 4);
  if (e.tajikShared > 0) {
    scale("tgk", 2);
    scale("uzn", 2);
    scale("rus", 0.2);
  }
  if (e.uzbek > 0) {
    scale("uzn", 4);
    scale("tgk", 0.3);
  }
  if (e.turkic > 0) for (const l of ["kaz", "kir", "tat"]) scale(l, 4);
  if (e.russian > 0) {
    scale("rus", 3);
    scale("tgk", 0.3);
  }
  const fw = functionWords(text);
  scale("tgk", 1 + fw.tajik);
  scale("rus", 1 + fw.russian);
  scale("uzn", 1 + fw.uzbek);
  let sum = 0;
  for (const v of p.values()) sum += v;
  for (const [k, v] of p) p.set(k, v / sum);
  const [lang, score] = best(p);
  return { lang, score, tgk: p.get("tgk") ?? 0, by: "franc" };
}

/** Lines shorter than this (in letters) take the document's language unless their letters decide. */
const SHORT_LINE = 20;

/** Per-line languages of a text (one per line, `und` for lines without letters); short lines follow `docLang`. */
export function identifyLines(text: string, docLang: Lang): Lang[] {
  return text.split("\n").map((line) => {
    const e = evidence(line);
    if (e.letters === 0) return "und";
    if (e.letters < SHORT_LINE) {
      if (e.tajikOnly > 0 && e.uzbek + e.turkic + e.russian === 0) return "tgk";
      if (e.russian > 0 && e.tajikOnly + e.tajikShared === 0) return "rus";
      return docLang;
    }
    return (byLetters(e, line, docLang) ?? identifyLanguage(line)).lang;
  });
}

/** The ISO 639-3 macrolanguage of a code (uzn -> uzb, pes/prs -> fas), as `soro langid` prints it. */
export function macroLanguage(lang: Lang): string {
  return lang === "uzn" ? "uzb" : lang === "pes" || lang === "prs" ? "fas" : lang;
}
