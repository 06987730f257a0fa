import { FNV_OFFSET, FNV_PRIME, fmix32 } from "@soro/core";
import xxhash, { type XXHashAPI } from "xxhash-wasm";
import { DEFAULT_MINHASH } from "./defaults.js";
import { foldBuffer, foldForKey, foldInto } from "./fold.js";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/** How signatures are made: word n-gram shingles and `bands × rows` hash functions. */
export interface MinHashParams {
  /** Words per shingle (default 5). */
  ngram: number;
  /** LSH bands (default 14). */
  bands: number;
  /** Hash functions per band (default 8). */
  rows: number;
  /** Seed of the hash family; signatures made with different seeds are not comparable. */
  seed: number;
}

export { DEFAULT_MINHASH };

let api: Promise<XXHashAPI> | null = null;

/** The xxhash-wasm instance, loaded once per thread. */
export function xxhashApi(): Promise<XXHashAPI> {
  api ??= xxhash();
  return api;
}

/** Deterministic per-function seeds from one seed (splitmix-style), so every worker derives the same family. */
function functionSeeds(seed: number, count: number): Uint32Array {
  const out = new Uint32Array(count);
  let s = fmix32(seed ^ 0x9e3779b9);
  for (let i = 0; i < count; i++) {
    s = (s + 0x9e3779b9) >>> 0;
    out[i] = fmix32(s);
  }
  return out;
}

/** A signature and an exact key made from one fold of a text. */
export interface DocKeys {
  /** xxhash64 of the key form, 16 hex digits. */
  exact: string;
  /** The MinHash signature, or null for a text without words. */
  signature: Uint32Array | null;
}

/**
 * Makes MinHash signatures, exact keys and shingle sets from text; one per worker.
 *
 * Signatures are one-permutation MinHash with optimal densification (Shrivastava, ICML 2017): each shingle is
 * hashed once, its hash picks one of the `bands × rows` bins and its second hash competes for that bin's minimum;
 * an empty bin copies the bin that a seeded probe sequence reaches first. Two texts agree on a bin with
 * probability equal to their Jaccard similarity, as with `bands × rows` independent permutations, at the cost of
 * one hash per shingle instead of 112.
 */
export class MinHasher {
  private readonly probeSeeds: Uint32Array;
  readonly size: number;
  private words = new Uint32Array(4096);
  private filled = new Uint8Array(0);

  private constructor(
    readonly params: MinHashParams,
    private readonly xx: XXHashAPI,
  ) {
    this.size = params.bands * params.rows;
    this.probeSeeds = functionSeeds(params.seed, this.size);
    this.filled = new Uint8Array(this.size);
  }

  /** A hasher for the given parameters (xxhash-wasm is loaded on first use). */
  static async create(params: Partial<MinHashParams> = {}): Promise<MinHasher> {
    return new MinHasher({ ...DEFAULT_MINHASH, ...params }, await xxhashApi());
  }

  /** The exact-duplicate key of a text: xxhash64 of its folded form (UTF-16 units), 16 hex digits. */
  exactKey(text: string): string {
    return this.keys(text, false).exact;
  }

  /** The MinHash signature of a text (null when it has no words). */
  signature(text: string): Uint32Array | null {
    return this.keys(text, true).signature;
  }

  /** The exact key and (when asked) the signature of a text, folding it once. */
  keys(text: string, signature = true): DocKeys {
    const buf = foldBuffer(text);
    const n = foldInto(text, buf);
    const exact = this.xx
      .h64Raw(new Uint8Array(buf.buffer, buf.byteOffset, n * 2))
      .toString(16)
      .padStart(16, "0");
    return { exact, signature: signature ? this.signatureOfFolded(buf, n) : null };
  }

