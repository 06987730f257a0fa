import { FNV_OFFSET, FNV_PRIME } from "@soro/core";

/**
 * Gemma 3 tokenizes a text as one BPE word (its normalizer turns spaces into `▁` and its pre-tokenizer never
 * splits), yet no token of its vocabulary holds `▁` after any character but `▁` or `>`, and none holds a newline
 * next to anything but another newline (test/batch-tokenizer.test.ts checks the shipped tokenizer.json). So no
 * merge can cross a point where a `▁` run starts after another character, nor either end of a newline run, and the
 * text splits there into pieces whose ids, concatenated, are exactly the ids of the whole text. Pieces repeat
 * (Zipf): a cache of piece → ids turns most of the BPE work into one table lookup. Newline runs are pieces of their
 * own: kept inside, a line's last word and the next line's first would make a piece per pair of lines, which
 * rarely repeats and keeps missing the cache.
 *
 * The split and the cache work on UTF-8 bytes: texts come from Parquet as bytes, a piece is hashed as it is
 * scanned, and only the pieces the cache lacks are decoded to strings for the tokenizer. (`▁` is E2 96 81, a
 * sequence no other character's encoding contains, and the other break characters are ASCII, so a byte scan cuts
 * exactly where a character scan does.)
 */

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/** Text to tokenize: a string, or its UTF-8 bytes (what Parquet hands over; null reads as empty). */
export type TextInput = string | Uint8Array | null;

/** Token ids of a batch of texts: one flat array and each text's length. */
export interface EncodedBatch {
  ids: Int32Array;
  lengths: Int32Array;
}

/** Encodes many distinct pieces at once (the cache's miss path: a native tokenizer, or the JS one). */
export type PieceEncoder = (pieces: string[]) => Promise<Int32Array[]> | Int32Array[];

const NEWLINE = 0x0a;
const SPACE = 0x20;
const GT = 0x3e;
/** Character classes of the split: what decides whether a break falls before a character. */
const OTHER = 0;
const BLANK = 1;
const AFTER_GT = 2;
const LINE = 3;

/**
 * Calls `piece(start, end, hash)` for each piece of `bytes` in order: a newline run; or a run of spaces (` ` or
 * `▁`), then everything up to the next space run not preceded by `>` or the next newline; or a space run at the end
 * or before a newline. `hash` is FNV-1a over the piece's bytes (its sign does not matter: only its low bits pick a
 * slot, and equal bytes give equal hashes).
 */
function scanPieces(bytes: Uint8Array, piece: (start: number, end: number, hash: number) => void): void {
  const n = bytes.length;
  let start = 0;
  let hash = OFFSET;
  let prev = OTHER;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    let cls = OTHER;
    let width = 1;
    if (b === NEWLINE) cls = LINE;
    else if (b === SPACE) cls = BLANK;
    else if (b === 0xe2 && bytes[i + 1] === 0x96 && bytes[i + 2] === 0x81) {
      cls = BLANK;
      width = 3;
    } else if (b === GT) cls = AFTER_GT;
    if (i > start && ((cls === LINE) !== (prev === LINE) || (cls === BLANK && prev === OTHER))) {
      piece(start, i, hash);
      start = i;
      hash = OFFSET;
    }
    for (const end = i + width; i < end; i++) hash = Math.imul(hash ^ (bytes[i] ?? 0), PRIME);
    prev = cls;
  }
  if (n > start) piece(start, n, hash);
}

const utf8 = new TextDecoder();

/** The UTF-8 bytes of a text input. */
function toBytes(text: TextInput): Uint8Array {
  if (text === null) return new Uint8Array(0);
  return typeof text === "string" ? Buffer.from(text, "utf8") : text;
}

/** A text input as a string (for tokenizers that take whole texts). */
export function toText(text: TextInput): string {
  if (text === null) return "";
  return typeof text === "string" ? text : utf8.decode(text);
}

/** The pieces of a text in order; they concatenate to the text. */
export function splitPieces(text: string): string[] {
  const bytes = toBytes(text);
  const out: string[] = [];
  scanPieces(bytes, (start, end) => out.push(utf8.decode(bytes.subarray(start, end))));
  return out;
}

