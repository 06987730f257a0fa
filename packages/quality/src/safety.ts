import { readFileSync } from "node:fs";
import { type ColumnSpec, defined, FNV_OFFSET, FNV_PRIME } from "@soro/core";
import { fnvOf } from "./intern.js";
import type { LetterWords } from "./tokenize.js";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/**
 * Safety signals: adult, violent and extremist content and hate speech, scored from Tajik and Russian term lists
 * (data/safety/terms-*.tsv), and the category of the document's host (data/safety/hosts.tsv). Terms match whole
 * words; Tajik terms also with the language's suffixes, so `фоҳишаҳо` finds `фоҳиша` but `секстант` is not `секс`.
 */

/** The content categories, each a column `unsafe_<category>`. */
export const SAFETY_CATEGORIES = ["adult", "violence", "extremism", "hate"] as const;
export type SafetyCategory = (typeof SAFETY_CATEGORIES)[number];

/** Column specs of the safety signals, in output order. */
export const SAFETY_COLUMNS: ColumnSpec[] = [
  ...SAFETY_CATEGORIES.map(
    (c): ColumnSpec => ({
      name: `unsafe_${c}`,
      type: "DOUBLE",
      doc: `${c} score 0..1 from data/safety terms (1 - exp(-S/2), S the weighted term hits scaled by length)`,
    }),
  ),
  {
    name: "unsafe_host",
    type: "DOUBLE",
    doc: "1 when the URL's host is in data/safety/hosts.tsv or has adult words in its labels, else 0",
  },
  {
    name: "unsafe_host_category",
    type: "VARCHAR",
    doc: "the category of the host (adult, ...), NULL when none",
  },
  {
    name: "unsafe_terms",
    type: "VARCHAR[]",
    doc: "matched terms as `category:term×count` (first 12), for review",
  },
];

/** One entry of a term list. */
interface Term {
  category: SafetyCategory;
  weight: number;
  /** The term as written in the list (its key in the document's hits). */
  label: string;
}

/** The compiled term lists. */
interface TermIndex {
  /** Whole words; with `tajik`, Tajik suffixes are stripped to find them. */
  words: Map<string, { term: Term; tajik: boolean }>;
  /** Stems of `stem*` terms. */
  stems: Map<string, Term>;
  /** `stems` by the FNV-1a hash of the stem, so a word's prefixes are looked up without cutting them. */
  stemsByHash: Map<number, Array<{ stem: string; term: Term }>>;
  /** Phrases by their first word: the remaining words. */
  phrases: Map<string, Array<{ rest: string[]; term: Term }>>;
  /** The first three letters of every term, a cheap filter that most words fail. */
  heads: Set<string>;
  /** `heads` as bits by the FNV-1a hash of those letters: most forms fail it without a string being cut. */
  headBits: Uint8Array;
  minStem: number;
}

const dataFile = (name: string) => new URL(`../data/safety/${name}`, import.meta.url);

