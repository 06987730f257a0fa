import type { ChangeLog } from "./changes.js";
import type { Lexicon } from "./lexicon.js";
import { readTable } from "./tables.js";
import { codeMap } from "./word-table.js";

export interface Tables {
  letter: Map<string, { cyr: string; cls: string }>;
  cyr: Map<string, { cls: string; persian: string; unwritten: number }>;
  words: Map<string, string>;
  prefixes: [string, string][];
  suffixes: [string, string][];
  /** Each Cyrillic code unit's skeleton class, 0 for none (see `cyrillicSkeleton`). */
  skeleton: Uint16Array;
}

let tables: Tables | undefined;
const indexes = new WeakMap<Lexicon, Map<string, { word: string; count: number }[]>>();

/** The Persian letter, Cyrillic skeleton and closed-class word tables (read once). */
export function persianTables(): Tables {
  tables ??= load();
  return tables;
}

function load(): Tables {
  const letter = new Map(
    readTable("persian.tsv").map(([p = "", c = "", k = "-"]) => [p, { cyr: c, cls: k }]),
  );
  const cyr = new Map(
    readTable("cyrillic-skeleton.tsv").map(([c = "", k = "-", p = "", u = "1"]) => [
      c,
      { cls: k, persian: p, unwritten: Number(u) },
    ]),
  );
  const words = new Map<string, string>();
  const prefixes: [string, string][] = [];
  const suffixes: [string, string][] = [];
  for (const [p = "", c = ""] of readTable("persian-words.tsv")) {
    if (p.endsWith("-")) prefixes.push([p.slice(0, -1), c]);
    else if (p.startsWith("-")) suffixes.push([p.slice(1), c]);
    else words.set(p, c);
  }
  suffixes.sort((a, b) => b[0].length - a[0].length);
  const skeleton = codeMap(
    [...cyr].flatMap(([c, { cls }]) => (cls && cls !== "-" ? [[c, cls] as [string, string]] : [])),
    true,
  );
  return { letter, cyr, words, prefixes, suffixes, skeleton };
}

/** Persian letters written differently on Arabic keyboards, and diacritics, folded to one Persian form. */
export function foldPersian(word: string): string {
  return word
    .replace(/ي/g, "ی")
    .replace(/ى/g, "ی")
    .replace(/ك/g, "ک")
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "");
}

export function persianSkeleton(word: string, t: Tables): string {
  let k = "";
  for (const c of word) {
    const cls = t.letter.get(c)?.cls;
    if (cls && cls !== "-") k += cls;
  }
  return k;
}

/** The consonant classes of a Cyrillic word that its Persian spelling shares (`TajikModel.groups` keys words by it). */
export function cyrillicSkeleton(word: string, t: Tables): string {
  let k = "";
  for (let i = 0; i < word.length; i++) {
    const c = t.skeleton[word.charCodeAt(i)] ?? 0;
    if (c !== 0) k += String.fromCharCode(c);
  }
  return k;
}

/** Lexicon words by consonant skeleton, most frequent first (built once per lexicon). */
function skeletonIndex(lexicon: Lexicon, t: Tables) {
  let index = indexes.get(lexicon);
  if (!index) {
    index = new Map();
    for (const [word, count] of lexicon.counts) {
      const k = cyrillicSkeleton(word, t);
      const list = index.get(k);
      if (list) list.push({ word, count });
      else index.set(k, [{ word, count }]);
    }
    for (const list of index.values()) list.sort((a, b) => b.count - a.count).splice(400);
    indexes.set(lexicon, index);
  }
  return index;
}

/**
 * Whether a ه at the end of the Persian word `P` may write a vowel (خانه хона, میوه мева): not after alif (ماه моҳ,
 * راه роҳ). Before a word's end ه is always ҳ (جهان ҷаҳон, بهتر беҳтар).
 */
function finalHeMayBeVowel(P: readonly string[]): boolean {
  return !"اآ".includes(P[P.length - 2] ?? "");
}

/**
 * Cost of a Persian letter with no Cyrillic counterpart: vowel carriers are cheap, consonants are not (`vowel`: a ه
 * there may write a vowel, see `finalHeMayBeVowel`).
 */
function unmatchedPersian(p: string, vowel: boolean): number {
  return p === "ه" ? (vowel ? 0.4 : 1.2) : p === "ع" || p === "ء" ? 0.3 : "اوی".includes(p) ? 0.6 : 1.2;
}

const EDGE_VOWEL = 0.8;
const FINAL_I = 0.3;
/** How much frequency counts against alignment cost when ranking lexicon words. */
const FREQ_WEIGHT = 0.1;

