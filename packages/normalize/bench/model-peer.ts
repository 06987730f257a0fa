// The model file and loader that came before format 2 (format 1: gzip, the vocabulary as text split at load, a Map
// of it, bigram rows turned into keys), kept only as the peer of bench/model-load.bench.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { SoroError } from "@soro/core";
import { gramKey, type ModelCounts, type ModelHeader, SYMBOLS, symbolCodes } from "../src/model.js";

const MAGIC = "soro-tajik-model";
const FORMAT = 1;
/** Stupid back-off factor (Brants et al. 2007): a lower order's relative frequency counts 0.4 times. */
const BACKOFF = Math.log(0.4);

/**
 * A Tajik word model: unigram and bigram counts scored with stupid back-off, and a character n-gram model (also
 * with stupid back-off) that scores words the vocabulary lacks. Loaded from a gzip file of sorted string tables and
 * little-endian uint32 columns; the header names its version and the sources of its counts.
 */
export class PeerModel {
  /** Word -> row in the sorted vocabulary. */
  private readonly ids = new Map<string, number>();
  private readonly counts: Uint32Array;
  /** Bigram keys (first id * vocabulary size + second id), sorted, and their counts. */
  private readonly bigramKeys: Float64Array;
  private readonly bigramCounts: Uint32Array;
  private readonly total: number;
  private readonly charTotal: number;
  private readonly vocabSize: number;
  /** Stupid back-off score of each word after a context the bigrams lack: 0.4 * P(word). */
  private readonly backedOff: Float64Array;
  /** Bigrams of first word `a` lie at bigramFrom[a]..bigramFrom[a+1] (their keys sorted by second word). */
  private readonly bigramFrom: Uint32Array;

  constructor(
    readonly header: ModelHeader,
    readonly vocab: string[],
    counts: Uint32Array,
    bigramRows: Uint32Array,
    /** Character n-grams as `gramKey` numbers, sorted, and their counts (binary search: nothing to build at load). */
    private readonly charKeys: Uint32Array,
    private readonly charCounts: Uint32Array,
  ) {
    this.counts = counts;
    this.vocabSize = vocab.length;
    let total = 0;
    for (let i = 0; i < vocab.length; i++) {
      this.ids.set(vocab[i] ?? "", i);
      total += counts[i] ?? 0;
    }
    this.total = Math.max(1, total);
    this.backedOff = new Float64Array(vocab.length);
    for (let i = 0; i < vocab.length; i++)
      this.backedOff[i] = BACKOFF + Math.log((counts[i] ?? 0) / this.total);
    const n = Math.floor(bigramRows.length / 3);
    this.bigramKeys = new Float64Array(n);
    this.bigramCounts = new Uint32Array(n);
    this.bigramFrom = new Uint32Array(vocab.length + 1);
    for (let i = 0; i < n; i++) {
      this.bigramKeys[i] = (bigramRows[3 * i] ?? 0) * vocab.length + (bigramRows[3 * i + 1] ?? 0);
      this.bigramCounts[i] = bigramRows[3 * i + 2] ?? 0;
      (this.bigramFrom[(bigramRows[3 * i] ?? 0) + 1] as number)++;
    }
    for (let i = 0; i < vocab.length; i++) (this.bigramFrom[i + 1] as number) += this.bigramFrom[i] ?? 0;
    let charTotal = 0;
    for (let i = 0; i < charKeys.length; i++)
      if ((charKeys[i] ?? 0) < SYMBOLS) charTotal += charCounts[i] ?? 0;
    this.charTotal = Math.max(1, charTotal);
  }

  /** Count of a lower-case word (0 when unknown). */
  count(word: string): number {
    const id = this.ids.get(word);
    return id === undefined ? 0 : (this.counts[id] ?? 0);
  }

  /** Count of the word at row `id` of the vocabulary. */
  countAt(id: number): number {
    return this.counts[id] ?? 0;
  }

  has(word: string): boolean {
    return this.ids.has(word);
  }

  /** Unigram counts as a map (for the lexicon-based steps and for merging). */
  unigramMap(): Map<string, number> {
    const m = new Map<string, number>();
    for (let i = 0; i < this.vocab.length; i++) m.set(this.vocab[i] ?? "", this.counts[i] ?? 0);
    return m;
  }

  /** log P(word) of a known word, or undefined. */
  unigramLog(word: string): number | undefined {
    const id = this.ids.get(word);
    if (id === undefined) return undefined;
    return Math.log((this.counts[id] ?? 0) / this.total);
  }

  /**
   * Stupid back-off score of `word` after `prev` (log): the bigram's relative frequency when seen, else 0.4 times the
   * unigram's, else (unknown word) 0.4 times `unknownWeight` times the character model's probability of the word.
   */
  score(prev: string, word: string, unknownWeight: number): number {
    const id = this.ids.get(word);
    if (id === undefined) return this.unknownScore(word, unknownWeight);
    return this.scoreIds(this.ids.get(prev) ?? -1, id);
  }

