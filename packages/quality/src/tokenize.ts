import { FNV_OFFSET, FNV_PRIME } from "@soro/core";
import { classAt, EDGE, LETTER, MARK, NUMBER, unitClass, unitsAt, WS } from "./char-classes.js";
import { FormTable, InternedWords, pushId } from "./intern.js";

// Module copies of core's constants: V8 folds them into the loops below (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const OFFSET = FNV_OFFSET;

/**
 * The two kinds of words the quality signals read, found in one pass over a lower-cased text: the whitespace words
 * (FineWeb-2's statistics, without their edge punctuation) and the runs of letters and combining marks inside them
 * (reading level, safety terms, curriculum). Each is interned as it goes, its form hashed from the units read, so
 * no string is cut per word.
 */

/** Whitespace-separated words: ids of their forms (stripped of edge punctuation) and their counts. */
export class Words extends InternedWords {
  /** Whitespace-separated words, including those that are only punctuation. */
  rawCount = 0;
  /** Words with at least one letter. */
  alphaCount = 0;
  /** The length (UTF-16 units) of each word's form, in text order. */
  lens: Int32Array = new Int32Array(0);
  /** Sum of `lens`. */
  chars = 0;
  /** Words whose form holds a letter or digit, and their characters. */
  alnumCount = 0;
  alnumChars = 0;
}

/** Lower-case letter runs of a text, interned: the words the reading level and the safety terms look at. */
export type LetterWords = InternedWords;

/** A letter or a combining mark, by UTF-16 unit (astral letters are too rare in Tajik text to matter). */
const RUN_UNIT = LETTER | MARK;

const wordTable = new FormTable();
const runTable = new FormTable();
/** Ids as they are found, reused across texts (each text's are copied out at its end). */
let wordIds = new Int32Array(1024);
let wordLens = new Int32Array(1024);
let runIds = new Int32Array(1024);
/**
 * For each letter run's form, its whitespace word's id + 1 once a word was exactly that run (0: not yet): most words
 * are one bare run, and the run's id then gives the word's without a second lookup and comparison of its units.
 */
let wordOfRun = new Int32Array(1024);

/** The whitespace words and the letter runs of a lower-cased text (`DocContext.lower`). */
export function tokenize(lower: string): { words: Words; letters: LetterWords } {
  wordTable.begin(lower);
  runTable.begin(lower);
  let ids = wordIds;
  let lens = wordLens;
  let rids = runIds;
  if (wordOfRun.length < lower.length + 1) wordOfRun = new Int32Array(lower.length + 1);
  const wordOf = wordOfRun;
  let n = 0;
  let rn = 0;
  let rawCount = 0;
  let alphaCount = 0;
  let chars = 0;
  let alnumCount = 0;
  let alnumChars = 0;
  const len = lower.length;
  for (let k = 0; k < len; ) {
    // Whitespace is never a surrogate, so the unit's own class tells.
    if (unitClass(lower.charCodeAt(k)) & WS) {
      k++;
      continue;
    }
    // One whitespace word: its letters, its form [fs, fe) hashed up to `hashed`, and the letter runs inside it.
    let hasLetter = false;
    let hasAlnum = false;
    let fs = -1;
    let fe = k;
    let hashed = k;
    let h = OFFSET;
    let runStart = -1;
    let rh = OFFSET;
    // The last run found in this word: its range and id.
    let lastStart = -1;
    let lastEnd = -1;
    let lastRun = -1;
    while (k < len) {
      const c = lower.charCodeAt(k);
      let cls: number;
      let u = 1;
      if (c >= 0xd800 && c <= 0xdbff) {
        cls = classAt(lower, k);
        u = unitsAt(lower, k);
      } else cls = unitClass(c);
      if (cls & WS) break;
      // A surrogate unit has no class of its own, so an astral letter ends a letter run.
      if (cls & RUN_UNIT && (c < 0xd800 || c > 0xdfff)) {
        if (runStart < 0) {
          runStart = k;
          rh = OFFSET;
        }
        rh = Math.imul(rh ^ c, PRIME);
      } else if (runStart >= 0) {
        lastRun = runTable.id(runStart, k, rh);
        lastStart = runStart;
        lastEnd = k;
        rids = pushId(rids, rn++, lastRun);
        runStart = -1;
      }
      if (cls & LETTER) hasLetter = true;
      if (!(cls & EDGE)) {
        if (fs < 0) {
          fs = k;
          hashed = k;
        }
        fe = k + u;
        // The form takes in the edge units between its last part and this one.
        for (; hashed < fe; hashed++) h = Math.imul(h ^ lower.charCodeAt(hashed), PRIME);
        if (cls & (LETTER | NUMBER)) hasAlnum = true;
      }
      k += u;
    }
    if (runStart >= 0) {
      lastRun = runTable.id(runStart, k, rh);
      lastStart = runStart;
      lastEnd = k;
      rids = pushId(rids, rn++, lastRun);
    }
    rawCount++;
    if (hasLetter) alphaCount++;
    if (fs < 0) continue;
    const flen = fe - fs;
    if (hasAlnum) {
      alnumCount++;
      alnumChars += flen;
    }
    let wid: number;
    // A word that is one whole run has the run's units and hash (both FNV-1a from OFFSET).
    if (lastStart === fs && lastEnd === fe) {
      const known = wordOf[lastRun] as number;
      if (known > 0) wid = known - 1;
      else {
        wid = wordTable.id(fs, fe, h);
        wordOf[lastRun] = wid + 1;
      }
    } else wid = wordTable.id(fs, fe, h);
    ids = pushId(ids, n, wid);
    lens = pushId(lens, n, flen);
    chars += flen;
    n++;
  }
  wordOf.fill(0, 0, runTable.count);
  wordIds = ids;
  wordLens = lens;
  runIds = rids;
  const words = wordTable.take(ids, n, Words);
  words.rawCount = rawCount;
  words.alphaCount = alphaCount;
  words.lens = lens.slice(0, n);
  words.chars = chars;
  words.alnumCount = alnumCount;
  words.alnumChars = alnumChars;
  return { words, letters: runTable.take(rids, rn, InternedWords) };
}
