import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

/**
 * Tajik against its Cyrillic neighbours, letter by letter: two character 4-gram models over words (Witten-Bell
 * interpolation, `^` before and `$` after each word), one counted from Tajik reference text and one from the UDHR
 * translations of every other Cyrillic language franc-all knows (data/SOURCES.md, scripts/build-char-model.ts).
 * Neither has seen the UI strings language ID is measured on. Language ID reads the mean log-likelihood ratio per
 * letter as evidence for Tajik: it tells Tajik's endings and stems (-кунии, -ҳо, -ро, izafet -и after a consonant,
 * иловагӣ, берун) from Russian ones even in lines made of Russian loans, where the trigram profiles (trained on UDHR
 * alone) read Russian.
 */

/** Context letters of the models (a 4-gram model). */
export const CHAR_ORDER = 4;
export const CHAR_MODEL_FILE = new URL("../data/tajik-char-model.tsv.gz", import.meta.url);

const BOS = "^";
const EOS = "$";
/** Ids of the word boundaries (charModelFromCounts gives them first). */
const BOS_ID = 2;
const EOS_ID = 3;
/** Letters the models do not know share one id; ids fit in 7 bits, so a 4-gram is one 28-bit integer. */
const UNKNOWN = 1;
const BITS = 7;

/** n-gram counts of the two models: key (context letters then the letter) -> [tajik, other]. */
export type CharCounts = Map<string, [number, number]>;

/** Cyrillic words of a text, lower-cased (anything else separates words). */
function cyrillicWords(text: string): string[] {
  return text.toLowerCase().match(/[\u0400-\u04ff]+/g) ?? [];
}

/**
 * Adds a text's n-grams (orders 1..CHAR_ORDER) to one side (0 Tajik, 1 other) of the counts, `weight` times;
 * `words` splits a line into the lower-case words a model reads (Cyrillic ones for the Tajik model).
 */
export function countCharNgrams(
  counts: CharCounts,
  lines: Iterable<string>,
  side: 0 | 1,
  weight = 1,
  words: (line: string) => string[] = cyrillicWords,
): void {
  for (const line of lines)
    for (const w of words(line)) {
      const s = BOS.repeat(CHAR_ORDER - 1) + w + EOS;
      for (let i = CHAR_ORDER - 1; i < s.length; i++)
        for (let k = 0; k < CHAR_ORDER; k++) {
          const g = s.slice(i - k, i + 1);
          const row = counts.get(g) ?? [0, 0];
          row[side] += weight;
          counts.set(g, row);
        }
    }
}

/** The counts as the shipped file: one `ngram<TAB>tajik<TAB>other` line each, sorted. */
export function formatCharCounts(counts: CharCounts, header: string): string {
  const rows = [...counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `${header}\n${rows.map(([g, [a, b]]) => `${g}\t${a}\t${b}`).join("\n")}\n`;
}

/**
 * Integer keys (never 0) to numbers in an open-addressing table: the scoring loop looks up one or two keys per
 * letter, and typed arrays with Fibonacci hashing are several times faster there than a Map. A slot is 16 bytes, its
 * key then its value, so a look-up reads one cache line (keys and values in arrays of their own cost a new word two
 * misses a letter). Sized for `capacity` keys; `set` adds or replaces one.
 */
export class KeyTable {
  /** Slot s's key at 4s. */
  private readonly keys: Int32Array;
  /** Slot s's value at 2s + 1. */
  private readonly values: Float64Array;
  private readonly bits: number;

  constructor(capacity: number) {
    let bits = 4;
    while (1 << bits < 2 * capacity) bits++;
    this.bits = bits;
    const slots = new ArrayBuffer(16 << bits);
    this.keys = new Int32Array(slots);
    this.values = new Float64Array(slots);
  }

  get size(): number {
    let n = 0;
    for (let at = 0; at < this.keys.length; at += 4) if (this.keys[at] !== 0) n++;
    return n;
  }

  set(key: number, value: number): void {
    const mask = (1 << this.bits) - 1;
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - this.bits);
    while (this.keys[4 * slot] !== 0 && this.keys[4 * slot] !== key) slot = (slot + 1) & mask;
    this.keys[4 * slot] = key;
    this.values[2 * slot + 1] = value;
  }

  /** The value of a key, or NaN when the table lacks it. */
  get(key: number): number {
    const mask = (1 << this.bits) - 1;
    for (let slot = Math.imul(key, 0x9e3779b1) >>> (32 - this.bits); ; slot = (slot + 1) & mask) {
      const k = this.keys[4 * slot] as number;
      if (k === key) return this.values[2 * slot + 1] as number;
      if (k === 0) return Number.NaN;
    }
  }
}

