import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { fnv1aUnits, SoroError } from "@soro/core";
import { BoundedMemo } from "./bounded-memo.js";
import { TAJIK_ALPHABET } from "./letters.js";
import { dataFile } from "./tables.js";
import { KeyGroups, WordTable, wordTableArrays } from "./word-table.js";

/** Where the counts of a model came from (recorded inside the model file). */
export interface ModelSource {
  name: string;
  /** Licence of the text as its source states it. */
  licence: string;
  lines: number;
  words: number;
}

/** What a model file says about itself. */
export interface ModelHeader {
  format: number;
  /** Version of the counts (the date or description of the build). */
  version: string;
  sources: ModelSource[];
  /** Least count a bigram needed to be kept. */
  minBigram: number;
  /** Order of the character n-gram model. */
  charOrder: number;
}

/** Raw counts of a model: what `ModelCounter` produces and a model file holds. */
export interface ModelCounts {
  unigrams: Map<string, number>;
  /** Bigram counts keyed `first\tsecond`; `<s>` starts a sentence. */
  bigrams: Map<string, number>;
  /**
   * Character n-gram counts over word types (`gramKey` of the padded word's symbols), orders 1..charOrder: keys
   * sorted ascending, counts beside them.
   */
  chars: { keys: Uint32Array; counts: Uint32Array };
}

const MAGIC = "soro-tajik-model";
/** 2: typed arrays read in place (word code units and offsets, bigrams grouped by first word); 1: parsed at load. */
const FORMAT = 2;
/** Stupid back-off factor (Brants et al. 2007): a lower order's relative frequency counts 0.4 times. */
const BACKOFF = Math.log(0.4);
/** Sentence start, as a word of the bigram table. */
export const BOS = "<s>";

/** The arrays of a model file, each used where it lies in the file's bytes. */
interface ModelTables {
  /** The sorted vocabulary's UTF-16 code units and word start offsets (see `WordTable`). */
  codes: Uint16Array;
  offsets: Uint32Array;
  counts: Uint32Array;
  /** Bigrams of first word `a` lie at bigramFrom[a]..bigramFrom[a+1], sorted by second word. */
  bigramFrom: Uint32Array;
  bigramSecond: Uint32Array;
  bigramCounts: Uint32Array;
  /** Character n-grams as `gramKey` numbers, sorted, and their counts (binary search: nothing to build at load). */
  charKeys: Uint32Array;
  charCounts: Uint32Array;
}
const TABLES = [
  "codes",
  "offsets",
  "counts",
  "bigramFrom",
  "bigramSecond",
  "bigramCounts",
  "charKeys",
  "charCounts",
] as const;

/**
 * A Tajik word model: unigram and bigram counts scored with stupid back-off, and a character n-gram model (also
 * with stupid back-off) that scores words the vocabulary lacks. Loaded from a file of sorted little-endian typed
 * arrays used in place; the header names its version and the sources of its counts.
 */
/** Entries of `scoreIds`' pair cache (a power of two). */
const PAIR_BITS = 16;
const PAIR_SHIFT = 32 - PAIR_BITS;

export class TajikModel {
  private readonly words: WordTable;
  private readonly counts: Uint32Array;
  private readonly bigramFrom: Uint32Array;
  private readonly bigramSecond: Uint32Array;
  private readonly bigramCounts: Uint32Array;
  private readonly charKeys: Uint32Array;
  private readonly charCounts: Uint32Array;
  private readonly total: number;
  private readonly charTotal: number;
  /** Stupid back-off score of each word after a context the bigrams lack: 0.4 * P(word). */
  private readonly backedOff: Float64Array;

