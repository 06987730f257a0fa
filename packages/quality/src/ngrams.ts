/**
 * Word n-gram repetition over a document's word ids: the most frequent 2-, 3- and 4-gram and the share of word
 * characters inside repeated 5- to 10-grams. N-grams are 53-bit hashes of their word ids counted in an
 * open-addressing table of typed arrays: a JavaScript Map keyed by such numbers boxes every key, and that boxing
 * and its garbage were most of the time these signals took.
 */

import { FNV_OFFSET, FNV_PRIME } from "@soro/core";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/** The word n-gram sizes of the duplicate n-gram signals. */
export const DUP_NGRAM_SIZES = [5, 6, 7, 8, 9, 10] as const;

/**
 * The hash of the n-gram at each start still in play, as two running states extended one word per size: the n-gram
 * at `start` hashes its words in order, so its hash is its (n-1)-gram prefix's extended by its last word (the same
 * 53-bit key as hashing its n words afresh, in one step instead of n).
 */
let stateA = new Int32Array(512);
let stateB = new Int32Array(512);
let keyHi = 0;
let keyLo = 0;

/** Extends the state of the k-th start by word `n - 1` of its n-gram and sets the key (keyHi, keyLo) to the n-gram's. */
function extendKey(ids: Int32Array, k: number, n: number): void {
  const id = ids[(starts[k] as number) + n - 1] as number;
  const a = Math.imul((stateA[k] as number) ^ id, PRIME);
  const b = (Math.imul((stateB[k] as number) ^ id, 0x85ebca6b) + n - 1) | 0;
  stateA[k] = a;
  stateB[k] = b;
  keyHi = a;
  keyLo = b & 0x1fffff;
}

/** A reusable counting table: slot keys (two halves), counts, and the slot each start landed in. */
let tableHi = new Int32Array(1024);
let tableLo = new Int32Array(1024);
let tableCount = new Int32Array(1024);
let slotOf = new Int32Array(512);

/** Clears a table of at least twice `items` slots (a power of two) and returns its index mask. */
function resetTable(items: number): number {
  let cap = 64;
  while (cap < items * 2) cap *= 2;
  if (tableHi.length < cap) {
    tableHi = new Int32Array(cap);
    tableLo = new Int32Array(cap);
    tableCount = new Int32Array(cap);
  } else tableCount.fill(0, 0, cap);
  if (slotOf.length < items) slotOf = new Int32Array(items * 2);
  return cap - 1;
}

/** The slot of the current key (keyHi, keyLo), claimed if new; its count is 0 when it was new. */
function slotFor(mask: number): number {
  let s = Math.imul(keyHi ^ (keyLo * 0x9e37), 0x27d4eb2d) & mask;
  while ((tableCount[s] as number) !== 0 && (tableHi[s] !== keyHi || tableLo[s] !== keyLo))
    s = (s + 1) & mask;
  if (tableCount[s] === 0) {
    tableHi[s] = keyHi;
    tableLo[s] = keyLo;
  }
  return s;
}

/**
 * The n-gram starts still in play, in a scratch buffer reused across sizes and documents (a typed array allocated
 * per size and document was a good part of these signals' garbage): `starts[0, count)`, with their hash states.
 */
let starts = new Int32Array(512);
let covered = new Uint8Array(512);

/** Sets the starts to 0..count-1 with the states of their first word, and returns how many there are. */
function allStarts(ids: Int32Array, count: number): number {
  if (starts.length < count) {
    starts = new Int32Array(count * 2);
    stateA = new Int32Array(count * 2);
    stateB = new Int32Array(count * 2);
  }
  for (let k = 0; k < count; k++) {
    const id = ids[k] as number;
    starts[k] = k;
    stateA[k] = Math.imul(OFFSET ^ id, PRIME);
    stateB[k] = Math.imul(0x9e3779b1 ^ id, 0x85ebca6b);
  }
  return Math.max(0, count);
}

/**
 * Keeps, in place, the starts whose n-gram occurs more than once (and leaves room for one more word): only there
 * can the (n+1)-gram repeat. Returns how many are left.
 */
function keepRepeated(count: number, limit: number): number {
  let m = 0;
  for (let k = 0; k < count; k++)
    if ((tableCount[slotOf[k] as number] as number) > 1 && (starts[k] as number) < limit) {
      starts[m] = starts[k] as number;
      stateA[m] = stateA[k] as number;
      stateB[m] = stateB[k] as number;
      m++;
    }
  return m;
}

/** The word n-gram repetition signals of a document (`ngramShares`). */
export interface NgramShares {
  /** Shares of word characters in the most frequent 2-, 3- and 4-gram. */
  top: [number, number, number];
  /** Shares of word characters in 5- to 10-grams that occurred earlier (`DUP_NGRAM_SIZES`). */
  dup: number[];
}

/**
 * Word n-gram repetition over a document's word ids (`lens`: each word's characters, `wordChars` their sum).
 *
 * `top`: shares of word characters in the most frequent 2-, 3- and 4-gram (counted only when it occurs more than
 * once; ties go to the n-gram that first reached the count). `dup`: shares of word characters covered by n-grams
 * (n = 5..10) that already occurred earlier in the document.
 *
 * An n-gram can repeat only where its (n-1)-gram prefix repeats, so each size looks only at the starts whose prefix
 * repeated, from 2-grams up to 10-grams: the same counts, winners and covers as counting every start.
 */
export function ngramShares(ids: Int32Array, lens: Int32Array, wordChars: number): NgramShares {
  const top: [number, number, number] = [0, 0, 0];
  const dup = DUP_NGRAM_SIZES.map(() => 0);
  if (wordChars === 0) return { top, dup };
  let count = allStarts(ids, ids.length - 1);
  for (let n = 2; n <= 4 && count > 0; n++) {
    const mask = resetTable(count);
    let best = 0;
    let bestStart = 0;
    for (let k = 0; k < count; k++) {
      extendKey(ids, k, n);
      const s = slotFor(mask);
      slotOf[k] = s;
      const c = ++(tableCount[s] as number);
      if (c > best) {
        best = c;
        bestStart = starts[k] as number;
      }
    }
    if (best >= 2) {
      let len = 0;
      for (let k = bestStart; k < bestStart + n; k++) len += lens[k] as number;
      top[n - 2] = Math.min(1, (best * len) / wordChars);
    }
    count = keepRepeated(count, ids.length - n);
  }
  if (count === 0) return { top, dup };
  if (covered.length < ids.length) covered = new Uint8Array(ids.length * 2);
  for (const [i, n] of DUP_NGRAM_SIZES.entries()) {
    if (count === 0) break;
    const mask = resetTable(count);
    covered.fill(0, 0, ids.length);
    let any = false;
    for (let k = 0; k < count; k++) {
      const st = starts[k] as number;
      extendKey(ids, k, n);
      const s = slotFor(mask);
      slotOf[k] = s;
      if ((tableCount[s] as number)++ > 0) {
        covered.fill(1, st, st + n);
        any = true;
      }
    }
    if (!any) break; // nothing repeats at this size, so nothing longer can
    let chars = 0;
    for (let k = 0; k < ids.length; k++) if (covered[k]) chars += lens[k] as number;
    dup[i] = chars / wordChars;
    count = keepRepeated(count, ids.length - n);
  }
  return { top, dup };
}