/** Alignment cost between a Persian spelling and a Cyrillic word (0: the usual spelling of that word). */
export function alignCost(persian: string, cyr: string, t: Tables): number {
  const P = [...persian];
  const C = [...cyr];
  const vowelEnd = finalHeMayBeVowel(P);
  let prev = new Array<number>(P.length + 1);
  prev[0] = 0;
  for (let j = 1; j <= P.length; j++)
    prev[j] = (prev[j - 1] ?? 0) + unmatchedPersian(P[j - 1] ?? "", j === P.length && vowelEnd);
  for (let i = 1; i <= C.length; i++) {
    const info = t.cyr.get(C[i - 1] ?? "");
    // Persian writes a word's first and last vowel (ا, ه, ی, و), so leaving one out there costs more.
    const unwritten = (info?.unwritten ?? 1) + (i === 1 || i === C.length ? EDGE_VOWEL : 0);
    const cur = new Array<number>(P.length + 1);
    cur[0] = (prev[0] ?? 0) + unwritten;
    for (let j = 1; j <= P.length; j++) {
      const p = P[j - 1] ?? "";
      const vowelHe = j === P.length && vowelEnd;
      // Alif carries а и у е only at the start of a word (اگر, ایران, او); inside it is о, ё or я.
      const alifOk = p !== "ا" || i === 1 || "оёя".includes(C[i - 1] ?? "");
      const heOk = p !== "ه" || vowelHe || !"ае".includes(C[i - 1] ?? "");
      // A final ی is mostly a long ī (-ӣ); a final и is mostly the ezafe, which Persian does not write.
      const last = i === C.length && j === P.length;
      const finalI = last && p === "ی" && "ией".includes(C[i - 1] ?? "") ? FINAL_I : 0;
      const match = alifOk && heOk && info?.persian.includes(p) ? finalI : 1.5;
      cur[j] = Math.min(
        (prev[j - 1] ?? 0) + match,
        (prev[j] ?? 0) + unwritten,
        (cur[j - 1] ?? 0) + unmatchedPersian(p, vowelHe),
      );
    }
    prev = cur;
  }
  return prev[P.length] ?? 0;
}

/** The lexicon word whose usual Persian spelling is closest to `persian`, if one is close enough. */
function lookup(persian: string, lexicon: Lexicon, t: Tables): string | undefined {
  const list = skeletonIndex(lexicon, t).get(persianSkeleton(persian, t));
  if (!list) return undefined;
  let best: string | undefined;
  let bestCost = 0.5 + persian.length * 0.1;
  for (const { word, count } of list) {
    const cost = alignCost(persian, word, t) - FREQ_WEIGHT * Math.log1p(count);
    if (cost < bestCost) {
      bestCost = cost;
      best = word;
    }
  }
  return best;
}

/** Letter-by-letter reading for words the lexicon lacks: long vowels from ا و ی, final ه as а, no short vowels. */
export function fallback(word: string, t: Tables): string {
  const P = [...word];
  let out = "";
  for (let i = 0; i < P.length; i++) {
    const c = P[i] ?? "";
    const first = i === 0;
    const last = i === P.length - 1;
    const prevVowel = i > 0 && "اآوی".includes(P[i - 1] ?? "");
    if (c === "ا") out += first ? (P[1] === "ی" || P[1] === "و" ? "" : "а") : "о";
    else if (c === "و") out += first || prevVowel ? "в" : "у";
    else if (c === "ی") out += first || prevVowel ? "й" : last ? "ӣ" : "и";
    else if (c === "ه") out += last && !first ? "а" : "ҳ";
    else if (c === "ع") out += first ? "" : "ъ";
    else out += t.letter.get(c)?.cyr ?? c;
  }
  return out;
}

/** One Persian word (no ZWNJ inside) in Cyrillic. */
function convertPart(word: string, lexicon: Lexicon, t: Tables): string {
  const fixed = t.words.get(word);
  if (fixed) return fixed.replace(/^-/, "");
  const hit = lookup(word, lexicon, t);
  if (hit) return hit;
  for (const [suffix, cyr] of t.suffixes) {
    if (word.length > suffix.length + 1 && word.endsWith(suffix)) {
      const stem = lookup(word.slice(0, -suffix.length), lexicon, t);
      if (stem) return stem + cyr;
    }
  }
  return fallback(word, t);
}

// Arabic-script letters, diacritics and ZWNJ (not the Arabic comma, semicolon and question mark).
const PERSIAN_WORD = /[\u0621-\u065F\u0670-\u06D3\u06FA-\u06FF\u200C]+/g;

/**
 * The skeleton lookup that converted Persian script before the decoder in persian-decode.ts; kept as the baseline
 * that scripts/accuracy.ts measures it against. Persian script to Tajik Cyrillic for one line. A word is looked up in the Tajik lexicon by its consonant skeleton,
 * the candidates ranked by how well their usual Persian spelling aligns with it and by frequency; affixes joined by
 * ZWNJ (می‌ ها) and listed suffixes are converted apart and attached as Tajik writes them; an explicit ezafe (ۀ, هٔ,
 * final kasra) becomes -и, a detached را joins the word before it; unknown words are read letter by letter.
 */
export function persianToCyrillic(line: string, lexicon: Lexicon, log: ChangeLog): string {
  tables ??= load();
  const t = tables;
  const out = line
    .replace(PERSIAN_WORD, (raw) => {
      const ezafe = /(ۀ|هٔ|\u0650)$/.test(raw);
      const word = foldPersian(raw.replace(/ۀ$/, "ه").replace(/ٔ$/, ""));
      if (word.replace(/\u200C/g, "").length === 0) return raw;
      const whole = word.replace(/\u200C/g, "");
      let cyr: string;
      if (t.words.has(whole) || !word.includes("\u200C")) cyr = convertPart(whole, lexicon, t);
      else {
        cyr = word
          .split("\u200C")
          .filter((p) => p.length > 0)
          .map((p, i, all) => {
            const pre = i < all.length - 1 ? t.prefixes.find(([f]) => f === p) : undefined;
            const suf = i > 0 ? t.suffixes.find(([f]) => f === p) : undefined;
            return pre?.[1] ?? suf?.[1] ?? convertPart(p, lexicon, t);
          })
          .join("");
      }
      return log.record("persian_script", raw, ezafe ? `${cyr}и` : cyr);
    })
    .replace(/ ро(?=[\s.,!?؟،؛]|$)/g, "ро")
    .replace(/،/g, ",")
    .replace(/؛/g, ";")
    .replace(/؟/g, "?");
  return out;
}
