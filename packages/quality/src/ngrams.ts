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

/** The two halves of the 53-bit hash of the word ids ids[start..start+n), exact enough to count n-grams. */
let keyHi = 0;
let keyLo = 0;
function ngramKey(ids: Int32Array, start: number, n: number): void {
  let a = OFFSET;
  let b = 0x9e3779b1;
  for (let k = start; k < start + n; k++) {
    a = Math.imul(a ^ (ids[k] as number), PRIME);
    b = Math.imul(b ^ (ids[k] as number), 0x85ebca6b) + k - start;
  }
  keyHi = a | 0;
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
 * per size and document was a good part of these signals' garbage): `starts[0, count)`.
 */
let starts = new Int32Array(512);
let covered = new Uint8Array(512);

/** Sets the starts to 0..count-1 and returns how many there are. */
function allStarts(count: number): number {
  if (starts.length < count) starts = new Int32Array(count * 2);
  for (let k = 0; k < count; k++) starts[k] = k;
  return Math.max(0, count);
}

/**
 * Keeps, in place, the starts whose n-gram occurs more than once (and leaves room for one more word): only there
 * can the (n+1)-gram repeat. Returns how many are left.
 */
function keepRepeated(count: number, limit: number): number {
  let m = 0;
  for (let k = 0; k < count; k++)
    if ((tableCount[slotOf[k] as number] as number) > 1 && (starts[k] as number) < limit)
      starts[m++] = starts[k] as number;
  return m;
}

/**
 * Shares of word characters in the most frequent 2-, 3- and 4-gram (counted only when it occurs more than once;
 * ties go to the n-gram that first reached the count). An n-gram can repeat only where its (n-1)-gram prefix
 * repeats, so each size looks only at those starts: the same counts and winner as counting every start.
 */
export function topNgramShares(
  ids: Int32Array,
  lens: Int32Array,
  wordChars: number,
): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  if (wordChars === 0) return out;
  let count = allStarts(ids.length - 1);
  for (let n = 2; n <= 4 && count > 0; n++) {
    const mask = resetTable(count);
    let best = 0;
    let bestStart = 0;
    for (let k = 0; k < count; k++) {
      ngramKey(ids, starts[k] as number, n);
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
      out[n - 2] = Math.min(1, (best * len) / wordChars);
    }
    count = keepRepeated(count, ids.length - n);
  }
  return out;
}

/**
 * Shares of word characters covered by n-grams (n = 5..10) that already occurred earlier in the document. A longer
 * n-gram repeats only where its 5-gram repeats, so sizes above 5 look only at those starts (the same result).
 */
export function dupNgramShares(ids: Int32Array, lens: Int32Array, wordChars: number): number[] {
  const shares = DUP_NGRAM_SIZES.map(() => 0);
  const first = DUP_NGRAM_SIZES[0];
  if (wordChars === 0 || ids.length < first) return shares;
  let count = allStarts(ids.length - first + 1);
  if (covered.length < ids.length) covered = new Uint8Array(ids.length * 2);
  for (const [i, n] of DUP_NGRAM_SIZES.entries()) {
    if (count === 0) break;
    const mask = resetTable(count);
    covered.fill(0, 0, ids.length);
    let any = false;
    for (let k = 0; k < count; k++) {
      const st = starts[k] as number;
      ngramKey(ids, st, n);
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
    shares[i] = chars / wordChars;
    count = keepRepeated(count, ids.length - n);
  }
  return shares;
}
