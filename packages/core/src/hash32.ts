/**
 * The project's cheap 32-bit non-cryptographic hashes. FNV-1a: word tables, stable held-out splits, weak-label
 * splits and model-file checksums. It folds UTF-16 code units (or 32-bit words), not UTF-8 bytes, so it matches the
 * published byte-wise FNV-1a vectors on ASCII text only; stored splits and checksums were made this way, so keep it.
 *
 * Hot loops that fuse it with other per-unit work (a second hash, a case map) keep their own loop over `FNV_OFFSET`
 * and `FNV_PRIME`, copied into module constants first: V8 folds a module constant into the loop but loads an imported
 * binding on every step (12-17% of a tight scan, measured on safety's prefixes and trainer-bridge's piece split).
 */

/** The FNV-1a 32-bit offset basis. */
export const FNV_OFFSET = 0x811c9dc5;
/** The FNV 32-bit prime. */
export const FNV_PRIME = 0x01000193;
// Module copies for the loops below (see above).
const OFFSET = FNV_OFFSET;
const PRIME = FNV_PRIME;

/** FNV-1a of `text`'s UTF-16 code units, unsigned; a non-zero `seed` is XORed into the offset basis (a namespace). */
export function fnv1a(text: string, seed = 0): number {
  let h = FNV_OFFSET ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/**
 * A 32-bit hash of `text` for tables where only equality matters (its value is never stored): FNV-1a over the even
 * and the odd code units in two lanes, seeded by `seed`, the lanes mixed at the end. The two multiply chains run side
 * by side, about twice as fast per code unit as `fnv1a`'s one (language ID fingerprints every line it reads).
 */
export function fnv1aTwoLanes(text: string, seed = 0): number {
  let a = OFFSET ^ seed;
  let b = OFFSET;
  const pairs = text.length & ~1;
  for (let i = 0; i < pairs; i += 2) {
    a = Math.imul(a ^ text.charCodeAt(i), PRIME);
    b = Math.imul(b ^ text.charCodeAt(i + 1), PRIME);
  }
  if (pairs < text.length) a = Math.imul(a ^ text.charCodeAt(pairs), PRIME);
  return (a ^ fmix32(b)) >>> 0;
}

/**
 * FNV-1a of units[from, to), unsigned: code units held in a typed array (the same hash as `fnv1a` of that string),
 * or 32-bit words (a checksum).
 */
export function fnv1aUnits(units: ArrayLike<number>, from = 0, to = units.length): number {
  let h = FNV_OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ (units[i] as number), FNV_PRIME);
  return h >>> 0;
}

/**
 * MurmurHash3's 32-bit finaliser, unsigned: a bijection with full avalanche. It spreads FNV-1a's low bits before a
 * slot mask keeps them, and makes a fresh permutation per seed (MinHash).
 */
export function fmix32(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
