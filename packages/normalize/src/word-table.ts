import { FNV_OFFSET, FNV_PRIME, fmix32, fnv1a, fnv1aUnits } from "@soro/core";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/** `WordTable.idLower`'s answer for a word it cannot lower-case code unit by code unit. */
export const LOWER_BY_STRING = -2;

/**
 * The lower case of each code unit as `String#toLowerCase` gives it inside any string, or 0 where it cannot be
 * taken unit by unit: İ lowers to two code units, Σ to ς or σ by its place in the word, and a surrogate's letter
 * lowers by the pair.
 */
const LOWER_UNIT = new Uint16Array(0x10000);
for (let c = 1; c < 0x10000; c++) {
  if (c === 0x3a3 || (c >= 0xd800 && c <= 0xdfff)) continue;
  const l = String.fromCharCode(c).toLowerCase();
  if (l.length === 1) LOWER_UNIT[c] = l.charCodeAt(0);
}

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
    readonly codes: Uint16Array,
    /** Word i is codes[offsets[i]..offsets[i+1]); offsets has one more entry than there are words. */
    readonly offsets: Uint32Array,
  ) {
    const n = offsets.length - 1;
    let size = 16;
    while (size < 2 * n) size *= 2;
    this.slots = new Uint32Array(size);
    this.mask = size - 1;
    for (let id = 0; id < n; id++) {
      const from = offsets[id] as number;
      const to = offsets[id + 1] as number;
      let s = fmix32(fnv1aUnits(codes, from, to)) & this.mask;
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
    const { slots, offsets, codes, mask } = this;
    for (let s = fmix32(fnv1a(word)) & mask; ; s = (s + 1) & mask) {
      const e = slots[s] as number;
      if (e === 0) return -1;
      const from = offsets[e - 1] as number;
      if ((offsets[e] as number) - from !== n) continue;
      let i = 0;
      while (i < n && codes[from + i] === word.charCodeAt(i)) i++;
      if (i === n) return e - 1;
    }
  }

  /**
   * Row of the lower case of `text[start..end)`, or -1; hashed and compared code unit by code unit, without a string.
   * `LOWER_BY_STRING` when a code unit's lower case is not one code unit of its own (İ, Σ, surrogates): the caller
   * looks the lower-cased string up instead. Its probe is `id`'s with each code unit lowered; the two share no
   * helper because comparing through a table of code units, as such a helper would for `id` too, made `id` ~10%
   * slower (76 -> 84-88 ns a lookup over the model's words, built code).
   */
  idLower(text: string, start: number, end: number): number {
    const lower = LOWER_UNIT;
    let h = OFFSET;
    for (let i = start; i < end; i++) {
      const l = lower[text.charCodeAt(i)] as number;
      if (l === 0) return LOWER_BY_STRING;
      h = Math.imul(h ^ l, PRIME);
    }
    const n = end - start;
    const { slots, offsets, codes, mask } = this;
    for (let s = fmix32(h >>> 0) & mask; ; s = (s + 1) & mask) {
      const e = slots[s] as number;
      if (e === 0) return -1;
      const from = offsets[e - 1] as number;
      if ((offsets[e] as number) - from !== n) continue;
      let i = 0;
      while (i < n && codes[from + i] === lower[text.charCodeAt(start + i)]) i++;
      if (i === n) return e - 1;
    }
  }

  /** The word at row `id` ("" outside the table). */
  word(id: number): string {
    if (this.strings) return this.strings[id] ?? "";
    if (!(id >= 0 && id < this.size)) return "";
    // apply, not a spread: three times faster on a typed array.
    return String.fromCharCode.apply(
      null,
      this.codes.subarray(this.offsets[id], this.offsets[id + 1]) as unknown as number[],
    );
  }

  /** Whether word `id` holds a code unit that `marks` flags. */
  holds(id: number, marks: Uint8Array): boolean {
    for (let j = this.offsets[id] as number; j < (this.offsets[id + 1] as number); j++)
      if (marks[this.codes[j] as number] === 1) return true;
    return false;
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

/**
 * Rows of a `WordTable` grouped by a key spelled from each word code unit by code unit (`map`: a code unit's
 * replacement, 0 to leave it out), each group most frequent first (then by row): the words a damaged or
 * differently written spelling may stand for. Built over the code units in typed arrays (no string or Map per
 * word), so a model of 700k words is grouped in tens of milliseconds.
 */
export class KeyGroups {
  /** Member rows, group by group. */
  private readonly rows: Uint32Array;
  /** Group g is rows[from[g]..from[g+1]). */
  private readonly from: Uint32Array;
  /** Per slot, group + 1 (0: empty) then its key's hash, side by side (one cache line); a group's key is that of its first row. */
  private readonly slots: Uint32Array;
  private readonly mask: number;
  /** Each member's group (-1: not a member). */
  private readonly groupOf: Int32Array;

  constructor(
    private readonly table: WordTable,
    private readonly map: Uint16Array,
    member: (id: number) => boolean,
    counts: Uint32Array,
  ) {
    const n = table.size;
    const groupOf = new Int32Array(n).fill(-1);
    let members = 0;
    for (let id = 0; id < n; id++)
      if (member(id)) {
        groupOf[id] = 0;
        members++;
      }
    let size = 16;
    while (size < 2 * members) size *= 2;
    this.slots = new Uint32Array(2 * size);
    this.mask = size - 1;
    const slots = this.slots;
    // Each group's first row, and its size.
    const first = new Uint32Array(members);
    const sizes = new Uint32Array(members);
    let groups = 0;
    for (let id = 0; id < n; id++) {
      if (groupOf[id] !== 0) continue;
      const h = this.wordHash(id);
      for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
        const e = slots[2 * s] as number;
        if (e === 0) {
          slots[2 * s] = groups + 1;
          slots[2 * s + 1] = h;
          groupOf[id] = groups;
          first[groups] = id;
          sizes[groups++] = 1;
          break;
        }
        if (slots[2 * s + 1] === h && this.sameKey(first[e - 1] as number, id)) {
          groupOf[id] = e - 1;
          (sizes[e - 1] as number)++;
          break;
        }
      }
    }
    this.groupOf = groupOf;
    this.from = new Uint32Array(groups + 1);
    for (let g = 0; g < groups; g++) this.from[g + 1] = (this.from[g] as number) + (sizes[g] as number);
    const at = this.from.slice(0, groups);
    this.rows = new Uint32Array(members);
    for (let id = 0; id < n; id++) {
      const g = groupOf[id] as number;
      if (g >= 0) this.rows[(at[g] as number)++] = id;
    }
    const before = (a: number, b: number) => (counts[b] as number) - (counts[a] as number) || a - b;
    for (let g = 0; g < groups; g++) {
      const lo = this.from[g] as number;
      const hi = this.from[g + 1] as number;
      if (hi - lo > 16) this.rows.subarray(lo, hi).sort(before);
      else
        for (let i = lo + 1; i < hi; i++) {
          const x = this.rows[i] as number;
          let j = i - 1;
          for (; j >= lo && before(this.rows[j] as number, x) > 0; j--)
            this.rows[j + 1] = this.rows[j] as number;
          this.rows[j + 1] = x;
        }
    }
  }

  /** The rows whose key is `key` (already spelled as keys are), most frequent first, or undefined. */
  get(key: string): Uint32Array | undefined {
    const h = fmix32(fnv1a(key));
    const { codes, offsets } = this.table;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = this.slots[2 * s] as number;
      if (e === 0) return undefined;
      if (this.slots[2 * s + 1] !== h) continue;
      const id = this.rows[this.from[e - 1] as number] as number;
      let i = 0;
      let ok = true;
      for (let j = offsets[id] as number; j < (offsets[id + 1] as number) && ok; j++) {
        const c = this.map[codes[j] as number] as number;
        if (c !== 0) ok = key.charCodeAt(i++) === c;
      }
      if (ok && i === key.length) return this.rows.subarray(this.from[e - 1], this.from[e]);
    }
  }

  /** The rows whose key is that of word `id` (a member or not), or undefined. */
  ofWord(id: number): Uint32Array | undefined {
    const g = this.groupOf[id] ?? -1;
    if (g >= 0) return this.rows.subarray(this.from[g], this.from[g + 1]);
    const h = this.wordHash(id);
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const e = this.slots[2 * s] as number;
      if (e === 0) return undefined;
      const from = this.from[e - 1] as number;
      if (this.slots[2 * s + 1] === h && this.sameKey(this.rows[from] as number, id))
        return this.rows.subarray(from, this.from[e]);
    }
  }

  private wordHash(id: number): number {
    const { codes, offsets } = this.table;
    // The units of the key: mapped, and those the key drops (0) skipped.
    let h = OFFSET;
    for (let j = offsets[id] as number; j < (offsets[id + 1] as number); j++) {
      const c = this.map[codes[j] as number] as number;
      if (c !== 0) h = Math.imul(h ^ c, PRIME);
    }
    return fmix32(h);
  }

  private sameKey(a: number, b: number): boolean {
    const { codes, offsets } = this.table;
    const map = this.map;
    let i = offsets[a] as number;
    let j = offsets[b] as number;
    const ea = offsets[a + 1] as number;
    const eb = offsets[b + 1] as number;
    for (;;) {
      while (i < ea && map[codes[i] as number] === 0) i++;
      while (j < eb && map[codes[j] as number] === 0) j++;
      if (i === ea || j === eb) return i === ea && j === eb;
      if (map[codes[i++] as number] !== map[codes[j++] as number]) return false;
    }
  }
}

/** A code unit map for `KeyGroups`: `replace`'s letters to theirs ("" leaves a letter out), others to themselves or, with `dropOthers`, left out. */
export function codeMap(replace: Iterable<[string, string]>, dropOthers = false): Uint16Array {
  const map = new Uint16Array(0x10000);
  if (!dropOthers) for (let c = 1; c < map.length; c++) map[c] = c;
  for (const [from, to] of replace) {
    if (from.length !== 1 || to.length > 1) throw new Error(`codeMap: ${from} -> ${to} is not one code unit`);
    map[from.charCodeAt(0)] = to.length ? to.charCodeAt(0) : 0;
  }
  return map;
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
