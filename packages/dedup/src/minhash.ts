import xxhash, { type XXHashAPI } from "xxhash-wasm";
import { foldForKey } from "./fold.js";

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

/** FineWeb's settings: 5-gram shingles, 14 bands of 8 rows (112 hash functions). */
export const DEFAULT_MINHASH: MinHashParams = { ngram: 5, bands: 14, rows: 8, seed: 1 };

let api: Promise<XXHashAPI> | null = null;

/** The xxhash-wasm instance, loaded once per thread. */
export function xxhashApi(): Promise<XXHashAPI> {
  api ??= xxhash();
  return api;
}

/** A 32-bit finaliser (MurmurHash3's): a bijection with full avalanche, so each seed gives a fresh permutation. */
function fmix32(x: number): number {
  let h = x;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
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

/** Makes MinHash signatures, exact keys and shingle sets from text; one per worker. */
export class MinHasher {
  private readonly seeds: Uint32Array;
  private readonly mults: Uint32Array;
  readonly size: number;

  private constructor(
    readonly params: MinHashParams,
    private readonly xx: XXHashAPI,
  ) {
    this.size = params.bands * params.rows;
    this.seeds = functionSeeds(params.seed, this.size);
    // Odd multipliers make each function a permutation of the 32-bit hashes.
    this.mults = functionSeeds(params.seed + 1, this.size).map((m) => m | 1);
  }

  /** A hasher for the given parameters (xxhash-wasm is loaded on first use). */
  static async create(params: Partial<MinHashParams> = {}): Promise<MinHasher> {
    return new MinHasher({ ...DEFAULT_MINHASH, ...params }, await xxhashApi());
  }

  /** The exact-duplicate key of a text: xxhash64 of its folded form, 16 hex digits. */
  exactKey(text: string): string {
    return this.xx.h64ToString(foldForKey(text));
  }

  /**
   * The distinct 32-bit hashes of a folded text's word n-grams (a text shorter than n words is one shingle). Each
   * word is hashed once (FNV-1a over its UTF-16 units, then fmix32) and n-grams combine word hashes by position:
   * a call into wasm per shingle cost more than the hashing itself.
   */
  shingleHashes(folded: string): Uint32Array {
    if (folded.length === 0) return new Uint32Array(0);
    const words: number[] = [];
    let h = 0x811c9dc5 ^ this.params.seed;
    for (let i = 0; i <= folded.length; i++) {
      const c = i < folded.length ? folded.charCodeAt(i) : 0x20;
      if (c === 0x20) {
        words.push(fmix32(h));
        h = 0x811c9dc5 ^ this.params.seed;
      } else h = Math.imul(h ^ c, 0x01000193);
    }
    const n = Math.min(this.params.ngram, words.length);
    const seen = new Set<number>();
    for (let w = 0; w + n <= words.length; w++) {
      let x = n;
      for (let k = 0; k < n; k++) x = Math.imul(x ^ words[w + k]!, 0x9e3779b1) + k;
      seen.add(fmix32(x));
    }
    return Uint32Array.from(seen);
  }

  /** The MinHash signature of a text (null when it has no words): the minimum of each hash function. */
  signature(text: string): Uint32Array | null {
    return this.signatureOfShingles(this.shingleHashes(foldForKey(text)));
  }

  /** The signature of a set of shingle hashes. */
  signatureOfShingles(shingles: Uint32Array): Uint32Array | null {
    if (shingles.length === 0) return null;
    const mins = new Uint32Array(this.size).fill(0xffffffff);
    const seeds = this.seeds;
    const mults = this.mults;
    for (let s = 0; s < shingles.length; s++) {
      const x = shingles[s]!;
      for (let i = 0; i < mins.length; i++) {
        // Shingle hashes are already avalanched, so xor-multiply (a bijection per function) is enough mixing.
        const v = Math.imul(x ^ seeds[i]!, mults[i]!) >>> 0;
        if (v < mins[i]!) mins[i] = v;
      }
    }
    return mins;
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
  for (let i = 0; i < a.length; i++) if (BigInt(a[i]!) === BigInt(b[i]!)) same++;
  return a.length === 0 ? 0 : same / a.length;
}