  constructor(
    readonly header: ModelHeader,
    tables: ModelTables,
  ) {
    this.words = new WordTable(tables.codes, tables.offsets);
    this.counts = tables.counts;
    this.bigramFrom = tables.bigramFrom;
    this.bigramSecond = tables.bigramSecond;
    this.bigramCounts = tables.bigramCounts;
    this.charKeys = tables.charKeys;
    this.charCounts = tables.charCounts;
    const counts = this.counts;
    let total = 0;
    for (let i = 0; i < counts.length; i++) total += counts[i] as number;
    this.total = Math.max(1, total);
    this.backedOff = new Float64Array(counts.length);
    for (let i = 0; i < counts.length; i++)
      this.backedOff[i] = BACKOFF + Math.log((counts[i] as number) / this.total);
    let charTotal = 0;
    // Keys are sorted: the single symbols (keys below SYMBOLS) come first.
    for (let i = 0; i < this.charKeys.length && (this.charKeys[i] as number) < SYMBOLS; i++)
      charTotal += this.charCounts[i] as number;
    this.charTotal = Math.max(1, charTotal);
  }

  /** Words in the vocabulary. */
  get size(): number {
    return this.words.size;
  }

  /** The sorted vocabulary (made into strings on first use; `id` and `count` need none). */
  get vocab(): readonly string[] {
    return this.words.all();
  }

  /** The word at row `id` of the vocabulary. */
  word(id: number): string {
    return this.words.word(id);
  }

  /**
   * The rows of the words `member` accepts grouped by a key spelled from each word (see `KeyGroups`: `map` gives
   * each code unit's replacement, 0 to leave it out), most frequent first: an index such as restoration's folded
   * spellings, built over the vocabulary's code units without a string per word.
   */
  groups(map: Uint16Array, member: (id: number) => boolean): KeyGroups {
    return new KeyGroups(this.words, map, member, this.counts);
  }

  /** Whether word `id` holds a code unit that `marks` flags (a table by code unit). */
  holds(id: number, marks: Uint8Array): boolean {
    return this.words.holds(id, marks);
  }

  /** Count of a lower-case word (0 when unknown). */
  count(word: string): number {
    const id = this.words.id(word);
    return id < 0 ? 0 : (this.counts[id] ?? 0);
  }

  /** Count of the word at row `id` of the vocabulary. */
  countAt(id: number): number {
    return this.counts[id] ?? 0;
  }

  has(word: string): boolean {
    return this.words.id(word) >= 0;
  }

  /** Unigram counts as a map (for the lexicon-based steps and for merging). */
  unigramMap(): Map<string, number> {
    const m = new Map<string, number>();
    const vocab = this.vocab;
    for (let i = 0; i < vocab.length; i++) m.set(vocab[i] ?? "", this.counts[i] ?? 0);
    return m;
  }

  /** log P(word) of a known word, or undefined. */
  unigramLog(word: string): number | undefined {
    const id = this.words.id(word);
    if (id < 0) return undefined;
    return Math.log((this.counts[id] ?? 0) / this.total);
  }

  /**
   * Stupid back-off score of `word` after `prev` (log): the bigram's relative frequency when seen, else 0.4 times the
   * unigram's, else (unknown word) 0.4 times `unknownWeight` times the character model's probability of the word.
   */
  score(prev: string, word: string, unknownWeight: number): number {
    const id = this.words.id(word);
    if (id < 0) return this.unknownScore(word, unknownWeight);
    return this.scoreIds(this.words.id(prev), id);
  }

  /** Row of a known word (see `scoreIds`), or -1. */
  id(word: string): number {
    return this.words.id(word);
  }

  /** `score` of a word the vocabulary lacks (its own, whatever comes before it). */
  unknownScore(word: string, unknownWeight: number): number {
    return BACKOFF + Math.log(unknownWeight) + this.charLog(word);
  }

  /** `score` of known word `id` after word `prev` (-1: a word the vocabulary lacks), by row numbers. */
  scoreIds(prev: number, id: number): number {
    if (prev < 0) return this.backedOff[id] ?? Number.NEGATIVE_INFINITY;
    // A decoder asks for the same pairs over and over (frequent words follow frequent words): a direct-mapped
    // cache of pair -> score spares the bigram search and the log.
    const at = (Math.imul(prev, 0x9e3779b1) ^ Math.imul(id, 0x85ebca6b)) >>> PAIR_SHIFT;
    if (this.pairPrev[at] === prev && this.pairId[at] === id) return this.pairScore[at] as number;
    const c = this.bigram(prev, id);
    const v =
      c > 0
        ? Math.log(c / Math.max(1, this.counts[prev] ?? 0))
        : (this.backedOff[id] ?? Number.NEGATIVE_INFINITY);
    this.pairPrev[at] = prev;
    this.pairId[at] = id;
    this.pairScore[at] = v;
    return v;
  }