/** Log-likelihood ratios ready for scoring (see `charEvidence`). */
export interface CharModel {
  /** Letter -> id (0: not a letter of the models' alphabet, read as UNKNOWN). */
  ids: Map<number, number>;
  /** Letter id per lower-case code unit of U+0400..U+04FF (UNKNOWN for a letter neither side saw). */
  cyrillic: Uint8Array;
  /** n-gram key -> log P_tajik - log P_other of its last letter after its context (interpolated). */
  ngram: KeyTable;
  /**
   * context key + 1 -> log of the two models' back-off weights' ratio, for a context whose continuation neither
   * saw (+ 1: the empty context's key is 0).
   */
  backoff: KeyTable;
}

/** Reads counts (as written by formatCharCounts) into a model. */
export function charModelFromCounts(counts: CharCounts): CharModel {
  const ids = new Map<number, number>([
    [BOS.charCodeAt(0), BOS_ID],
    [EOS.charCodeAt(0), EOS_ID],
  ]);
  for (const g of counts.keys())
    for (let i = 0; i < g.length; i++) if (!ids.has(g.charCodeAt(i))) ids.set(g.charCodeAt(i), ids.size + 2);
  if (ids.size + 2 >= 1 << BITS)
    throw new Error(`${CHAR_MODEL_FILE.pathname}: more than ${(1 << BITS) - 3} letters`);
  // n-grams as integer keys in typed arrays (a load builds ~120k of them), shortest first and otherwise in the
  // counts' order, so a lower order is ready before the orders built on it.
  const n = counts.size;
  const byOrder: number[] = [];
  for (const g of counts.keys()) byOrder[g.length] = (byOrder[g.length] ?? 0) + 1;
  let at = 0;
  const orderStart = byOrder.map((k) => {
    const start = at;
    at += k ?? 0;
    return start;
  });
  const key = new Int32Array(n);
  const order = new Uint8Array(n);
  const countA = new Float64Array(n);
  const countB = new Float64Array(n);
  const idOf = new Uint8Array(0x10000);
  for (const [c, id] of ids) idOf[c] = id;
  for (const [g, c] of counts) {
    let k = 0;
    for (let i = 0; i < g.length; i++) k = (k << BITS) | (idOf[g.charCodeAt(i)] as number);
    const j = orderStart[g.length] as number;
    orderStart[g.length] = j + 1;
    key[j] = k;
    order[j] = g.length;
    countA[j] = c[0];
    countB[j] = c[1];
  }
  // Per context key and side: tokens after it and distinct letters after it (Witten-Bell), at 4 * its number.
  const contextOf = new KeyTable(n);
  const totals: number[] = [];
  const contexts: number[] = [];
  for (let j = 0; j < n; j++) {
    const ctx = (key[j] as number) >>> BITS;
    let t = contextOf.get(ctx + 1);
    if (Number.isNaN(t)) {
      t = contexts.length * 4;
      contextOf.set(ctx + 1, t);
      contexts.push(ctx);
      totals.push(0, 0, 0, 0);
    }
    const a = countA[j] as number;
    const b = countB[j] as number;
    totals[t] = (totals[t] as number) + a;
    totals[t + 1] = (totals[t + 1] as number) + b;
    if (a > 0) totals[t + 2] = (totals[t + 2] as number) + 1;
    if (b > 0) totals[t + 3] = (totals[t + 3] as number) + 1;
  }
  const uniform = 1 / (ids.size + 1);
  // Interpolated probability of an n-gram's last letter, per side: lambda * ML + (1 - lambda) * the lower order's.
  const side = (count: number, tokens: number, types: number, lower: number) =>
    tokens === 0 ? lower : (count + types * lower) / (tokens + types);
  const probA = new KeyTable(n);
  const probB = new KeyTable(n);
  const ngram = new KeyTable(n);
  for (let j = 0; j < n; j++) {
    const k = key[j] as number;
    const o = order[j] as number;
    const lowerKey = k & ((1 << (BITS * (o - 1))) - 1);
    const t = contextOf.get((k >>> BITS) + 1);
    const pa = side(
      countA[j] as number,
      totals[t] as number,
      totals[t + 2] as number,
      o === 1 ? uniform : probA.get(lowerKey),
    );
    const pb = side(
      countB[j] as number,
      totals[t + 1] as number,
      totals[t + 3] as number,
      o === 1 ? uniform : probB.get(lowerKey),
    );
    probA.set(k, pa);
    probB.set(k, pb);
    ngram.set(k, Math.log(pa) - Math.log(pb));
  }
  const backoff = new KeyTable(contexts.length);
  const w = (tokens: number, types: number) => (tokens === 0 ? 1 : types / (tokens + types));
  for (const [c, ctx] of contexts.entries()) {
    const t = 4 * c;
    backoff.set(
      ctx + 1,
      Math.log(w(totals[t] as number, totals[t + 2] as number)) -
        Math.log(w(totals[t + 1] as number, totals[t + 3] as number)),
    );
  }
  const cyrillic = new Uint8Array(0x100).fill(UNKNOWN);
  for (let c = 0x400; c <= 0x4ff; c++)
    cyrillic[c - 0x400] = ids.get(String.fromCharCode(c).toLowerCase().charCodeAt(0)) ?? UNKNOWN;
  return { ids, cyrillic, ngram, backoff };
}