/** Lines of a data file without comments and blank lines, split on tabs. */
function tsvRows(name: string): string[][] {
  return readFileSync(dataFile(name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => l.split("\t").map((f) => f.trim()));
}

/** Tajik endings a noun or adjective can take after its stem (plural, ezafe, possessive, object, comparison). */
const TAJIK_SUFFIXES: Set<string> = (() => {
  const plural = ["", "ҳо", "он", "ён", "гон", "вон"];
  const middle = [
    "",
    "и",
    "йи",
    "ӣ",
    "е",
    "ам",
    "ат",
    "аш",
    "амон",
    "атон",
    "ашон",
    "ям",
    "ят",
    "яш",
    "тар",
    "тарин",
  ];
  const object = ["", "ро"];
  const out = new Set<string>();
  for (const p of plural) for (const m of middle) for (const o of object) if (p + m + o) out.add(p + m + o);
  return out;
})();
const MAX_SUFFIX = Math.max(...[...TAJIK_SUFFIXES].map((s) => s.length));
/** The suffixes by length and last unit (`length * 0x10000 + unit`): a word's endings are tested without cutting them. */
const SUFFIXES_BY_END = new Map<number, string[]>();
for (const suffix of TAJIK_SUFFIXES) {
  const key = suffix.length * 0x10000 + suffix.charCodeAt(suffix.length - 1);
  SUFFIXES_BY_END.set(key, [...(SUFFIXES_BY_END.get(key) ?? []), suffix]);
}

/** Whether `word` ends in a Tajik suffix of `k` units. */
function endsInSuffix(word: string, k: number): boolean {
  const candidates = SUFFIXES_BY_END.get(k * 0x10000 + word.charCodeAt(word.length - 1));
  return candidates?.some((suffix) => word.endsWith(suffix)) === true;
}

const HEAD_BITS = 1 << 16;

let index: TermIndex | null = null;
/** The shipped term lists, compiled once per thread. */
function termIndex(): TermIndex {
  if (index) return index;
  const idx: TermIndex = {
    words: new Map(),
    stems: new Map(),
    stemsByHash: new Map(),
    phrases: new Map(),
    heads: new Set(),
    headBits: new Uint8Array(HEAD_BITS),
    minStem: 99,
  };
  for (const [file, tajik] of [
    ["terms-tgk.tsv", true],
    ["terms-rus.tsv", false],
  ] as const) {
    for (const [category, weight, raw] of tsvRows(file)) {
      if (!SAFETY_CATEGORIES.includes(category as SafetyCategory) || !raw || !(Number(weight) > 0))
        throw new Error(
          `packages/quality/data/safety/${file}: bad line "${category}\t${weight}\t${raw}": write category<TAB>weight<TAB>term`,
        );
      const label = raw.toLowerCase();
      const term: Term = { category: category as SafetyCategory, weight: Number(weight), label };
      const parts = label.split(/\s+/);
      const first = defined(parts[0], `the first word of term "${label}"`);
      const head = first.slice(0, 3);
      idx.heads.add(head);
      idx.headBits[fnvOf(head) & (HEAD_BITS - 1)] = 1;
      if (parts.length > 1) {
        const list = idx.phrases.get(first) ?? [];
        list.push({ rest: parts.slice(1), term });
        idx.phrases.set(first, list);
      } else if (label.endsWith("*")) {
        const stem = label.slice(0, -1);
        idx.stems.set(stem, term);
        idx.minStem = Math.min(idx.minStem, stem.length);
      } else if (!idx.words.has(label)) idx.words.set(label, { term, tajik });
    }
  }
  for (const [stem, term] of idx.stems) {
    const h = fnvOf(stem);
    idx.stemsByHash.set(h, [...(idx.stemsByHash.get(h) ?? []), { stem, term }]);
  }
  index = idx;
  return idx;
}

/** Prefix hashes of the word `wordTerm` reads (scratch). */
let prefixHash = new Int32Array(64);

/** The single-word term a word is, if any: as written, with a Tajik ending taken off, or by a listed stem. */
function wordTerm(idx: TermIndex, word: string): Term | null {
  const exact = idx.words.get(word);
  if (exact) return exact.term;
  for (let k = 1; k <= Math.min(MAX_SUFFIX, word.length - 2); k++) {
    if (!endsInSuffix(word, k)) continue;
    const stem = word.slice(0, -k);
    const hit =
      idx.words.get(stem) ?? (stem.endsWith("и") ? idx.words.get(`${stem.slice(0, -1)}ӣ`) : undefined);
    if (hit?.tajik) return hit.term;
  }
  // The longest prefix that is a listed stem: prefix hashes first, then from the longest down.
  if (word.length < idx.minStem) return null;
  if (prefixHash.length < word.length + 1) prefixHash = new Int32Array(word.length * 2);
  let h = OFFSET;
  for (let k = 0; k < word.length; k++) {
    h = Math.imul(h ^ word.charCodeAt(k), PRIME);
    prefixHash[k + 1] = h;
  }
  for (let n = word.length; n >= idx.minStem; n--) {
    const found = idx.stemsByHash
      .get(prefixHash[n] as number)
      ?.find((c) => c.stem.length === n && word.startsWith(c.stem));
    if (found) return found.term;
  }
  return null;
}

/** Whether word `w` is the phrase word `p` (the last one may carry a Tajik ending). */
function phraseWordMatches(w: string, p: string, last: boolean): boolean {
  if (w === p) return true;
  return last && w.startsWith(p) && TAJIK_SUFFIXES.has(w.slice(p.length));
}

/**
 * Whether the words after word `i` are a phrase's `rest` (a top-level function: a closure over the loop's index in
 * `termHits` would give every word of every text a context of its own).
 */
function phraseFollows(words: LetterWords, i: number, rest: readonly string[]): boolean {
  const { ids } = words;
  for (let k = 0; k < rest.length; k++) {
    const j = i + 1 + k;
    const w = j < ids.length ? words.form(ids[j] as number) : "";
    if (!phraseWordMatches(w, rest[k] as string, k === rest.length - 1)) return false;
  }
  return true;
}

/**
 * The single-word term (or none) of forms already looked up in this thread: the same forms come back document after
 * document, and one lookup here costs less than `wordTerm`'s endings and stems. Cleared when it reaches its bound.
 */
const knownWordTerms = new Map<string, Term | null>();
const KNOWN_WORD_TERMS = 1 << 16;

/** Term hits of a word sequence: term → count. */
export function termHits(words: LetterWords): Map<Term, number> {
  const idx = termIndex();
  const hits = new Map<Term, number>();
  const { ids, text, starts, ends } = words;
  // Whether each form's first three letters start a term, tested once per form on the text's units: most forms
  // fail the bits, so few are cut as strings.
  const head = new Uint8Array(words.formCount);
  for (let id = 0; id < head.length; id++) {
    const start = starts[id] as number;
    const end = Math.min(ends[id] as number, start + 3);
    let h = OFFSET;
    for (let k = start; k < end; k++) h = Math.imul(h ^ text.charCodeAt(k), PRIME);
    head[id] = idx.headBits[h & (HEAD_BITS - 1)] === 1 && idx.heads.has(text.slice(start, end)) ? 1 : 0;
  }
  // The single-word term of each form, found at its first occurrence (undefined: not looked up yet).
  const single: Array<Term | null | undefined> = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (head[id] === 0) continue;
    const w = words.form(id);
    let term: Term | null = null;
    for (const ph of idx.phrases.get(w) ?? []) {
      if (phraseFollows(words, i, ph.rest)) {
        term = ph.term;
        break;
      }
    }
    if (term === null) {
      let t = single[id];
      if (t === undefined) {
        t = knownWordTerms.get(w);
        if (t === undefined) {
          t = wordTerm(idx, w);
          if (knownWordTerms.size >= KNOWN_WORD_TERMS) knownWordTerms.clear();
          // A copy as the key: a form is cut from its document, and the engine may keep a slice's whole text alive.
          knownWordTerms.set(w.split("").join(""), t);
        }
        single[id] = t;
      }
      term = t;
    }
    if (term) hits.set(term, (hits.get(term) ?? 0) + 1);
  }
  return hits;
}

