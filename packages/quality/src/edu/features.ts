/**
 * Hashed features of a passage for the educational-value classifier: word unigrams and bigrams, character 3- to
 * 5-grams inside words, and a few binned layout facts (line length, punctuated lines, digits, length). Hashing keeps
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
}

export const DEFAULT_FEATURE_SPEC: FeatureSpec = { bits: 17, maxChars: 6000 };

// Namespaces keep a word, a bigram and a character n-gram with equal hashes apart.
const NS_WORD = 0x1b873593;
const NS_BIGRAM = 0x5bd1e995;
const NS_CHAR = 0x27d4eb2d;
const NS_LAYOUT = 0x165667b1;
const CHAR_SEED = (0x811c9dc5 ^ NS_CHAR) >>> 0;

/** FNV-1a over a string's UTF-16 units, seeded by a namespace. */
function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

/** Mixes two hashes (a bigram of word hashes). */
function mix(a: number, b: number, seed: number): number {
  let h = Math.imul(a ^ seed, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

const WORD = /[\p{L}\p{M}]+|\d+/gu;
/** Punctuation that closes a sentence-like line, by UTF-16 unit. */
const LINE_END = new Uint8Array(0x10000);
for (const ch of '.!?…:;»"') LINE_END[ch.charCodeAt(0)] = 1;

/** Binned layout facts as feature names: they carry what the n-grams cannot see, such as short UI-like lines. */
function layoutFeatures(text: string): string[] {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const n = Math.max(1, lines.length);
  const meanLine = text.length / n;
  // Last-character and digit counts by code unit: an end-anchored regex rescans each line from every position.
  const closed = (l: string) => {
    const t = l.trimEnd();
    return LINE_END[t.charCodeAt(t.length - 1)] === 1;
  };
  const punct = lines.filter(closed).length / n;
  let digitCount = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) digitCount++;
  }
  const digits = digitCount / Math.max(1, text.length);
  const bin = (x: number, step: number, max: number) => Math.min(max, Math.floor(x / step));
  return [
    `line_len:${bin(Math.log2(1 + meanLine), 1, 12)}`,
    `punct_lines:${bin(punct, 0.2, 5)}`,
    `digits:${bin(Math.sqrt(digits), 0.1, 6)}`,
    `chars:${bin(Math.log2(1 + text.length), 1.5, 10)}`,
  ];
}

/** Scratch accumulator reused across calls (features are summed in a dense array, then read back sparse). */
let scratch = new Float32Array(0);

/**
 * The feature vector of a text: log(1 + count) of each hashed n-gram, scaled to unit length, plus the layout
 * indicators at a fixed weight (so they count the same in a one-line string and a long page).
 */
export function featurize(text: string, spec: FeatureSpec = DEFAULT_FEATURE_SPEC): SparseVector {
  const dim = 1 << spec.bits;
  const mask = dim - 1;
  if (scratch.length !== dim) scratch = new Float32Array(dim);
  const acc = scratch;
  const touched: number[] = [];
  const add = (h: number, v: number) => {
    const i = h & mask;
    if (acc[i] === 0) touched.push(i);
    acc[i]! += v;
  };
  const body = text.length > spec.maxChars ? text.slice(0, spec.maxChars) : text;
  const lower = body.toLowerCase();
  let prev = 0x2f; // a start-of-text word
  for (const m of lower.matchAll(WORD)) {
    const w = m[0];
    const hw = hashString(w, NS_WORD);
    add(hw, 1);
    add(mix(prev, hw, NS_BIGRAM), 1);
    prev = hw;
    // Character 3- to 5-grams of the word with its edges marked (<word>), so suffixes (-ҳо, -ро, -ӣ) and stems both
    // count; the marked word is read in place rather than built as a string per word.
    const n = w.length + 2;
    for (let s = 0; s + 3 <= n; s++) {
      let h = CHAR_SEED;
      const end = Math.min(s + 5, n);
      for (let k = s; k < end; k++) {
        h = Math.imul(h ^ (k === 0 ? 60 : k === n - 1 ? 62 : w.charCodeAt(k - 1)), 0x01000193);
        if (k - s >= 2) {
          const i = h & mask;
          if (acc[i] === 0) touched.push(i);
          acc[i]! += 1;
        }
      }
    }
  }
  let norm = 0;
  for (const i of touched) {
    const v = Math.log1p(scratch[i]!);
    scratch[i] = v;
    norm += v * v;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const layout = layoutFeatures(body);
  const idx = new Int32Array(touched.length + layout.length);
  const val = new Float32Array(idx.length);
  for (let k = 0; k < touched.length; k++) {
    const i = touched[k]!;
    idx[k] = i;
    val[k] = scratch[i]! * scale;
    scratch[i] = 0;
  }
  for (let k = 0; k < layout.length; k++) {
    idx[touched.length + k] = hashString(layout[k]!, NS_LAYOUT) & mask;
    val[touched.length + k] = 0.5;
  }
  return { idx, val };
}