/** Parses the shipped file's text (a header line, then `ngram<TAB>tajik<TAB>other` lines). */
export function parseCharCounts(text: string): CharCounts {
  const counts: CharCounts = new Map();
  let at = text.indexOf("\n") + 1;
  if (at === 0) return counts;
  while (at < text.length) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    if (end > at) {
      const tab = text.indexOf("\t", at);
      const g = tab < 0 || tab > end ? text.slice(at, end) : text.slice(at, tab);
      const tab2 = tab < 0 || tab > end ? -1 : text.indexOf("\t", tab + 1);
      const a = tab < 0 || tab > end ? "0" : text.slice(tab + 1, tab2 < 0 || tab2 > end ? end : tab2);
      const tab3 = tab2 < 0 || tab2 > end ? -1 : text.indexOf("\t", tab2 + 1);
      const b = tab2 < 0 || tab2 > end ? "0" : text.slice(tab2 + 1, tab3 < 0 || tab3 > end ? end : tab3);
      counts.set(g, [Number(a), Number(b)]);
    }
    at = end + 1;
  }
  return counts;
}

/** A shipped model file (gzipped counts); `what` names it in the one-line error. */
export function loadCharModel(file: URL, what: string): CharModel {
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString("utf8");
  } catch (err) {
    throw new Error(
      `${file.pathname}: cannot read the ${what} character model (${(err as Error).message}); rebuild it with scripts/build-char-model.ts`,
    );
  }
  return charModelFromCounts(parseCharCounts(text));
}

let shipped: CharModel | undefined;

/** The shipped model (data/tajik-char-model.tsv.gz), loaded on first use. */
export function tajikCharModel(): CharModel {
  shipped ??= loadCharModel(CHAR_MODEL_FILE, "Tajik");
  return shipped;
}

/** Characters of a text read (a longer text is not more Tajik for it; language ID caps its evidence anyway). */
export const CHAR_TEXT_LIMIT = 1500;

/** The log-likelihood ratio summed over the letters read (word ends included), and how many were read. */
export interface CharRead {
  sum: number;
  n: number;
}

/**
 * Mean log-likelihood ratio per letter (Tajik over the other Cyrillic languages, word ends included) of a text's
 * Cyrillic words, and how many letters were read (0: no Cyrillic word, the ratio is then 0).
 */
