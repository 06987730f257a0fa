/**
 * The Cyrillic words of the text restoration scanned last (runs of U+0400..U+04FF, as restore.ts's `scanLine` meets
 * them): where each starts and ends in the text, its two hashes for its record (cyrillic-words.ts's `wordRecord`),
 * the record itself when restoration looked it up, and its letter bits. Restoration's decoder finds a line's words
 * here instead of reading the line again. Language ID reads the same words next when restoration and the steps after
 * it kept every word in its place (most texts): it takes their ends, hashes and records from here rather than
 * reading every word again (see `wordsOf`). Scratch reused from text to text.
 */
export class TextWords {
  at = new Int32Array(256);
  end = new Int32Array(256);
  hashA = new Int32Array(256);
  hashB = new Int32Array(256);
  seen = new Uint8Array(256);
  /** The word's record when restoration looked it up (else -1), valid while the records are not emptied. */
  record = new Int32Array(256);
  count = 0;
  /** The text whose words these are, once all of it was scanned and its words kept their places; else undefined. */
  text: string | undefined;
  /** cyrillic-words.ts's `recordClears()` for which `record` holds (-1: for none). */
  clears = -1;
  /** Whether every word restoration rewrote kept its place: same length, letters of U+0400..U+04FF alone. */
  private inPlace = true;

  /** Starts the words of another text (`text` is set once all of it was scanned). */
  clear(): void {
    this.count = 0;
    this.text = undefined;
    this.clears = -1;
    this.inPlace = true;
  }

  /**
   * Restoration wrote `to` over word `k`: language ID reads that word itself, and the others stay where they were
   * unless `to` takes another length or holds a code unit outside U+0400..U+04FF (then the text's words are lost).
   */
  rewrote(k: number, to: string): void {
    this.seen[k] = (this.seen[k] as number) | REREAD;
    if (to.length !== (this.end[k] as number) - (this.at[k] as number)) this.inPlace = false;
    for (let i = 0; i < to.length; i++) {
      const c = to.charCodeAt(i);
      if (c < 0x400 || c > 0x4ff) this.inPlace = false;
    }
  }

  /**
   * Restoration is done with the text it scanned, and `text` is what it made of it: its words are language ID's to
   * read when every rewritten word kept its place, with their records for `clears` (-1: the records were emptied
   * during the scan, and none holds).
   */
  scanned(text: string, clears: number): void {
    if (!this.inPlace) return;
    this.text = text;
    this.clears = clears;
  }

  /**
   * A step after restoration turned its text `from` into `to` without touching a Cyrillic letter or moving one (no
   * change of length: punctuation's look-alike quotes and dashes): the words stand as they were.
   */
  carry(from: string, to: string): void {
    if (this.text === from) this.text = to;
  }

  /** Adds the word `[start, end)` of the text, with its hashes and letter bits. */
  push(start: number, end: number, hashA: number, hashB: number, seen: number): void {
    const n = this.count;
    if (n === this.at.length) this.grow();
    this.at[n] = start;
    this.end[n] = end;
    this.hashA[n] = hashA;
    this.hashB[n] = hashB;
    this.seen[n] = seen;
    this.record[n] = -1;
    this.count = n + 1;
  }

  /** Doubles every array, keeping its values. */
  private grow(): void {
    const ints = (n: number) => new Int32Array(n);
    this.at = grown(this.at, ints);
    this.end = grown(this.end, ints);
    this.hashA = grown(this.hashA, ints);
    this.hashB = grown(this.hashB, ints);
    this.record = grown(this.record, ints);
    this.seen = grown(this.seen, (n) => new Uint8Array(n));
  }
}

/** Doubles a typed array, keeping its values. */
export function grown<T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Letter bit (in `seen`) of a word language ID reads itself: it holds U+0482 `҂` (inside a run of U+0400..U+04FF,
 * but no letter to language ID's words, which end there), or restoration rewrote it.
 */
export const REREAD = 16;

/** The one scratch restoration fills. */
export const textWords = new TextWords();

/** The words restoration scanned of `text`, when it scanned all of it and the text is as it was then. */
export function wordsOf(text: string): TextWords | undefined {
  return textWords.text === text ? textWords : undefined;
}