/** Words over which term evidence keeps full strength; longer texts need proportionally denser hits. */
const SCORE_WORDS = 300;

/**
 * Category scores from term hits: S = Σ weight × (1 + ln count) over distinct terms, divided by sqrt(words / 300)
 * for texts longer than 300 words, then 1 − exp(−S/2). One unambiguous term once gives 0.39; three of them twice
 * each in a short text give 0.92.
 */
export function categoryScores(hits: Map<Term, number>, words: number): Record<SafetyCategory, number> {
  const sums: Record<SafetyCategory, number> = { adult: 0, violence: 0, extremism: 0, hate: 0 };
  for (const [t, n] of hits) sums[t.category] += t.weight * (1 + Math.log(n));
  const scale = Math.sqrt(Math.max(1, words / SCORE_WORDS));
  const out = { ...sums };
  for (const c of SAFETY_CATEGORIES) out[c] = 1 - Math.exp(-sums[c] / scale / 2);
  return out;
}

let hosts: Map<string, string> | null = null;
/** Listed hosts and their category (data/safety/hosts.tsv). */
function hostList(): Map<string, string> {
  hosts ??= new Map(
    tsvRows("hosts.tsv").map((row): [string, string] => {
      const [category, host] = row;
      if (!category || !host)
        throw new Error(
          `packages/quality/data/safety/hosts.tsv: bad line "${row.join("\t")}": write category<TAB>host`,
        );
      return [host.toLowerCase(), category];
    }),
  );
  return hosts;
}

/** Host labels that name adult content whatever the site (split on . and -). */
const ADULT_LABELS = new Set([
  "porn",
  "porno",
  "xxx",
  "sex",
  "sexy",
  "hentai",
  "erotic",
  "erotica",
  "nude",
  "escort",
  "порно",
  "секс",
]);

/** The category of a URL's host: listed (itself or a parent domain), or adult by its labels; null otherwise. */
export function hostCategory(url: string | null | undefined): string | null {
  if (!url) return null;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  const list = hostList();
  for (let h = host; h.includes("."); h = h.slice(h.indexOf(".") + 1)) {
    const c = list.get(h);
    if (c) return c;
  }
  const labels = host.replace(/^www\./, "").split(/[.-]/);
  return labels.some((l) => ADULT_LABELS.has(l) || /^(?:porn|xxx)/.test(l)) ? "adult" : null;
}

/** Every safety column of a text (its words from `letterWords`) and URL. */
export function safetySignals(words: LetterWords, url?: string | null): Record<string, unknown> {
  const hits = termHits(words);
  const scores = categoryScores(hits, words.ids.length);
  const host = hostCategory(url);
  // A literal in SAFETY_COLUMNS' order: keys built per document cost a string and a lookup each, every row.
  const categories: Record<`unsafe_${SafetyCategory}`, number> = {
    unsafe_adult: scores.adult,
    unsafe_violence: scores.violence,
    unsafe_extremism: scores.extremism,
    unsafe_hate: scores.hate,
  };
  return {
    ...categories,
    unsafe_host: host ? 1 : 0,
    unsafe_host_category: host,
    unsafe_terms: [...hits]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([t, n]) => `${t.category}:${t.label}×${n}`),
  };
}
