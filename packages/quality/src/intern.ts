/**
 * Interns the word forms of one text as ids: open addressing over typed arrays, keyed by a hash of the form's
 * characters and checked against the characters themselves, so a form is sliced out of the text only the first
 * time it occurs (a Map keyed by strings sliced per word spent most of a word pass on allocation and hashing), and
 * per-form work (a lexicon lookup, a syllable count) is done once per form rather than once per word.
 *
 * One table serves every word pass in the thread, one text at a time: `begin` clears it for a text, `id` interns
 * the form text[start, end) under its FNV-1a hash (`FNV_SEED`, `fnvStep` over its UTF-16 units).
 */

export const FNV_SEED = 0x811c9dc5;
export const fnvStep = (h: number, unit: number): number => Math.imul(h ^ unit, 0x01000193);

let slotHash = new Int32Array(1 << 12);
let slotId = new Int32Array(1 << 12); // id + 1; 0 is an empty slot
let formStart = new Int32Array(1 << 10);
let formEnd = new Int32Array(1 << 10);
let formHash = new Int32Array(1 << 10);
let mask = 0;
let text = "";
/** The forms interned since `begin`, by id. */
let forms: string[] = [];

function sameForm(s: string, a: number, b: number, c: number, d: number): boolean {
  if (b - a !== d - c) return false;
  for (let k = 0; k < b - a; k++) if (s.charCodeAt(a + k) !== s.charCodeAt(c + k)) return false;
  return true;
}

/** Clears the table for the words of `s` and returns the list its forms will go to (id order). */
export function beginForms(s: string): string[] {
  // At most one form per two units (a word and its separator), so the table stays at most half full.
  let cap = 1 << 12;
  while (cap < s.length + 2) cap *= 2;
  if (slotHash.length < cap) {
    slotHash = new Int32Array(cap);
    slotId = new Int32Array(cap);
  } else slotId.fill(0, 0, cap);
  mask = cap - 1;
  text = s;
  forms = [];
  return forms;
}

/** The id of the form text[start, end) whose hash is `h`, a new one if it is the first occurrence. */
export function formId(start: number, end: number, h: number): number {
  let slot = h & mask;
  for (;;) {
    const v = slotId[slot] as number;
    if (v === 0) break;
    if (
      slotHash[slot] === h &&
      sameForm(text, start, end, formStart[v - 1] as number, formEnd[v - 1] as number)
    )
      return v - 1;
    slot = (slot + 1) & mask;
  }
  const id = forms.length;
  if (id === formStart.length) {
    const grownStart = new Int32Array(id * 2);
    grownStart.set(formStart);
    formStart = grownStart;
    const grownEnd = new Int32Array(id * 2);
    grownEnd.set(formEnd);
    formEnd = grownEnd;
    const grownHash = new Int32Array(id * 2);
    grownHash.set(formHash);
    formHash = grownHash;
  }
  formStart[id] = start;
  formEnd[id] = end;
  formHash[id] = h;
  forms.push(text.slice(start, end));
  slotHash[slot] = h;
  slotId[slot] = id + 1;
  return id;
}

/** The hash of each form interned since `begin`, by id (a copy). */
export function formHashes(): Int32Array<ArrayBuffer> {
  return formHash.slice(0, forms.length);
}

/** The FNV-1a hash `formId` expects of a whole string. */
export function fnvOf(s: string): number {
  let h = FNV_SEED;
  for (let k = 0; k < s.length; k++) h = fnvStep(h, s.charCodeAt(k));
  return h;
}

/**
 * A set of strings looked up by their FNV-1a hash (`formHashes`): the engine hashes a string on its first lookup
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