export function charEvidence(text: string, model: CharModel = tajikCharModel()): { llr: number; n: number } {
  const { sum, n } = readChars(text, CHAR_TEXT_LIMIT, model);
  return { llr: n === 0 ? 0 : sum / n, n };
}

/** The context at a word's start: CHAR_ORDER - 1 word starts. */
const START_CONTEXT = (() => {
  let ctx = 0;
  for (let k = 1; k < CHAR_ORDER; k++) ctx = (ctx << BITS) | BOS_ID;
  return ctx;
})();

/**
 * The character model's log-likelihood ratio of one Cyrillic word (`text[start..end)`, all in U+0400..U+04FF, then
 * its end): per letter, the back-off weights of the longer contexts whose continuation neither side saw, then the
 * longest n-gram either side saw, added in that order. A text's sum is its words' sums added in order, so a word's
 * sum worked out once (language ID keeps it per distinct word) adds up to what reading the text again gives.
 */
export function wordCharSum(
  text: string,
  start: number,
  end: number,
  model: CharModel = tajikCharModel(),
): number {
  const { cyrillic, ngram, backoff } = model;
  const mask = (1 << (BITS * (CHAR_ORDER - 1))) - 1;
  let ctx = START_CONTEXT;
  let sum = 0;
  for (let i = start; i <= end; i++) {
    const id = i < end ? (cyrillic[text.charCodeAt(i) - 0x400] as number) : EOS_ID;
    for (let k = CHAR_ORDER - 1; k >= 0; k--) {
      const context = ctx & ((1 << (BITS * k)) - 1);
      const v = ngram.get((context << BITS) | id);
      if (!Number.isNaN(v)) {
        sum += v;
        break;
      }
      const b = backoff.get(context + 1);
      if (!Number.isNaN(b)) sum += b;
    }
    ctx = ((ctx << BITS) | id) & mask;
  }
  return sum;
}

/**
 * Reads the Cyrillic words of a text's first `limit` characters under the model (see `wordCharSum`): the sum of
 * their ratios and the letters read (word ends included). A text cut at a line break reads as the sum of its lines.
 */
export function readChars(
  text: string,
  limit = CHAR_TEXT_LIMIT,
  model: CharModel = tajikCharModel(),
): CharRead {
  let sum = 0;
  let n = 0;
  const end = Math.min(text.length, limit);
  for (let i = 0; i < end; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x400 || c > 0x4ff) continue;
    const start = i;
    while (c >= 0x400 && c <= 0x4ff) c = ++i < end ? text.charCodeAt(i) : 0;
    sum += wordCharSum(text, start, i, model);
    n += i - start + 1;
  }
  return { sum, n };
}

/**
 * `readChars` over words already split and lower-cased (a model of another script than Cyrillic, read off the hot
 * path: Latin lines are few in a Tajik crawl): the same longest-n-gram reading with back-off weights, per letter and
 * word end.
 */
export function readWordList(words: readonly string[], model: CharModel): CharRead {
  const { ids, ngram, backoff } = model;
  const mask = (1 << (BITS * (CHAR_ORDER - 1))) - 1;
  let start = 0;
  for (let k = 1; k < CHAR_ORDER; k++) start = (start << BITS) | BOS_ID;
  let sum = 0;
  let n = 0;
  for (const w of words) {
    let ctx = start;
    for (let i = 0; i <= w.length; i++) {
      const id = i < w.length ? (ids.get(w.charCodeAt(i)) ?? UNKNOWN) : EOS_ID;
      for (let k = CHAR_ORDER - 1; k >= 0; k--) {
        const context = ctx & ((1 << (BITS * k)) - 1);
        const v = ngram.get((context << BITS) | id);
        if (!Number.isNaN(v)) {
          sum += v;
          break;
        }
        const b = backoff.get(context + 1);
        if (!Number.isNaN(b)) sum += b;
      }
      n++;
      ctx = ((ctx << BITS) | id) & mask;
    }
  }
  return { sum, n };
}