  private readonly pairPrev = new Int32Array(1 << PAIR_BITS).fill(-1);
  private readonly pairId = new Int32Array(1 << PAIR_BITS);
  private readonly pairScore = new Float64Array(1 << PAIR_BITS);

  private bigram(a: number, b: number): number {
    const second = this.bigramSecond;
    let lo = this.bigramFrom[a] ?? 0;
    const end = this.bigramFrom[a + 1] ?? 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((second[mid] as number) < b) lo = mid + 1;
      else hi = mid;
    }
    return lo < end && second[lo] === b ? (this.bigramCounts[lo] ?? 0) : 0;
  }

  /**
   * An upper bound of what known word `c` scores more than known word `w` in the same place, whatever the words
   * around: `scoreIds(p, c) - scoreIds(p2, w)` for any words `p` and `p2` before them (or -1), plus the most
   * `scoreIds(c, q) - scoreIds(w, q)` reaches over the known words `q` after them, when positive. Restoration's
   * decoder keeps a written word (`w`) against a candidate (`c`) without decoding when this bound and the
   * candidate's restored letters show it cannot win (see viterbi.ts's `firstOptionsWin`). Costs a pass over `c`'s
   * bigrams (the first call builds per-word bounds in one pass over all bigrams).
   */
  gainBound(c: number, w: number): number {
    const bounds = this.wordBounds ?? this.buildWordBounds();
    // After a word: at most c's best score after any word less w's worst.
    const before = (bounds.maxAfter[c] as number) - (bounds.minAfter[w] as number);
    // Before a word q: c's bigrams are compared one by one; after c, a word q of w's bigrams but not c's scores
    // its backed-off score, which w's `maxUnder` bounds; any other q scores the same after both.
    let after = bounds.maxUnder[w] as number;
    const end = this.bigramFrom[c + 1] ?? 0;
    for (let j = this.bigramFrom[c] ?? 0; j < end; j++) {
      const q = this.bigramSecond[j] as number;
      const own = Math.log((this.bigramCounts[j] as number) / Math.max(1, this.counts[c] ?? 0));
      const cw = this.bigram(w, q);
      const other =
        cw > 0
          ? Math.log(cw / Math.max(1, this.counts[w] ?? 0))
          : (this.backedOff[q] ?? Number.NEGATIVE_INFINITY);
      if (own - other > after) after = own - other;
    }
    return before + Math.max(0, after);
  }

  /**
   * Per word, over the bigram table: its highest and lowest `scoreIds` after any word (`maxAfter`, `minAfter`, the
   * backed-off score among them), and the most a word after it scores backed off over its bigram (`maxUnder`).
   */
  private wordBounds?: { maxAfter: Float64Array; minAfter: Float64Array; maxUnder: Float64Array };

  private buildWordBounds(): NonNullable<TajikModel["wordBounds"]> {
    const maxAfter = Float64Array.from(this.backedOff);
    const minAfter = Float64Array.from(this.backedOff);
    const maxUnder = new Float64Array(this.backedOff.length).fill(Number.NEGATIVE_INFINITY);
    for (let a = 0; a + 1 < this.bigramFrom.length; a++) {
      const total = Math.max(1, this.counts[a] ?? 0);
      const end = this.bigramFrom[a + 1] as number;
      for (let j = this.bigramFrom[a] as number; j < end; j++) {
        const b = this.bigramSecond[j] as number;
        // The same expression as `scoreIds`, so that the bounds hold to the last bit.
        const v = Math.log((this.bigramCounts[j] as number) / total);
        if (v > (maxAfter[b] as number)) maxAfter[b] = v;
        if (v < (minAfter[b] as number)) minAfter[b] = v;
        const under = (this.backedOff[b] ?? Number.NEGATIVE_INFINITY) - v;
        if (under > (maxUnder[a] as number)) maxUnder[a] = under;
      }
    }
    this.wordBounds = { maxAfter, minAfter, maxUnder };
    return this.wordBounds;
  }

  private charCount(key: number): number {
    const i = lowerBound(this.charKeys, key);
    return this.charKeys[i] === key ? (this.charCounts[i] ?? 0) : 0;
  }

  /** log probability of a word under the character model (each letter given the ones before, then the word's end). */
  charLog(word: string): number {
    return this.charMemo.get(word);
  }

  private readonly charMemo = new BoundedMemo<number>(200_000, (word) => this.charLogOf(word));

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

  /** The model's counts, to merge with new ones (a merge recounts the character n-grams from the words). */
  toCounts(): ModelCounts {
    const bigrams = new Map<string, number>();
    const vocab = this.vocab;
    for (let a = 0; a < vocab.length; a++)
      for (let j = this.bigramFrom[a] as number; j < (this.bigramFrom[a + 1] as number); j++)
        bigrams.set(`${vocab[a]}\t${vocab[this.bigramSecond[j] as number]}`, this.bigramCounts[j] as number);
    return {
      unigrams: this.unigramMap(),
      bigrams,
      chars: { keys: this.charKeys, counts: this.charCounts },
    };
  }
}

