/**
 * Interns the word forms of one text as ids: open addressing over typed arrays, keyed by a hash of the form's
 * characters and checked against the characters themselves, so no string is cut per word (a Map keyed by strings
 * sliced per word spent most of a word pass on allocation and hashing), and per-form work (a lexicon lookup, a
 * syllable count) is done once per form rather than once per word.
 *
 * A `FormTable` serves one kind of word in the thread, one text at a time: `begin` clears it for a text, `id`
 * interns the form text[start, end) under its FNV-1a hash of its UTF-16 units as a signed 32-bit number (core's
 * `fnv1a`, or its constants in the tokenizer's loop).
 */

import { fnv1a } from "@soro/core";

function sameForm(s: string, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let k = 0; k < b - a; k++) if (s.charCodeAt(a + k) !== s.charCodeAt(c + k)) return false;
  return true;
}

/**
 * An interning table over one text at a time (`begin`), reused across texts: a tokenizer keeps one per kind of
 * word it finds, so two kinds of words can be interned in the same pass.
 */
export class FormTable {
  slotHash = new Int32Array(1 << 12);
  slotId = new Int32Array(1 << 12); // id + 1; 0 is an empty slot
  starts = new Int32Array(1 << 10);
  ends = new Int32Array(1 << 10);
  hashes = new Int32Array(1 << 10);
  mask = 0;
  count = 0;
  text = "";

  /** Clears the table for the words of `s`. */
  begin(s: string): void {
    // At most one form per two units (a word and its separator), so the table stays at most half full.
    let cap = 1 << 12;
    while (cap < s.length + 2) cap *= 2;
    if (this.slotHash.length < cap) {
      this.slotHash = new Int32Array(cap);
      this.slotId = new Int32Array(cap);
    } else this.slotId.fill(0, 0, cap);
    this.mask = cap - 1;
    this.text = s;
    this.count = 0;
  }

  /** The id of the form text[start, end) whose hash is `h`, a new one if it is the first occurrence. */
  id(start: number, end: number, h: number): number {
    const mask = this.mask;
    const slotId = this.slotId;
    let slot = h & mask;
    for (;;) {
      const v = slotId[slot] as number;
      if (v === 0) break;
      if (
        this.slotHash[slot] === h &&
        sameForm(this.text, start, end, this.starts[v - 1] as number, this.ends[v - 1] as number)
      )
        return v - 1;
      slot = (slot + 1) & mask;
    }
    const id = this.count++;
    if (id === this.starts.length) {
      this.starts = grown(this.starts);
      this.ends = grown(this.ends);
      this.hashes = grown(this.hashes);
    }
    this.starts[id] = start;
    this.ends[id] = end;
    this.hashes[id] = h;
    this.slotHash[slot] = h;
    slotId[slot] = id + 1;
    return id;
  }

  /** The forms interned since `begin`, with the word ids found (copies: the table moves on to the next text). */
  take<T extends InternedWords>(
    ids: Int32Array,
    n: number,
    Kind: new (...args: ConstructorParameters<typeof InternedWords>) => T,
  ): T {
    const c = this.count;
    // One buffer for the four arrays: allocating typed arrays cost more than filling them.
    const buf = new Int32Array(n + 3 * c);
    buf.set(ids.subarray(0, n));
    buf.set(this.starts.subarray(0, c), n);
    buf.set(this.ends.subarray(0, c), n + c);
    buf.set(this.hashes.subarray(0, c), n + 2 * c);
    return new Kind(
      this.text,
      buf.subarray(0, n),
      buf.subarray(n, n + c),
      buf.subarray(n + c, n + 2 * c),
      buf.subarray(n + 2 * c),
    );
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}

/**
 * The words of one text as interned form ids. A form is a range of the text (`starts`, `ends`) with its hash, and is
 * cut out as a string only when asked for (`form`, `forms`): most per-form work (lengths, letters, lexicon lookups by
 * hash) reads the text's units, and cutting every new form was much of a word pass's allocation.
 */
export class InternedWords {
  #cut: string[] = [];
  #all = false;

  constructor(
    /** The text the forms are ranges of. */
    readonly text: string,
    /** The form id of each word, in text order. */
    readonly ids: Int32Array,
    readonly starts: Int32Array,
    readonly ends: Int32Array,
    /** The FNV-1a hash of each form (`HashedForms` looks forms up by it). */
    readonly hashes: Int32Array,
  ) {}

  /** How many distinct forms. */
  get formCount(): number {
    return this.starts.length;
  }

  /** The form of one id. */
  form(id: number): string {
    let f = this.#cut[id];
    if (f === undefined) {
      f = this.text.slice(this.starts[id], this.ends[id]);
      this.#cut[id] = f;
    }
    return f;
  }

  /** The form of each id. */
  get forms(): string[] {
    if (!this.#all) {
      for (let id = 0; id < this.formCount; id++) this.form(id);
      this.#all = true;
    }
    return this.#cut;
  }
}

/** The FNV-1a hash `FormTable.id` expects of a whole string: signed, as the typed arrays hold it. */
export const fnvOf = (s: string): number => fnv1a(s) | 0;

/**
 * A set of strings looked up by their FNV-1a hash (`InternedWords.hashes`): the engine hashes a string on its first lookup
 * in a Set, and every form sliced from a new text is a new string, so a lexicon lookup per form cost more than
 * finding the words.
 */
export class HashedForms {
  // Open addressing: each slot holds a hash and its string (hash 0 is stored as 1: 0 marks an empty slot).
  readonly #hash: Int32Array;
  readonly #form: string[];
  readonly #mask: number;

  constructor(forms: Iterable<string>) {
    const all = [...new Set(forms)];
    let cap = 16;
    while (cap < all.length * 4) cap *= 2;
    this.#hash = new Int32Array(cap);
    this.#form = new Array<string>(cap).fill("");
    this.#mask = cap - 1;
    for (const f of all) {
      const h = fnvOf(f) || 1;
      let slot = h & this.#mask;
      while (this.#hash[slot] !== 0) slot = (slot + 1) & this.#mask;
      this.#hash[slot] = h;
      this.#form[slot] = f;
    }
  }

  /** Whether text[start, end), whose hash is `hash`, is in the set (no string is cut to ask). */
  hasRange(text: string, start: number, end: number, hash: number): boolean {
    const h = hash || 1;
    for (let slot = h & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const v = this.#hash[slot] as number;
      if (v === 0) return false;
      if (v === h && sameRange(this.#form[slot] as string, text, start, end)) return true;
    }
  }

  /** Whether `form`, whose hash is `hash`, is in the set. */
  has(form: string, hash: number): boolean {
    const h = hash || 1;
    for (let slot = h & this.#mask; ; slot = (slot + 1) & this.#mask) {
      const v = this.#hash[slot] as number;
      if (v === 0) return false;
      if (v === h && this.#form[slot] === form) return true;
    }
  }
}

function sameRange(form: string, text: string, start: number, end: number): boolean {
  if (form.length !== end - start) return false;
  for (let k = 0; k < form.length; k++) if (form.charCodeAt(k) !== text.charCodeAt(start + k)) return false;
  return true;
}

/** Appends `v` at `n` to a growable id array, returning the array (grown when full). */
export function pushId(a: Int32Array<ArrayBuffer>, n: number, v: number): Int32Array<ArrayBuffer> {
  let out = a;
  if (n === a.length) {
    out = new Int32Array(a.length * 2);
    out.set(a);
  }
  out[n] = v;
  return out;
}