  /** Row of a known word (see `scoreIds`), or -1. */
  id(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  /** `score` of a word the vocabulary lacks (its own, whatever comes before it). */
  unknownScore(word: string, unknownWeight: number): number {
    return BACKOFF + Math.log(unknownWeight) + this.charLog(word);
  }

  /** `score` of known word `id` after word `prev` (-1: a word the vocabulary lacks), by row numbers. */
  scoreIds(prev: number, id: number): number {
    if (prev >= 0) {
      const c = this.bigram(prev, id);
      if (c > 0) return Math.log(c / Math.max(1, this.counts[prev] ?? 0));
    }
    return this.backedOff[id] ?? Number.NEGATIVE_INFINITY;
  }

  private bigram(a: number, b: number): number {
    const key = a * this.vocabSize + b;
    let lo = this.bigramFrom[a] ?? 0;
    let hi = this.bigramFrom[a + 1] ?? 0;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.bigramKeys[mid] ?? 0) < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < (this.bigramFrom[a + 1] ?? 0) && this.bigramKeys[lo] === key
      ? (this.bigramCounts[lo] ?? 0)
      : 0;
  }

  private charCount(key: number): number {
    const i = lowerBound(this.charKeys, key);
    return this.charKeys[i] === key ? (this.charCounts[i] ?? 0) : 0;
  }

  /** log probability of a word under the character model (each letter given the ones before, then the word's end). */
  charLog(word: string): number {
    const hit = this.charMemo.get(word);
    if (hit !== undefined) return hit;
    // Bounded: a long job meets millions of distinct unknown words.
    if (this.charMemo.size > 200_000) this.charMemo.clear();
    const v = this.charLogOf(word);
    this.charMemo.set(word, v);
    return v;
  }

  private readonly charMemo = new Map<string, number>();

  private charLogOf(word: string): number {
    const order = this.header.charOrder;
    const codes = symbolCodes(word, order);
    let sum = 0;
    for (let i = order - 1; i < codes.length; i++) sum += this.charStep(codes, i, order);
    return sum;
  }

  /** log P(codes[i] | the order-1 symbols before it), stupid back-off down to the symbol's own frequency. */
  charStep(codes: number[], i: number, order: number): number {
    let penalty = 0;
    for (let n = order; n > 1; n--) {
      const ctx = gramKey(codes, i - n + 1, i);
      const c = this.charCount(ctx * SYMBOLS + (codes[i] ?? 0));
      if (c > 0) {
        const h = this.charCount(ctx);
        if (h > 0) return penalty + Math.log(c / h);
      }
      penalty += BACKOFF;
    }
    return penalty + Math.log((this.charCount(codes[i] ?? 0) + 0.5) / this.charTotal);
  }

  /** The model's word and bigram counts, to merge with new ones (character n-grams are recounted from the words). */
  toCounts(): ModelCounts {
    const bigrams = new Map<string, number>();
    const V = this.vocabSize;
    for (let i = 0; i < this.bigramKeys.length; i++) {
      const k = this.bigramKeys[i] ?? 0;
      bigrams.set(`${this.vocab[Math.floor(k / V)]}\t${this.vocab[k % V]}`, this.bigramCounts[i] ?? 0);
    }
    return {
      unigrams: this.unigramMap(),
      bigrams,
      chars: { keys: this.charKeys, counts: this.charCounts },
    };
  }
}

/** First index of a sorted array whose value is >= `x`. */
function lowerBound(a: Float64Array | Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Writes counts as a model file (gzip: magic line, JSON header line, then length-prefixed sections). `level` is
 * gzip's (9 for the shipped file; a large learned model saves faster at a lower one and loads as fast).
 */
export function savePeerModel(
  path: string,
  header: Omit<ModelHeader, "format">,
  counts: ModelCounts,
  options: { level?: number } = {},
): void {
  const vocab = [...counts.unigrams.keys()].sort();
  const id = new Map(vocab.map((w, i) => [w, i]));
  const uni = Uint32Array.from(vocab, (w) => counts.unigrams.get(w) ?? 0);
  const bi = bigramRows(counts.bigrams, id, vocab.length);
  const sections = [
    Buffer.from(vocab.join("\n")),
    Buffer.from(uni.buffer),
    Buffer.from(bi.buffer, bi.byteOffset, bi.byteLength),
    Buffer.from(counts.chars.keys.buffer, counts.chars.keys.byteOffset, counts.chars.keys.byteLength),
    Buffer.from(counts.chars.counts.buffer, counts.chars.counts.byteOffset, counts.chars.counts.byteLength),
  ];
  const head = Buffer.from(`${MAGIC}\n${JSON.stringify({ format: FORMAT, ...header })}\n`);
  const parts: Buffer[] = [head];
  for (const s of sections) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(s.length);
    parts.push(len, s);
  }
  writeFileSync(path, gzipSync(Buffer.concat(parts), { level: options.level ?? 9 }));
}