/** A growable Int32Array. */
class Ints {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  reserve(more: number): void {
    if (this.length + more <= this.data.length) return;
    const next = new Int32Array(Math.max(this.data.length * 2, this.length + more));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
}

/** A growable byte arena. */
class Bytes {
  data: Uint8Array;
  length = 0;
  constructor(capacity = 1 << 20) {
    this.data = new Uint8Array(capacity);
  }
  append(from: Uint8Array, start: number, end: number): number {
    const at = this.length;
    const more = end - start;
    if (at + more > this.data.length) {
      const next = new Uint8Array(Math.max(this.data.length * 2, at + more));
      next.set(this.data.subarray(0, at));
      this.data = next;
    }
    if (more < 16) for (let k = 0; k < more; k++) this.data[at + k] = from[start + k] ?? 0;
    else this.data.set(from.subarray(start, end), at);
    this.length += more;
    return at;
  }
}

/** An entry's fields in the record array, one 32-byte record per piece so a lookup touches one cache line. */
const KEY = 0;
const KEY_LEN = 1;
const ID = 2;
/** Ids of the piece; -1 while its encoding is pending. */
const ID_LEN = 3;
const STAMP = 4;
const HASH = 5;
const REC = 8;

/**
 * Piece → ids cache in front of an exact tokenizer: an open-addressing table over UTF-8 piece bytes (each slot holds
 * a piece's hash and record; the bytes and the ids live in two flat arenas, so the cache holds no JS objects),
 * bounded in two generations: each piece carries the generation it was last used in; once `capacity / 2` pieces
 * carry the current one, the pieces not used since the previous turn are dropped (between batches only) and a new
 * generation starts. The common pieces survive every turn while a worker's RSS stays flat.
 */
export class PieceCache {
  /** Pieces looked up and pieces that missed, for the bench. */
  lookups = 0;
  misses = 0;

  /** Pairs of (hash, record offset + 1); 0 marks an empty slot. */
  private slots = new Int32Array(2 << 20);
  private recs = new Ints(REC << 16);
  private keys = new Bytes();
  private ids = new Ints(1 << 18);
  private generation = 0;
  private current = 0;
  /** The current batch: each piece's record offset in order, and the records to encode. */
  private found = new Ints(1 << 18);
  private pending = new Ints(1 << 12);
  /** The batch's ids as they are emitted (reused: a batch's output is copied out). */
  private out = new Ints(1 << 20);
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly capacity = 400_000) {}

  /** Pieces held. */
  get size(): number {
    return this.recs.length / REC;
  }