/** First index of a sorted array whose value is >= `x`. */
function lowerBound(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Symbols of the character model: word start, word end, the Tajik letters; anything else is one more symbol. */
const ALPHABET = `^$${TAJIK_ALPHABET}`;
/** Codes run 1..ALPHABET.length+1 (0 is never a symbol, so n-grams of different lengths get different keys). */
export const SYMBOLS = 64;
const OTHER = ALPHABET.length + 1;

/** A word padded with order-1 starts and one end, as symbol codes. */
export function symbolCodes(word: string, order: number): number[] {
  const codes: number[] = new Array(order - 1).fill(1);
  for (const c of word) {
    const i = ALPHABET.indexOf(c);
    codes.push(i < 2 ? OTHER : i + 1);
  }
  codes.push(2);
  return codes;
}

/** The number standing for the n-gram codes[from..to) (at most 5 symbols fit in 32 bits). */
export function gramKey(codes: number[], from: number, to: number): number {
  let k = 0;
  for (let i = from; i < to; i++) k = k * SYMBOLS + (codes[i] ?? 0);
  return k;
}

/**
 * Writes counts as a model file: a magic line, a JSON header line, then the `ModelTables` arrays in `TABLES`
 * order, each after its byte length and checksum (uint32 each) and padded to 8 bytes, so that a loader can view them
 * where they lie. `gzip` is the compression level (9 for the shipped file), 0 for none: inflating a learned model of
 * 600k words takes about as long as the rest of its load.
 */
export function saveModel(
  path: string,
  header: Omit<ModelHeader, "format">,
  counts: ModelCounts,
  options: { gzip?: number } = {},
): void {
  const vocab = [...counts.unigrams.keys()].sort();
  const id = new Map(vocab.map((w, i) => [w, i]));
  const tables: ModelTables = {
    ...wordTableArrays(vocab),
    counts: Uint32Array.from(vocab, (w) => counts.unigrams.get(w) ?? 0),
    ...bigramTables(counts.bigrams, id, vocab.length),
    charKeys: counts.chars.keys,
    charCounts: counts.chars.counts,
  };
  const head = Buffer.from(`${MAGIC}\n${JSON.stringify({ format: FORMAT, ...header })}\n`);
  const parts: Buffer[] = [head, Buffer.alloc((8 - (head.length % 8)) % 8)];
  for (const name of TABLES) {
    const a = tables[name];
    const data = Buffer.alloc(Math.ceil(a.byteLength / 8) * 8);
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(data);
    const prefix = Buffer.alloc(8);
    prefix.writeUInt32LE(a.byteLength);
    prefix.writeUInt32LE(checksum(new Uint32Array(data.buffer, data.byteOffset, data.length >>> 2)), 4);
    parts.push(prefix, data);
  }
  const body = Buffer.concat(parts);
  const level = options.gzip ?? 9;
  writeFileSync(path, level > 0 ? gzipSync(body, { level }) : body);
}

/**
 * Bigrams of known words grouped by first word, each group sorted by second word. Sorted without a comparator: a
 * counting sort by first word, then each first word's (second id * 2^32 + count) numbers sorted natively, which is
 * exact below 2^53.
 */
function bigramTables(
  bigrams: Map<string, number>,
  id: Map<string, number>,
  vocabSize: number,
): Pick<ModelTables, "bigramFrom" | "bigramSecond" | "bigramCounts"> {
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
  const second = new Uint32Array(n);
  const count = new Uint32Array(n);
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
      second[j] = Math.floor((sorted[j] as number) / 2 ** 32);
      count[j] = (sorted[j] as number) % 2 ** 32;
    }
  }
  return { bigramFrom: from, bigramSecond: second, bigramCounts: count };
}

