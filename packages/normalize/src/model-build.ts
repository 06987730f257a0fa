import { isTajikSpelling } from "./lexicon.js";
import { BOS, gramKey, type ModelCounts, type ModelSource, symbolCodes, type TajikModel } from "./model.js";

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
      const [a = "", b = ""] = k.split("\t");
      if (unigrams.has(a) && unigrams.has(b)) bigrams.set(k, c);
    }
    const chars = new Map<number, number>();
    for (const w of unigrams.keys()) {
      if (w === BOS) continue;
      const codes = symbolCodes(w, order);
      for (let i = 0; i < codes.length; i++)
        for (let n = 1; n <= order && i + n <= codes.length; n++) {
          const g = gramKey(codes, i, i + n);
          chars.set(g, (chars.get(g) ?? 0) + 1);
        }
    }
    // Keys of 3 symbols or more are >= 64^2.
    for (const [g, c] of chars) if (c < 2 && g >= 64 * 64) chars.delete(g);
    return { unigrams, bigrams, chars };
  }
}