  /** The record offset of a piece, added (pending) when missing; marked as used in this generation. */
  private entry(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const len = end - start;
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    const keys = this.keys.data;
    const recs = this.recs.data;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const r = (slots[2 * slot + 1] ?? 0) - 1;
      if (r < 0) return this.add(bytes, start, end, hash, slot);
      if (slots[2 * slot] !== hash || recs[r + KEY_LEN] !== len) continue;
      const at = recs[r + KEY] ?? 0;
      let k = 0;
      while (k < len && keys[at + k] === bytes[start + k]) k++;
      if (k < len) continue;
      if (recs[r + STAMP] !== this.generation) {
        recs[r + STAMP] = this.generation;
        this.current++;
      }
      return r;
    }
  }

  private add(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    const r = this.recs.length;
    this.recs.reserve(REC);
    const recs = this.recs.data;
    recs[r + KEY] = this.keys.append(bytes, start, end);
    recs[r + KEY_LEN] = end - start;
    recs[r + ID_LEN] = -1;
    recs[r + STAMP] = this.generation;
    recs[r + HASH] = hash;
    this.recs.length += REC;
    this.current++;
    this.pending.push(r);
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = r + 1;
    // Half full at most, so probe runs stay short.
    if (this.size * 4 > this.slots.length) this.rehash(this.slots.length);
    return r;
  }

  /** Rebuilds the slots for `pairs` slot pairs. */
  private rehash(pairs: number): void {
    const slots = new Int32Array(2 * pairs);
    const mask = pairs - 1;
    const recs = this.recs.data;
    for (let r = 0; r < this.recs.length; r += REC) {
      const hash = recs[r + HASH] ?? 0;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = r + 1;
    }
    this.slots = slots;
  }

  /** Starts a new generation once the current one is full, dropping the pieces the last one did not use. */
  private turn(): void {
    if (this.current < this.capacity / 2) return;
    const { recs, keys, ids } = this;
    this.recs = new Ints(Math.max(REC << 16, recs.length));
    this.keys = new Bytes(Math.max(1 << 20, keys.length));
    this.ids = new Ints(Math.max(1 << 18, ids.length));
    const to = this.recs.data;
    for (let r = 0; r < recs.length; r += REC) {
      if (recs.data[r + STAMP] !== this.generation) continue;
      const w = this.recs.length;
      const k = recs.data[r + KEY] ?? 0;
      const len = recs.data[r + KEY_LEN] ?? 0;
      const i = recs.data[r + ID] ?? 0;
      const n = recs.data[r + ID_LEN] ?? 0;
      to[w + KEY] = this.keys.append(keys.data, k, k + len);
      to[w + KEY_LEN] = len;
      to[w + ID] = this.ids.length;
      to[w + ID_LEN] = n;
      to[w + STAMP] = this.generation;
      to[w + HASH] = recs.data[r + HASH] ?? 0;
      this.recs.length += REC;
      this.ids.reserve(n);
      this.ids.data.set(ids.data.subarray(i, i + n), this.ids.length);
      this.ids.length += n;
    }
    this.generation++;
    this.current = 0;
    let pairs = 1 << 20;
    while (pairs < this.size * 2) pairs *= 2;
    this.rehash(pairs);
  }

  /** Looks up every piece of the texts, adding the missing ones as pending; returns each text's end in `found`. */
  private scan(texts: readonly TextInput[]): Int32Array {
    this.turn();
    this.found.length = 0;
    this.pending.length = 0;
    const ends = new Int32Array(texts.length);
    for (let t = 0; t < texts.length; t++) {
      const bytes = toBytes(texts[t] ?? null);
      scanPieces(bytes, (start, end, hash) => this.found.push(this.entry(bytes, start, end, hash)));
      ends[t] = this.found.length;
    }
    this.lookups += this.found.length;
    this.misses += this.pending.length;
    return ends;
  }

  /** The pending pieces as strings, for the tokenizer. */
  private pendingPieces(): string[] {
    const out = new Array<string>(this.pending.length);
    for (let p = 0; p < this.pending.length; p++) {
      const r = this.pending.data[p] ?? 0;
      const at = this.recs.data[r + KEY] ?? 0;
      out[p] = utf8.decode(this.keys.data.subarray(at, at + (this.recs.data[r + KEY_LEN] ?? 0)));
    }
    return out;
  }

  /** Stores the tokenizer's ids of the pending pieces. */
  private fill(encoded: Int32Array[]): void {
    if (encoded.length !== this.pending.length) {
      throw new Error(`tokenizer: ${this.pending.length} pieces came back as ${encoded.length} encodings`);
    }
    for (let p = 0; p < this.pending.length; p++) {
      const r = this.pending.data[p] ?? 0;
      const got = encoded[p] ?? new Int32Array(0);
      this.recs.data[r + ID] = this.ids.length;
      this.recs.data[r + ID_LEN] = got.length;
      this.ids.reserve(got.length);
      this.ids.data.set(got, this.ids.length);
      this.ids.length += got.length;
    }
  }

  /** The ids of the scanned texts, flat, with each text's length. */
  private emit(ends: Int32Array): EncodedBatch {
    const found = this.found.data;
    const recs = this.recs.data;
    const ids = this.ids.data;
    const out = this.out;
    out.length = 0;
    const lengths = new Int32Array(ends.length);
    let k = 0;
    for (let t = 0; t < ends.length; t++) {
      const begin = out.length;
      for (const end = ends[t] ?? 0; k < end; k++) {
        const r = found[k] ?? 0;
        const from = recs[r + ID] ?? 0;
        const n = recs[r + ID_LEN] ?? 0;
        out.reserve(n);
        const to = out.data;
        for (let j = 0; j < n; j++) to[out.length++] = ids[from + j] ?? 0;
      }
      lengths[t] = out.length - begin;
    }
    return { ids: out.data.slice(0, out.length), lengths };
  }

  /** Ids of one text, with misses encoded synchronously (the JS tokenizer). */
  encodeSync(text: TextInput, encode: (piece: string) => Int32Array): Int32Array {
    const ends = this.scan([text]);
    this.fill(this.pendingPieces().map(encode));
    return this.emit(ends).ids;
  }

  /** Ids of a batch of texts; the distinct pieces the cache lacks go to `encode` in one call. */
  encodeBatch(texts: readonly TextInput[], encode: PieceEncoder): Promise<EncodedBatch> {
    // One batch at a time: a batch that starts over the cache must not evict pieces another batch counted on.
    const run = this.last.then(async () => {
      const ends = this.scan(texts);
      if (this.pending.length > 0) this.fill(await encode(this.pendingPieces()));
      return this.emit(ends);
    });
    this.last = run.catch(() => {});
    return run;
  }
}
