import { FNV_OFFSET, FNV_PRIME, fnv1a } from "@soro/core";
import { classAt, LETTER, MARK, unitClass, unitsAt, WS } from "../char-classes.js";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/**
 * Hashed features of a passage for the educational-value classifier: word unigrams and bigrams, character 3- and
 * 4-grams inside words (5-grams too in models trained before `maxCharGram`), and a few binned layout facts (line length, punctuated lines, digits, length). Hashing keeps
 * the model a fixed-size weight vector with no vocabulary to ship, and the same text always gives the same vector.
 */

/** A sparse feature vector: hashed indices and their values (an index may repeat; its values add up). */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Feature settings; they are stored in the model file, so a model is always read with the features it learned. */
export interface FeatureSpec {
  /** log2 of the number of hashed feature slots. */
  bits: number;
  /** Only the first this many characters of a document are read (long documents are judged by their start). */
  maxChars: number;
  /** The longest character n-gram counted, 3 to 5 (absent: 5, what models trained before this setting read). */
  maxCharGram?: number;
}

/**
 * 2^14 slots and 3- and 4-grams: on the held-out weak labels as good as 2^17 slots with 5-grams (accuracy 0.925
 * against 0.900, MAE 0.163 against 0.192, Spearman 0.925 both), and the counts table (32 KB) stays in the L1 cache
 * where the 2^17 one (256 KB) did not: the signals stage ran 1.08-1.14x faster.
 */
export const DEFAULT_FEATURE_SPEC: FeatureSpec = { bits: 14, maxChars: 6000, maxCharGram: 4 };

// Namespaces keep a word, a bigram and a character n-gram with equal hashes apart.
const NS_WORD = 0x1b873593;
const NS_BIGRAM = 0x5bd1e995;
const NS_CHAR = 0x27d4eb2d;
const NS_LAYOUT = 0x165667b1;
const CHAR_SEED = (OFFSET ^ NS_CHAR) >>> 0;
const WORD_SEED = (OFFSET ^ NS_WORD) >>> 0;