  /**
   * The 32-bit word hashes of a folded text (FNV-1a over its UTF-16 units, then fmix32), in `this.words`; returns
   * how many.
   */
  private wordHashes(buf: Uint16Array, n: number): number {
    if (this.words.length < n / 2 + 1) this.words = new Uint32Array(n / 2 + 1);
    const words = this.words;
    let count = 0;
    const start = OFFSET ^ this.params.seed;
    let h = start;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? (buf[i] as number) : 0x20;
      if (c === 0x20) {
        words[count++] = fmix32(h);
        h = start;
      } else h = Math.imul(h ^ c, PRIME);
    }
    return count;
  }

  /** The signature of a folded text (its first `n` units in `buf`). */
  private signatureOfFolded(buf: Uint16Array, n: number): Uint32Array | null {
    if (n === 0) return null;
    const count = this.wordHashes(buf, n);
    const words = this.words;
    const size = this.size;
    const mins = new Uint32Array(size).fill(0xffffffff);
    const filled = this.filled.fill(0);
    const g = Math.min(this.params.ngram, count);
    const seed = this.params.seed;
    for (let w = 0; w + g <= count; w++) {
      // Shingle hash: word hashes combined by position (a text shorter than n words is one shingle).
      let x = g;
      for (let k = 0; k < g; k++) x = Math.imul(x ^ (words[w + k] as number), 0x9e3779b1) + k;
      const h = fmix32(x ^ seed);
      // Bin from the high bits (multiply-shift), value from an independent remix: both uniform, unrelated.
      const bin = Math.floor(((h >>> 8) * size) / 0x1000000);
      const v = fmix32(h ^ 0x5bd1e995);
      if (v < (mins[bin] as number)) mins[bin] = v;
      filled[bin] = 1;
    }
    this.densify(mins, filled);
    return mins;
  }

  /** Optimal densification: each empty bin takes the value of the first filled bin its own probe sequence hits. */
  private densify(mins: Uint32Array, filled: Uint8Array): void {
    const size = this.size;
    for (let i = 0; i < size; i++) {
      if (filled[i]) continue;
      let s = this.probeSeeds[i] as number;
      for (;;) {
        s = fmix32((s + 0x9e3779b9) >>> 0);
        const j = Math.floor(((s >>> 8) * size) / 0x1000000);
        if (filled[j]) {
          mins[i] = mins[j] as number;
          break;
        }
      }
    }
  }
}

/**
 * The LSH band keys of a signature: xxhash64 of each band's `rows` values (as little-endian bytes), so that the
 * global step groups 64-bit keys instead of slicing and hashing lists in SQL.
 */
export function bandKeys(xx: XXHashAPI, signature: Uint32Array, bands: number, rows: number): bigint[] {
  const bytes = new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
  const keys: bigint[] = [];
  for (let b = 0; b < bands; b++)
    keys.push(xx.h64Raw(bytes.subarray(b * rows * 4, (b + 1) * rows * 4), BigInt(b)));
  return keys;
}

/** The word n-gram shingles of a text's key form, as strings (for exact Jaccard). */
export function shingleSet(text: string, ngram: number): Set<string> {
  const words = foldForKey(text)
    .split(" ")
    .filter((w) => w.length > 0);
  const n = Math.min(ngram, words.length);
  const out = new Set<string>();
  for (let w = 0; n > 0 && w + n <= words.length; w++) out.add(words.slice(w, w + n).join(" "));
  return out;
}

/** Exact Jaccard similarity of two texts' shingle sets. */
export function exactJaccard(a: string, b: string, ngram = DEFAULT_MINHASH.ngram): number {
  const sa = shingleSet(a, ngram);
  const sb = shingleSet(b, ngram);
  if (sa.size === 0 && sb.size === 0) return 1;
  let inter = 0;
  for (const s of sa) if (sb.has(s)) inter++;
  return inter / (sa.size + sb.size - inter);
}

/** Estimated Jaccard similarity: the share of hash functions on which two signatures agree. */
export function estimatedJaccard(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++)
    if (BigInt(a[i] as number | bigint) === BigInt(b[i] as number | bigint)) same++;
  return a.length === 0 ? 0 : same / a.length;
}
