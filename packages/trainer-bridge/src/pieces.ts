/**
 * Gemma 3 tokenizes a text as one BPE word (its normalizer turns spaces into `▁` and its pre-tokenizer never
 * splits), yet no token of its vocabulary holds `▁` after any character but `▁` or `>` (test/pieces.test.ts checks
 * the shipped tokenizer.json). So no merge can cross a point where a `▁` run starts after another character, and
 * the text splits there into pieces whose ids, concatenated, are exactly the ids of the whole text. Pieces repeat
 * (Zipf): a cache of piece → ids turns most of the BPE work into one Map lookup.
 */

/** A run of spaces, then everything up to the next space run not preceded by `>` (or a trailing space run). */
const PIECE = /[ ▁]*(?:[^ ▁>]|>[ ▁]*)+|[ ▁]+/g;

/** The pieces of a text in order; they concatenate to the text. */
export function splitPieces(text: string): string[] {
  return text.match(PIECE) ?? [];
}

/** Ids of a piece: one number for the most common case of a single token, else the array. */
type PieceIds = number | Int32Array;

/** Encodes many distinct pieces at once (the cache's miss path: a native tokenizer, or the JS one). */
export type PieceEncoder = (pieces: string[]) => Promise<Int32Array[]> | Int32Array[];

/** Growable Int32 buffer for the concatenated ids of a batch of texts. */
class IdBuffer {
  ids = new Int32Array(1 << 16);
  length = 0;
  push(id: number): void {
    if (this.length === this.ids.length) this.grow(1);
    this.ids[this.length++] = id;
  }
  pushAll(ids: Int32Array): void {
    if (this.length + ids.length > this.ids.length) this.grow(ids.length);
    // Most pieces are a few tokens: a loop beats set() below about eight.
    if (ids.length < 8) for (let i = 0; i < ids.length; i++) this.ids[this.length++] = ids[i] ?? 0;
    else {
      this.ids.set(ids, this.length);
      this.length += ids.length;
    }
  }
  private grow(need: number): void {
    const next = new Int32Array(Math.max(this.ids.length * 2, this.length + need));
    next.set(this.ids.subarray(0, this.length));
    this.ids = next;
  }
}

/** Token ids of a batch of texts: one flat array and each text's length. */
export interface EncodedBatch {
  ids: Int32Array;
  lengths: Int32Array;
}

/**
 * Piece → ids cache in front of an exact tokenizer. Bounded: once it holds `capacity` pieces it starts over before
 * the next text or batch (a worker's RSS stays flat; the common pieces come back within a few documents).
 */
export class PieceCache {
  private readonly map = new Map<string, PieceIds>();
  /** Pieces looked up and pieces that missed, for the bench. */
  lookups = 0;
  misses = 0;

  constructor(private readonly capacity = 400_000) {}

  private store(piece: string, ids: Int32Array): void {
    this.map.set(piece, ids.length === 1 ? (ids[0] ?? ids) : ids);
  }

  /** Ids of one text, with misses encoded synchronously (the JS tokenizer). */
  encodeSync(text: string, encode: (piece: string) => Int32Array): Int32Array {
    if (this.map.size >= this.capacity) this.map.clear();
    const out = new IdBuffer();
    for (const piece of splitPieces(text)) {
      this.lookups++;
      let ids = this.map.get(piece);
      if (ids === undefined) {
        this.misses++;
        const fresh = encode(piece);
        this.store(piece, fresh);
        ids = fresh.length === 1 ? (fresh[0] ?? fresh) : fresh;
      }
      if (typeof ids === "number") out.push(ids);
      else out.pushAll(ids);
    }
    return out.ids.slice(0, out.length);
  }

  private last: Promise<unknown> = Promise.resolve();

  /** Ids of a batch of texts; the distinct pieces the cache lacks go to `encode` in one call. */
  encodeBatch(texts: string[], encode: PieceEncoder): Promise<EncodedBatch> {
    // One batch at a time: a batch that starts over the cache must not evict pieces another batch counted on.
    const run = this.last.then(() => this.encodeBatchNow(texts, encode));
    this.last = run.catch(() => {});
    return run;
  }

  private async encodeBatchNow(texts: string[], encode: PieceEncoder): Promise<EncodedBatch> {
    // Start over between batches only, so every piece seen as cached below is still there when assembling.
    if (this.map.size >= this.capacity) this.map.clear();
    // One lookup per piece: hits are kept in order, misses leave a hole that the one encoder call fills.
    const pieces: string[] = [];
    const found: Array<PieceIds | undefined> = [];
    const ends = new Int32Array(texts.length);
    const missing = new Map<string, number>();
    for (const [t, text] of texts.entries()) {
      for (const p of splitPieces(text)) {
        const ids = this.map.get(p);
        if (ids === undefined && !missing.has(p)) missing.set(p, missing.size);
        pieces.push(p);
        found.push(ids);
      }
      ends[t] = pieces.length;
    }
    let fresh: Int32Array[] = [];
    const missed = (i: number): Int32Array => {
      const ids = fresh[i];
      if (!ids) throw new Error(`tokenizer: ${missing.size} pieces came back as ${fresh.length} encodings`);
      return ids;
    };
    if (missing.size > 0) {
      const list = [...missing.keys()];
      fresh = await encode(list);
      for (const [i, p] of list.entries()) this.store(p, missed(i));
    }
    const out = new IdBuffer();
    const lengths = new Int32Array(texts.length);
    let k = 0;
    for (let t = 0; t < texts.length; t++) {
      const start = out.length;
      for (; k < (ends[t] ?? 0); k++) {
        const ids = found[k] ?? missed(missing.get(pieces[k] ?? "") ?? -1);
        if (typeof ids === "number") out.push(ids);
        else out.pushAll(ids);
      }
      lengths[t] = out.length - start;
    }
    this.lookups += pieces.length;
    this.misses += missing.size;
    return { ids: out.ids.slice(0, out.length), lengths };
  }
}