/** FNV-1a over 32-bit words: a table's checksum in a model file. */
const checksum = (words: Uint32Array): number => fnv1aUnits(words);

function corrupt(path: string, why: string): SoroError {
  return new SoroError(
    `Tajik model ${path}: ${why}`,
    "rebuild it (`soro normalize learn`, or scripts/build-model.ts for the shipped one) or remove it",
    3,
  );
}

/** Reads a model file written by `saveModel` (gzipped or not); a missing or damaged file throws a one-line SoroError naming it. */
export function loadModel(path: string): TajikModel {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
    if (buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
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
  // Typed arrays view the bytes in place when the buffer is 8-aligned (a whole file or inflated output is).
  if (buf.byteOffset % 8 !== 0) buf = Buffer.from(buf);
  const arrays: (Uint16Array | Uint32Array)[] = [];
  let at = Math.ceil((nl2 + 1) / 8) * 8;
  for (const name of TABLES) {
    if (at + 8 > buf.length) throw corrupt(path, "truncated");
    const len = buf.readUInt32LE(at);
    const padded = Math.ceil(len / 8) * 8;
    const from = buf.byteOffset + at + 8;
    if (at + 8 + padded > buf.length) throw corrupt(path, "truncated");
    // A file not compressed has no gzip CRC: each table carries its own checksum (about 10 ms at the caps).
    if (checksum(new Uint32Array(buf.buffer, from, padded >>> 2)) !== buf.readUInt32LE(at + 4))
      throw corrupt(path, `damaged (${name} checksum)`);
    arrays.push(
      name === "codes"
        ? new Uint16Array(buf.buffer, from, len >>> 1)
        : new Uint32Array(buf.buffer, from, len >>> 2),
    );
    at += 8 + padded;
  }
  const t = Object.fromEntries(TABLES.map((name, i) => [name, arrays[i]])) as unknown as ModelTables;
  const words = t.offsets.length - 1;
  if (
    words < 0 ||
    t.offsets[words] !== t.codes.length ||
    t.counts.length !== words ||
    t.bigramFrom.length !== words + 1 ||
    t.bigramFrom[words] !== t.bigramSecond.length ||
    t.bigramCounts.length !== t.bigramSecond.length ||
    t.charCounts.length !== t.charKeys.length
  )
    throw corrupt(path, "section sizes disagree");
  for (let i = 0; i < words; i++)
    if (
      (t.offsets[i] as number) > (t.offsets[i + 1] as number) ||
      (t.bigramFrom[i] as number) > (t.bigramFrom[i + 1] as number)
    )
      throw corrupt(path, "damaged tables");
  return new TajikModel(header, t);
}

/** File name of the shipped default model under data/. */
export const DEFAULT_MODEL = "tajik-model.bin.gz";
let shipped: TajikModel | undefined;

/** The default model shipped with the package (built by scripts/build-model.ts), loaded once per thread. */
export function defaultModel(): TajikModel {
  shipped ??= loadModel(dataFile(DEFAULT_MODEL).pathname);
  return shipped;
}