/**
 * Bigrams of known words as (first id, second id, count) rows sorted by ids (sorted rows compress better and read
 * back in order). Sorted without a comparator: a counting sort by first word, then each first word's
 * (second id * 2^32 + count) numbers sorted natively, which is exact below 2^53.
 */
function bigramRows(bigrams: Map<string, number>, id: Map<string, number>, vocabSize: number): Uint32Array {
  const first = new Uint32Array(bigrams.size);
  const rest = new Float64Array(bigrams.size);
  let n = 0;
  for (const [k, c] of bigrams) {
    const tab = k.indexOf("\t");
    const ia = id.get(k.slice(0, tab));
    const ib = id.get(k.slice(tab + 1));
    if (ia === undefined || ib === undefined || tab < 0) continue;
    first[n] = ia;
    rest[n++] = ib * 2 ** 32 + c;
  }
  const from = new Uint32Array(vocabSize + 1);
  for (let i = 0; i < n; i++) (from[(first[i] as number) + 1] as number)++;
  for (let a = 0; a < vocabSize; a++) (from[a + 1] as number) += from[a] as number;
  const at = from.slice(0, vocabSize);
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[(at[first[i] as number] as number)++] = rest[i] as number;
  const rows = new Uint32Array(3 * n);
  for (let a = 0; a < vocabSize; a++) {
    const lo = from[a] as number;
    const hi = from[a + 1] as number;
    // Most words begin few bigrams: insertion sort, cheaper than a native sort call per word.
    if (hi - lo > 32) sorted.subarray(lo, hi).sort();
    else
      for (let i = lo + 1; i < hi; i++) {
        const x = sorted[i] as number;
        let j = i - 1;
        for (; j >= lo && (sorted[j] as number) > x; j--) sorted[j + 1] = sorted[j] as number;
        sorted[j + 1] = x;
      }
    for (let j = lo; j < hi; j++) {
      rows[3 * j] = a;
      rows[3 * j + 1] = Math.floor((sorted[j] as number) / 2 ** 32);
      rows[3 * j + 2] = (sorted[j] as number) % 2 ** 32;
    }
  }
  return rows;
}

function corrupt(path: string, why: string): SoroError {
  return new SoroError(
    `Tajik model ${path}: ${why}`,
    "rebuild it (`soro normalize learn`, or scripts/build-model.ts for the shipped one) or remove it",
    3,
  );
}

/** Reads a model file written by `saveModel`; a missing or damaged file throws a one-line SoroError naming it. */
export function loadPeerModel(path: string): PeerModel {
  let buf: Buffer;
  try {
    buf = gunzipSync(readFileSync(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw corrupt(path, code === "ENOENT" ? "no such file" : `unreadable (${code ?? (e as Error).message})`);
  }
  const nl1 = buf.indexOf(10);
  const nl2 = buf.indexOf(10, nl1 + 1);
  if (nl1 < 0 || nl2 < 0 || buf.subarray(0, nl1).toString() !== MAGIC)
    throw corrupt(path, "not a model file");
  let header: ModelHeader;
  try {
    header = JSON.parse(buf.subarray(nl1 + 1, nl2).toString());
  } catch {
    throw corrupt(path, "damaged header");
  }
  if (header.format !== FORMAT) throw corrupt(path, `format ${header.format}, this version reads ${FORMAT}`);
  const sections: Buffer[] = [];
  let at = nl2 + 1;
  while (at < buf.length) {
    if (at + 4 > buf.length) throw corrupt(path, "truncated");
    const len = buf.readUInt32LE(at);
    if (at + 4 + len > buf.length) throw corrupt(path, "truncated");
    sections.push(buf.subarray(at + 4, at + 4 + len));
    at += 4 + len;
  }
  if (sections.length !== 5) throw corrupt(path, `${sections.length} sections, expected 5`);
  const [vocabBuf, uniBuf, biBuf, gramBuf, gramCountBuf] = sections as [
    Buffer,
    Buffer,
    Buffer,
    Buffer,
    Buffer,
  ];
  const u32 = (b: Buffer) => new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  const vocab = vocabBuf.length ? vocabBuf.toString().split("\n") : [];
  const uni = u32(uniBuf);
  const grams = u32(gramBuf);
  const gramCounts = u32(gramCountBuf);
  if (uni.length !== vocab.length || gramCounts.length !== grams.length || biBuf.length % 12 !== 0)
    throw corrupt(path, "section sizes disagree");
  return new PeerModel(header, vocab, uni, u32(biBuf), grams, gramCounts);
}
