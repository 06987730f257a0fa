/**
 * A sorted vocabulary held as it lies in a model file: the words' UTF-16 code units back to back and the offset
 * where each begins (Tajik Cyrillic takes two bytes a letter in UTF-8 as well). Nothing is parsed at load: word ->
 * row goes through an open-addressing table of row numbers built over the code units (no JavaScript string per
 * word), and the words become strings only when a caller walks the whole vocabulary.
 */
export class WordTable {
  /** Row + 1 per slot (0: empty), a power of two at least twice the words. */
  private readonly slots: Uint32Array;
  private readonly mask: number;
  private strings?: readonly string[];

  constructor(
    private readonly codes: Uint16Array,
    /** Word i is codes[offsets[i]..offsets[i+1]); offsets has one more entry than there are words. */
    private readonly offsets: Uint32Array,
  ) {
    const n = offsets.length - 1;
    let size = 16;
    while (size < 2 * n) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < n; id++) {
      const from = offsets[id] as number;
      const to = offsets[id + 1] as number;
      let h = 0x811c9dc5;
      for (let i = from; i < to; i++) h = Math.imul(h ^ (codes[i] as number), 0x01000193);
      let s = mix(h) & this.mask;
      while (this.slots[s] !== 0) s = (s + 1) & this.mask;
      this.slots[s] = id + 1;
    }
  }

  get size(): number {
    return this.offsets.length - 1;
  }

  /** Row of `word`, or -1. */
  id(word: string): number {
    const n = word.length;
    let h = 0x811c9dc5;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    const { slots, offsets, codes, mask } = this;
    for (let s = mix(h) & mask; ; s = (s + 1) & mask) {
      const e = slots[s] as number;
      if (e === 0) return -1;
      const from = offsets[e - 1] as number;
      if ((offsets[e] as number) - from !== n) continue;
      let i = 0;
      while (i < n && codes[from + i] === word.charCodeAt(i)) i++;
      if (i === n) return e - 1;
    }
  }

  /** The word at row `id` ("" outside the table). */
  word(id: number): string {
    return this.all()[id] ?? "";
  }

  /** Every word, in row order (made once, on first use: one decode of the code units, then slices). */
  all(): readonly string[] {
    if (!this.strings) {
      const text = new TextDecoder("utf-16le").decode(this.codes);
      const out: string[] = new Array(this.size);
      for (let i = 0; i < out.length; i++)
        out[i] = text.slice(this.offsets[i] as number, this.offsets[i + 1] as number);
      this.strings = out;
    }
    return this.strings;
  }
}

/** Spreads FNV-1a's low bits, which the slot mask keeps (murmur3's finaliser). */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The code units and offsets of `words`, for a model file. */
export function wordTableArrays(words: readonly string[]): { codes: Uint16Array; offsets: Uint32Array } {
  const offsets = new Uint32Array(words.length + 1);
  for (let i = 0; i < words.length; i++)
    offsets[i + 1] = (offsets[i] as number) + (words[i] as string).length;
  const codes = new Uint16Array(offsets[words.length] as number);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const at = offsets[i] as number;
    for (let j = 0; j < w.length; j++) codes[at + j] = w.charCodeAt(j);
  }
  return { codes, offsets };
}