/** Mixes two hashes (a bigram of word hashes). */
function mix(a: number, b: number, seed: number): number {
  let h = Math.imul(a ^ seed, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Punctuation that closes a sentence-like line, by UTF-16 unit. */
const LINE_END = new Uint8Array(0x10000);
for (const ch of '.!?…:;»"') LINE_END[ch.charCodeAt(0)] = 1;

/** The hashed slot of each binned layout fact (`name:bin`), computed once: they carry what the n-grams cannot see. */
const layoutSlots = (name: string, maxBin: number): number[] =>
  Array.from({ length: maxBin + 1 }, (_, b) => fnv1a(`${name}:${b}`, NS_LAYOUT));
const LINE_LEN = layoutSlots("line_len", 12);
const PUNCT_LINES = layoutSlots("punct_lines", 5);
const DIGITS = layoutSlots("digits", 6);
const CHARS = layoutSlots("chars", 10);
const bin = (x: number, step: number, max: number) => Math.min(max, Math.floor(x / step));

/** log(1 + n) of small counts, looked up rather than computed per feature. */
const LOG1P = Float64Array.from({ length: 256 }, (_, n) => Math.log1p(n));

/** A word is a run of letters and combining marks (by code point) or of ASCII digits. */
const WORD_UNIT = LETTER | MARK;

/**
 * Scratch reused across calls: counts per slot, and the slots in the order they were first counted. 16 bits hold any
 * count (a unit adds at most 5 counts, and `countFeatures` checks that `maxChars` keeps the total under 2^16) and halve
 * the table the n-grams hit at random, so more of it stays in cache.
 */
let counts = new Uint16Array(0);
let touched = new Int32Array(0);
let logs = new Float32Array(0);
/** The current word between its edge marks, `<` and `>`. */
let marked = new Uint16Array(256);

/**
 * The feature vector of a text: log(1 + count) of each hashed n-gram, scaled to unit length, plus the layout
 * indicators at a fixed weight (so they count the same in a one-line string and a long page). `lower` is
 * `text.toLowerCase()` when the caller has it (the signals stage lowercases each document once for every module).
 */
export function featurize(
  text: string,
  spec: FeatureSpec = DEFAULT_FEATURE_SPEC,
  lower?: string,
): SparseVector {
  const nt = countFeatures(text, spec, lower);
  const idx = new Int32Array(nt + 4);
  const val = new Float32Array(idx.length);
  const scale = logCounts(nt);
  for (let t = 0; t < nt; t++) {
    idx[t] = touched[t] as number;
    val[t] = (logs[t] as number) * scale;
  }
  for (let k = 0; k < 4; k++) {
    idx[nt + k] = layout[k] as number;
    val[nt + k] = 0.5;
  }
  return { idx, val };
}

/**
 * The linear score `bias + weights · featurize(text)` without building the vector: the same terms summed in the
 * same order (the n-grams in the order they were first counted, then the layout facts), so the same number.
 */
export function linearScoreOf(
  weights: Float32Array,
  bias: number,
  text: string,
  spec: FeatureSpec = DEFAULT_FEATURE_SPEC,
  lower?: string,
): number {
  const nt = countFeatures(text, spec, lower);
  const scale = logCounts(nt);
  let s = bias;
  for (let t = 0; t < nt; t++)
    s += (weights[touched[t] as number] as number) * Math.fround((logs[t] as number) * scale);
  for (let k = 0; k < 4; k++) s += (weights[layout[k] as number] as number) * 0.5;
  return s;
}

/**
 * Turns the counts of the `nt` touched slots into log(1 + count) (in `logs`), clearing them for the next text, and
 * returns the unit-length scale.
 */
function logCounts(nt: number): number {
  let norm = 0;
  for (let t = 0; t < nt; t++) {
    const i = touched[t] as number;
    const c = counts[i] as number;
    counts[i] = 0;
    const v = c < 256 ? (LOG1P[c] as number) : Math.log1p(c);
    logs[t] = v;
    norm += v * v;
  }
  return norm > 0 ? 1 / Math.sqrt(norm) : 0;
}

/**
 * 1 when a slot's count is 0 (its first count), else 0: added to the touched length after writing the slot there
 * unconditionally, so the n-gram loop has no branch on whether a slot is new (half the time it is, unpredictably).
 */
const firstCount = (count: number): number => (count - 1) >>> 31;

/** The slots of the four layout facts of the last text counted. */
const layout = new Int32Array(4);

/**
 * Counts the hashed n-grams of a text into `counts` (the slots in first-count order in `touched`, returned: how
 * many) and puts its layout slots in `layout`.
 *
 * One pass over the lowercased text finds the words and hashes them as it goes (FNV-1a over UTF-16 units, no
 * string per word or per n-gram), and counts the lines and digits the layout facts need: lowercasing changes
 * none of whitespace, newlines, ASCII digits or closing punctuation, so they are read from the same units.
 */
function countFeatures(text: string, spec: FeatureSpec, lower: string | undefined): number {
  const dim = 1 << spec.bits;
  const mask = dim - 1;
  // Lowercasing lengthens only U+0130 (to two units), so a text is at most 2 * maxChars units.
  if (spec.maxChars * 10 > 0xffff)
    throw new Error(
      `edu model: its features read ${spec.maxChars} characters, over the ${Math.floor(0xffff / 10)} that 16-bit counts allow`,
    );
  if (counts.length !== dim) {
    counts = new Uint16Array(dim);
    touched = new Int32Array(dim + 1); // one past the last slot: the n-gram loop writes before it counts
    logs = new Float32Array(dim);
  }
  const acc = counts;
  const order = touched;
  let nt = 0;
  const longest = spec.maxCharGram ?? 5;
  if (longest < 3 || longest > 5 || !Number.isInteger(longest))
    throw new Error(`edu model: maxCharGram ${longest} is not 3, 4 or 5`);
  const body = text.length > spec.maxChars ? text.slice(0, spec.maxChars) : text;
  const low = lower !== undefined && body === text ? lower : body.toLowerCase();
  const len = low.length;
  if (marked.length < len + 2) marked = new Uint16Array(len + 2);
  marked[0] = 60;
  let prev = 0x2f; // a start-of-text word
  // Layout facts: non-blank lines, those that end in closing punctuation, ASCII digits.
  let lines = 0;
  let closed = 0;
  let digitCount = 0;
  let lineOpen = false;
  let lastUnit = 0;
  for (let k = 0; k < len; ) {
    let c = low.charCodeAt(k);
    const digit = c >= 48 && c <= 57;
    let cls = 0;
    let u = 1;
    if (!digit) {
      if (c >= 0xd800 && c <= 0xdbff) {
        cls = classAt(low, k);
        u = unitsAt(low, k);
      } else cls = unitClass(c);
      if (!(cls & WORD_UNIT)) {
        if (c === 10) {
          if (lineOpen) {
            lines++;
            closed += LINE_END[lastUnit] as number;
          }
          lineOpen = false;
        } else if (!(cls & WS)) {
          lineOpen = true;
          lastUnit = low.charCodeAt(k + u - 1);
        }
        k += u;
        continue;
      }
    }
    // One word: its hash as its units go by, and its units copied to `marked` after a `<` for the n-grams below.
    let h = WORD_SEED;
    let n = 1;
    if (digit) {
      do {
        h = Math.imul(h ^ c, PRIME);
        marked[n++] = c;
        digitCount++;
        c = low.charCodeAt(++k);
      } while (c >= 48 && c <= 57);
    } else {
      for (;;) {
        h = Math.imul(h ^ c, PRIME);
        marked[n++] = c;
        if (u === 2) {
          const lo = low.charCodeAt(k + 1);
          h = Math.imul(h ^ lo, PRIME);
          marked[n++] = lo;
        }
        k += u;
        if (k >= len) break;
        c = low.charCodeAt(k);
        if (c >= 0xd800 && c <= 0xdbff) {
          cls = classAt(low, k);
          u = unitsAt(low, k);
        } else {
          cls = unitClass(c);
          u = 1;
        }
        if (!(cls & WORD_UNIT)) break;
      }
    }
    lineOpen = true;
    lastUnit = low.charCodeAt(k - 1);
    const hw = h >>> 0;
    let i = hw & mask;
    order[nt] = i;
    nt += firstCount(acc[i] as number);
    (acc[i] as number)++;
    i = mix(prev, hw, NS_BIGRAM) & mask;
    order[nt] = i;
    nt += firstCount(acc[i] as number);
    (acc[i] as number)++;
    prev = hw;
    // Character 3- to `longest`-grams of the word with its edges marked (<word>), so suffixes (-ҳо, -ро, -ӣ) and stems
    // both count: by start, each 3-gram's hash extended to the longer ones (the order of first counts fixes the order
    // in which the score sums its terms, so it stays the same).
    marked[n++] = 62;
    for (let s = 0; s + 3 <= n; s++) {
      let g = Math.imul(CHAR_SEED ^ (marked[s] as number), PRIME);
      g = Math.imul(g ^ (marked[s + 1] as number), PRIME);
      g = Math.imul(g ^ (marked[s + 2] as number), PRIME);
      i = g & mask;
      order[nt] = i;
      nt += firstCount(acc[i] as number);
      (acc[i] as number)++;
      if (longest < 4 || s + 4 > n) continue;
      g = Math.imul(g ^ (marked[s + 3] as number), PRIME);
      i = g & mask;
      order[nt] = i;
      nt += firstCount(acc[i] as number);
      (acc[i] as number)++;
      if (longest < 5 || s + 5 > n) continue;
      g = Math.imul(g ^ (marked[s + 4] as number), PRIME);
      i = g & mask;
      order[nt] = i;
      nt += firstCount(acc[i] as number);
      (acc[i] as number)++;
    }
  }
  if (lineOpen) {
    lines++;
    closed += LINE_END[lastUnit] as number;
  }
  const n = Math.max(1, lines);
  layout[0] = (LINE_LEN[bin(Math.log2(1 + body.length / n), 1, 12)] as number) & mask;
  layout[1] = (PUNCT_LINES[bin(closed / n, 0.2, 5)] as number) & mask;
  layout[2] = (DIGITS[bin(Math.sqrt(digitCount / Math.max(1, body.length)), 0.1, 6)] as number) & mask;
  layout[3] = (CHARS[bin(Math.log2(1 + body.length), 1.5, 10)] as number) & mask;
  return nt;
}
