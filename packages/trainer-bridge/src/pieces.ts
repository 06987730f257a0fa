/**
 * Gemma 3 tokenizes a text as one BPE word (its normalizer turns spaces into `▁` and its pre-tokenizer never
 * splits), yet no token of its vocabulary holds `▁` after any character but `▁` or `>`, and none holds a newline
 * next to anything but another newline (test/batch-tokenizer.test.ts checks the shipped tokenizer.json). So no
 * merge can cross a point where a `▁` run starts after another character, nor either end of a newline run, and the
 * text splits there into pieces whose ids, concatenated, are exactly the ids of the whole text. Pieces repeat
 * (Zipf): a cache of piece → ids turns most of the BPE work into one Map lookup. Newline runs are pieces of their
 * own: kept inside, a line's last word and the next line's first would make a piece per pair of lines, which
 * rarely repeats and keeps missing the cache.
 */

/** A newline run; or a run of spaces, then everything up to the next space run not preceded by `>` or the next
 * newline; or a space run at the end or before a newline. */
const PIECE = /\n+|[ ▁]*(?:[^ ▁>\n]|>[ ▁]*)+|[ ▁]+/g;

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
 * A copy of a piece that holds none of its text: V8 keeps a substring of 13+ characters as a view of the whole
 * string it came from, so a cached piece would otherwise keep its document's text alive.
 */
function ownCopy(piece: string): string {
  return piece.length < 13 ? piece : Buffer.from(piece, "utf16le").toString("utf16le");
}

/**
 * Piece → ids cache in front of an exact tokenizer, bounded in two generations: new pieces go to the young map;
 * once it holds `capacity / 2` pieces it becomes the old one (the previous old one is dropped) before the next text
 * or batch. A piece found in the old map moves back to the young one, so the common pieces survive every turn while
 * a worker's RSS stays flat.
 */
export class PieceCache {
  private young = new Map<string, PieceIds>();
  private old = new Map<string, PieceIds>();
  /** Pieces looked up and pieces that missed, for the bench. */
  lookups = 0;
  misses = 0;

  constructor(private readonly capacity = 400_000) {}

  private store(piece: string, ids: Int32Array): void {
    this.young.set(ownCopy(piece), ids.length === 1 ? (ids[0] ?? ids) : ids);
  }

  private get(piece: string): PieceIds | undefined {
    const ids = this.young.get(piece);
    if (ids !== undefined) return ids;
    const aged = this.old.get(piece);
    if (aged !== undefined) this.young.set(ownCopy(piece), aged);
    return aged;
  }

  /** Ages the young map once it is full; only between texts or batches, so a batch's lookups stay valid. */
  private turn(): void {
    if (this.young.size < this.capacity / 2) return;
    this.old = this.young;
    this.young = new Map();
  }

  /** Ids of one text, with misses encoded synchronously (the JS tokenizer). */
  encodeSync(text: string, encode: (piece: string) => Int32Array): Int32Array {
    this.turn();
    const out = new IdBuffer();
    for (const piece of splitPieces(text)) {
      this.lookups++;
      let ids = this.get(piece);
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
    // Age between batches only: ids found below are held in `found`, so nothing is looked up twice.
    this.turn();
    // One lookup per piece: hits are kept in order as their ids, misses as the piece itself, whose ids the one
    // encoder call brings.
    const found: Array<PieceIds | string> = [];
    const ends = new Int32Array(texts.length);
    const missing = new Map<string, number>();
    for (const [t, text] of texts.entries()) {
      for (const p of splitPieces(text)) {
        const ids = this.get(p);
        if (ids !== undefined) found.push(ids);
        else {
          if (!missing.has(p)) missing.set(p, missing.size);
          found.push(p);
        }
      }
      ends[t] = found.length;
    }
    let fresh: Int32Array[] = [];
    const missed = (piece: string): Int32Array => {
      const ids = fresh[missing.get(piece) ?? -1];
      if (!ids) throw new Error(`tokenizer: ${missing.size} pieces came back as ${fresh.length} encodings`);
      return ids;
    };
    if (missing.size > 0) {
      const list = [...missing.keys()];
      fresh = await encode(list);
      for (const p of list) this.store(p, missed(p));
    }
    const out = new IdBuffer();
    const lengths = new Int32Array(texts.length);
    let k = 0;
    for (let t = 0; t < texts.length; t++) {
      const start = out.length;
      for (; k < (ends[t] ?? 0); k++) {
        const ids = found[k];
        if (typeof ids === "number") out.push(ids);
        else if (ids !== undefined) out.pushAll(typeof ids === "string" ? missed(ids) : ids);
      }
      lengths[t] = out.length - start;
    }
    this.lookups += found.length;
    this.misses += missing.size;
    return { ids: out.ids.slice(0, out.length), lengths };
  }
}
