import { isTajikSpelling } from "./lexicon.js";
import { BOS, type ModelCounts, type ModelSource, SYMBOLS, symbolCodes, type TajikModel } from "./model.js";

/** Words and sentence ends of running text. */
const TOKEN_RE = /\p{L}[\p{L}\p{M}]*|[.!?…;:]+/gu;
/** Above this many distinct bigrams in memory, the rarest are dropped (lossy counting keeps `learn` in bounded memory). */
const MAX_BIGRAMS = 4_000_000;

/**
 * Counts words, bigrams and (at `counts()`) character n-grams of clean Tajik text for a `TajikModel`. Only words
 * spelled in Tajik Cyrillic are counted; any other token (Latin, digits, a Russian-only letter sequence is still
 * Cyrillic and counted) breaks the bigram chain, and a sentence end starts it again from `<s>`.
 */
export class ModelCounter {
  readonly unigrams = new Map<string, number>();
  readonly bigrams = new Map<string, number>();
  readonly sources: ModelSource[] = [];
  private floor = 1;

  /** Counts the running text of one source (a line at a time). */
  addText(name: string, licence: string, lines: Iterable<string>): ModelSource {
    const src: ModelSource = { name, licence, lines: 0, words: 0 };
    for (const line of lines) {
      src.lines++;
      let prev: string | undefined = BOS;
      this.bump(this.unigrams, BOS, 1);
      for (const m of line.matchAll(TOKEN_RE)) {
        const t = m[0];
        if (!/\p{L}/u.test(t[0] ?? "")) {
          prev = BOS;
          continue;
        }
        const w = t.toLowerCase();
        if (!isTajikSpelling(w)) {
          prev = undefined;
          continue;
        }
        src.words++;
        this.bump(this.unigrams, w, 1);
        if (prev !== undefined) this.bump(this.bigrams, `${prev}\t${w}`, 1);
        prev = w;
      }
      if (this.bigrams.size > MAX_BIGRAMS) this.prune();
    }
    this.sources.push(src);
    return src;
  }

  /** Adds listed word forms without context (a word list), each `weight` times. */
  addWords(name: string, licence: string, words: Iterable<string>, weight = 1): ModelSource {
    const src: ModelSource = { name, licence, lines: 0, words: 0 };
    for (const w of words) {
      if (!isTajikSpelling(w)) continue;
      src.words++;
      this.bump(this.unigrams, w, weight);
    }
    this.sources.push(src);
    return src;
  }

  /** Adds the counts of an existing model (the shipped default under a workspace's own). */
  addModel(model: TajikModel): void {
    const c = model.toCounts();
    for (const [w, n] of c.unigrams) this.bump(this.unigrams, w, n);
    for (const [k, n] of c.bigrams) this.bump(this.bigrams, k, n);
    for (const s of model.header.sources) this.sources.push({ ...s, name: `${s.name} (merged)` });
  }

  /** Adds word and bigram counts made elsewhere (DuckDB over a workspace's catalog). */
  addCounts(
    name: string,
    licence: string,
    unigrams: Iterable<[string, number]>,
    bigrams: Iterable<[string, number]>,
    size: { lines: number; words: number },
  ): void {
    for (const [w, n] of unigrams) if (isTajikSpelling(w)) this.bump(this.unigrams, w, n);
    // Every line starts a sentence: the bigrams from <s> need its count.
    this.bump(this.unigrams, BOS, size.lines);
    for (const [k, n] of bigrams) this.bump(this.bigrams, k, n);
    this.sources.push({ name, licence, ...size });
  }

  private bump(m: Map<string, number>, k: string, n: number): void {
    m.set(k, (m.get(k) ?? 0) + n);
  }

  private prune(): void {
    for (const [k, c] of this.bigrams) if (c <= this.floor) this.bigrams.delete(k);
    this.floor++;
  }

  /**
   * The counts to save: bigrams seen at least `minBigram` times, words seen at least `minWord` times (and every word
   * of a kept bigram), and character n-grams up to `charOrder` over the kept word types (n-grams of 3 letters or
   * more seen once are dropped).
   */
  counts(options: { minBigram?: number; minWord?: number; charOrder?: number } = {}): ModelCounts {
    const minBigram = options.minBigram ?? 2;
    const minWord = options.minWord ?? 1;
    const order = options.charOrder ?? 5;
    const bigrams = new Map<string, number>();
    const unigrams = new Map<string, number>();
    for (const [w, c] of this.unigrams) if (c >= minWord) unigrams.set(w, c);
    for (const [k, c] of this.bigrams) {
      if (c < minBigram) continue;
      const tab = k.indexOf("\t");
      if (unigrams.has(k.slice(0, tab)) && unigrams.has(k.slice(tab + 1))) bigrams.set(k, c);
    }
    const chars = new GramCounter();
    for (const w of unigrams.keys()) {
      if (w === BOS) continue;
      const codes = symbolCodes(w, order);
      for (let i = 0; i < codes.length; i++)
        for (let n = 1, g = 0; n <= order && i + n <= codes.length; n++) {
          g = g * SYMBOLS + (codes[i + n - 1] ?? 0);
          chars.add(g);
        }
    }
    // Keys of 3 symbols or more are >= 64^2: those seen once are dropped.
    return { unigrams, bigrams, chars: chars.sorted((g, c) => c >= 2 || g < SYMBOLS * SYMBOLS) };
  }
}

/**
 * Counts of character n-gram keys (non-zero uint32) in an open-addressing table of typed arrays: a Map keyed by
 * numbers was most of the time of a large learned model's build (tens of millions of n-grams over its words).
 */
class GramCounter {
  private bits = 16;
  private keys = new Uint32Array(1 << 16);
  private counts = new Uint32Array(1 << 16);
  private size = 0;

  add(key: number): void {
    const mask = this.keys.length - 1;
    let s = Math.imul(key, 0x9e3779b1) >>> (32 - this.bits);
    while (this.keys[s] !== 0 && this.keys[s] !== key) s = (s + 1) & mask;
    if (this.keys[s] === 0) {
      this.keys[s] = key;
      this.size++;
    }
    (this.counts[s] as number)++;
    if (this.size * 2 > this.keys.length) this.grow();
  }

  private grow(): void {
    const { keys, counts } = this;
    this.bits++;
    this.keys = new Uint32Array(1 << this.bits);
    this.counts = new Uint32Array(1 << this.bits);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as number;
      if (k === 0) continue;
      let s = Math.imul(k, 0x9e3779b1) >>> (32 - this.bits);
      while (this.keys[s] !== 0) s = (s + 1) & mask;
      this.keys[s] = k;
      this.counts[s] = counts[i] as number;
    }
  }

  /** The keys that `keep` accepts, sorted, with their counts. */
  sorted(keep: (key: number, count: number) => boolean): { keys: Uint32Array; counts: Uint32Array } {
    const keys = new Uint32Array(this.size);
    let n = 0;
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i] as number;
      if (k !== 0 && keep(k, this.counts[i] as number)) keys[n++] = k;
    }
    const out = keys.subarray(0, n).sort();
    const counts = new Uint32Array(n);
    // Each key's count, found again by probing.
    const mask = this.keys.length - 1;
    for (let j = 0; j < n; j++) {
      let s = Math.imul(out[j] as number, 0x9e3779b1) >>> (32 - this.bits);
      while (this.keys[s] !== out[j]) s = (s + 1) & mask;
      counts[j] = this.counts[s] as number;
    }
    return { keys: out, counts };
  }
}
