import { FNV_PRIME } from "@soro/core";
import { BoundedMemo } from "./bounded-memo.js";
import type { ChangeLog } from "./changes.js";
import {
  MAX_WORDS,
  noteOf,
  recordClears,
  setNote,
  TOUCH_WORDS,
  touchRecords,
  wordRecord,
} from "./cyrillic-words.js";
import { TAJIK_FUNCTION_WORDS_FOLDED } from "./function-words.js";
import { matchCase, TAJIK_SPECIAL } from "./letters.js";
import type { TajikModel } from "./model.js";
import { RUSSIAN_FUNCTION_WORDS } from "./russian-words.js";
import { grown, REREAD, textWords } from "./text-words.js";
import { bestPath, firstOptionsWin, type LatticeSlot } from "./viterbi.js";
import { CYRILLIC_LOWER, WORD_HASH_START } from "./word-hash.js";
import { codeMap } from "./word-table.js";

/** Frequent Tajik words, as typed without Tajik letters: evidence that a Cyrillic line is Tajik. */
const TAJIK_MARKERS = new Set(TAJIK_FUNCTION_WORDS_FOLDED);
/** Russian function words that Tajik lacks: a line with more of them than Tajik markers is left as it is. */
const RUSSIAN_MARKERS = new Set(RUSSIAN_FUNCTION_WORDS);
/** Letters of Russian words that Tajik words lack: such a word is never restored. */
const RUSSIAN_ONLY = /[ыщьЫЩЬ]/;
/** Letters of Kazakh, Uzbek, Kyrgyz, Tatar and Bashkir Cyrillic that Tajik lacks: such a line is left alone. */
const OTHER_CYRILLIC = /[әөүұіңһўҗҙҫӘӨҮҰІҢҺЎҖҘҪ]/;
const SPECIAL_CODES = new Set([...TAJIK_SPECIAL, ...TAJIK_SPECIAL.toUpperCase()].map((c) => c.charCodeAt(0)));

/** Russian letter -> the Tajik letter it may stand for (й for ӣ too: typists reach for it). */
const RESTORES: Readonly<Record<string, string>> = { х: "ҳ", ч: "ҷ", к: "қ", г: "ғ", у: "ӯ", и: "ӣ", й: "ӣ" };
const FOLD_KEY: Readonly<Record<string, string>> = { ҳ: "х", ҷ: "ч", қ: "к", ғ: "г", ӯ: "у", ӣ: "и", й: "и" };

// Module copies of imported constants: V8 folds them into `scanLine`'s loop (see core/src/hash32.ts).
const PRIME = FNV_PRIME;
const HASH_START = WORD_HASH_START;

/**
 * What a line's scan needs of each code unit of U+0400..U+04FF, at (code - 0x400), in one table: bit 1 a Tajik
 * letter (counted), bit 2 a letter of `OTHER_CYRILLIC` (counted), bit 4 a letter a restoration replaces (a word
 * without one can neither have lost letters nor be a suspect spelling, so the scan for loss need not look it up),
 * bit 8 a capital (a letter its lower case changes), bit 16 U+0482 (`REREAD`: language ID's words end there); from
 * the 17th bit up (<< 16) the code unit's lower case, which the word's hashes take (one load per letter for both).
 */
const LETTERS = new Uint32Array(0x100);
for (let c = 0x400; c <= 0x4ff; c++) {
  const ch = String.fromCharCode(c);
  let bits = SPECIAL_CODES.has(c) ? 1 : 0;
  if (OTHER_CYRILLIC.test(ch)) bits |= 2;
  if (RESTORES[ch.toLowerCase()] !== undefined) bits |= 4;
  if (ch.toLowerCase() !== ch) bits |= 8;
  if (c === 0x482) bits |= REREAD;
  LETTERS[c - 0x400] = bits | ((CYRILLIC_LOWER[c - 0x400] as number) << 16);
}

/** Settings of the decoder (the defaults were tuned on the development address, see scripts/accuracy.ts). */
export interface RestoreSettings {
  /** Probability mass of words the vocabulary lacks (scales the character model). */
  unknownWeight: number;
  /** Prior count of lost letters in a line's loss-rate estimate. */
  priorLost: number;
  /** Prior count of kept letters in a line's loss-rate estimate. */
  priorKept: number;
  /** Candidates the character model adds for a word the vocabulary lacks. */
  charCandidates: number;
  /** Known restorations of a word considered (the most frequent). */
  knownCandidates: number;
  /** A line with this many Tajik letters and no word that only a restoration makes known is left as it is. */
  cleanLetters: number;
}

export const RESTORE_DEFAULTS: RestoreSettings = {
  unknownWeight: 0.02,
  priorLost: 2,
  priorKept: 1,
  charCandidates: 2,
  cleanLetters: 3,
  knownCandidates: 4,
};

/** The lower-case word with every letter a Russian keyboard lacks folded (й as well, as ӣ's stand-in). */
function foldKey(word: string): string {
  let i = 0;
  while (i < word.length && !FOLD_CODES.has(word.charCodeAt(i))) i++;
  if (i === word.length) return word;
  let out = word.slice(0, i);
  for (; i < word.length; i++) {
    const c = word[i] ?? "";
    out += FOLD_KEY[c] ?? c;
  }
  return out;
}
const FOLD_CODES = new Set(Object.keys(FOLD_KEY).map((c) => c.charCodeAt(0)));

/** How many letters `cand` restores in `written` (same folded spelling), or -1 when it would change others. */
function restoredLetters(cand: string, written: string): number {
  if (cand.length !== written.length) return -1;
  let n = 0;
  for (let i = 0; i < cand.length; i++) {
    const c = cand[i] ?? "";
    const w = written[i] ?? "";
    if (c === w) continue;
    if (RESTORES[w] === c || (w === "й" && c === "ӣ")) n++;
    else return -1;
  }
  return n;
}

interface FoldIndex {
  /** Known words with Tajik letters by folded spelling, most frequent first. */
  byFold: { get(key: string): string[] | undefined };
  /**
   * 1 at the model row of a known word that a restoration of its (other than of a final ӣ alone) outnumbers at least
   * `SUSPECT_RATIO` to 1: worth decoding even in a line typed with Tajik letters. By row, not in a set of strings:
   * a word met for the first time was hashed and looked up there, a cache miss, though only known words can be in it.
   */
  suspect: Uint8Array;
}
const SUSPECT_RATIO = 1;
const indexes = new WeakMap<TajikModel, FoldIndex>();
/** Folding as a code unit map, and the Tajik letters as code unit marks, for the model's grouping. */
const FOLD_MAP = codeMap(Object.entries(FOLD_KEY));
const SPECIAL_MARKS = new Uint8Array(0x10000);
for (const c of SPECIAL_CODES) SPECIAL_MARKS[c] = 1;

/** The fold index of a model (built once per model, over its code units: it must stay well under its load time). */
function foldIndex(model: TajikModel): FoldIndex {
  let found = indexes.get(model);
  if (!found) {
    const groups = model.groups(FOLD_MAP, (id) => model.holds(id, SPECIAL_MARKS));
    const suspect = new Uint8Array(model.size);
    for (let id = 0; id < model.size; id++) {
      const list = groups.ofWord(id);
      if (!list) continue;
      const n = model.countAt(id);
      let w: string | undefined;
      // Most frequent first: only the words before this one's count can outnumber it.
      for (const c of list) {
        if (model.countAt(c) < SUSPECT_RATIO * n) break;
        if (c === id) continue;
        w ??= model.word(id);
        const cand = model.word(c);
        // A final и against ӣ (ezafe against adjective) is no sign of loss in a line typed with Tajik letters.
        if (restoredLetters(cand, w) > (cand.endsWith("ӣ") && !w.endsWith("ӣ") ? 1 : 0)) {
          suspect[id] = 1;
          break;
        }
      }
    }
    const byFold = new BoundedMemo<string[] | undefined>(200_000, (key) => {
      const rows = groups.get(key);
      return rows && Array.from(rows, (id) => model.word(id));
    });
    found = { byFold, suspect };
    indexes.set(model, found);
  }
  return found;
}

/**
 * Letters restored in the most frequent known spelling of a word that is unknown as written (0 when the word is
 * `known`, or no restoration of it is): the evidence that a line lost letters. `list`: the known words of its folded
 * spelling (the fold index's).
 */
function lostLetters(lower: string, known: boolean, model: TajikModel, list: string[] | undefined): number {
  if (known || !list) return 0;
  let best = 0;
  let bestCount = 0;
  for (const c of list) {
    const r = restoredLetters(c, lower);
    if (r <= 0) continue;
    const count = model.count(c);
    if (count > bestCount) {
      best = r;
      bestCount = count;
    }
  }
  return best;
}

/**
 * What restoration needs to know of a lower-case word, worked out once per distinct word (a corpus repeats its
 * words, so the per-line work is one map lookup per word).
 */
interface WordEntry {
  /** The word as written first, then its known restorations (at most `knownCandidates` + 1 options). */
  cands: string[];
  /** Model rows of `cands` (-1: unknown). */
  ids: number[];
  /** Letters each candidate restores. */
  restored: number[];
  /** Letters restored by its most frequent known restoration when the word is unknown as written (`lostLetters`). */
  lost: number;
  /** The word is a suspect spelling or lost letters (see `FoldIndex`): its line is worth decoding. */
  loss: boolean;
  known: boolean;
  /** Holds a letter only Russian writes: never restored. */
  russian: boolean;
  /** A frequent Tajik word typed without Tajik letters (1), or a Russian function word Tajik lacks (2), else 0. */
  marker: 0 | 1 | 2;
  /** The character model's restorations, worked out when a line first asks for them. */
  guesses?: { cands: string[]; ids: number[]; restored: number[] };
  /** Each candidate's `TajikModel.gainBound` over the word as written, worked out when a line first decodes it. */
  gains?: number[];
}

/** The entry's `gains` (no bound where the word or a candidate is unknown). */
function gainsOf(e: WordEntry, model: TajikModel): number[] {
  if (!e.gains) {
    const w = e.ids[0] ?? -1;
    e.gains = e.ids.map((c, j) =>
      j === 0 ? 0 : w < 0 || c < 0 ? Number.POSITIVE_INFINITY : model.gainBound(c, w),
    );
  }
  return e.gains;
}

/**
 * A model's word entries under one settings, found from the words' records (cyrillic-words.ts's `wordRecord`, which
 * language ID reads next): a record's note under `tag` is the entry's place in `list` << 2, plus 2 when the entry
 * shows `loss` (read there without touching the entry).
 */
interface EntryMemo {
  settings: RestoreSettings;
  list: WordEntry[];
  /** The tag of its notes: a new one each time `list` is emptied. */
  tag: number;
  /** `recordClears()` when `list` was last emptied. */
  clears: number;
}

const entries = new WeakMap<TajikModel, EntryMemo>();
/** The last tag given to an entry memo (0 is no tag). */
let lastTag = 0;

/**
 * The memoised word entries of a model and settings (looked up once per text, not per word). Their list is emptied
 * when the records were (its entries can no longer be found) or it holds twice as many entries as there can be
 * records (memos of several models or settings take each other's notes).
 */
function entriesOf(model: TajikModel, settings: RestoreSettings): EntryMemo {
  let memo = entries.get(model);
  if (!memo || memo.settings !== settings) {
    memo = { settings, list: [], tag: ++lastTag, clears: recordClears() };
    entries.set(model, memo);
  }
  if (memo.clears !== recordClears() || memo.list.length >= 2 * MAX_WORDS) {
    memo.list = [];
    memo.tag = ++lastTag;
    memo.clears = recordClears();
  }
  return memo;
}

/**
 * The note (see `EntryMemo`) on record `rec` of the Cyrillic word `text[start..end)` (`upper`: it has a capital),
 * its entry worked out first when the record has none.
 */
function noteAt(
  rec: number,
  text: string,
  start: number,
  end: number,
  upper: boolean,
  model: TajikModel,
  index: FoldIndex,
  words: EntryMemo,
): number {
  const kept = noteOf(rec, words.tag);
  if (kept >= 0) return kept;
  const word = text.slice(start, end);
  const e = newEntry(upper ? word.toLowerCase() : word, model, index, words.settings);
  const note = (words.list.length << 2) | (e.loss ? 2 : 0);
  words.list.push(e);
  setNote(rec, words.tag, note);
  return note;
}

function newEntry(lower: string, model: TajikModel, index: FoldIndex, settings: RestoreSettings): WordEntry {
  const id = model.id(lower);
  /** Known words with Tajik letters of the same folded spelling, most frequent first. */
  const list = index.byFold.get(foldKey(lower));
  const lost = lostLetters(lower, id >= 0, model, list);
  const e: WordEntry = {
    cands: [lower],
    ids: [id],
    restored: [0],
    lost,
    loss: lost > 0 || (id >= 0 && index.suspect[id] === 1),
    known: id >= 0,
    russian: RUSSIAN_ONLY.test(lower),
    marker: TAJIK_MARKERS.has(lower) ? 1 : RUSSIAN_MARKERS.has(lower) ? 2 : 0,
  };
  if (!e.russian) {
    if (list)
      for (const c of list) {
        const r = c === lower ? -1 : restoredLetters(c, lower);
        if (r > 0) {
          e.cands.push(c);
          e.ids.push(model.id(c));
          e.restored.push(r);
          if (e.cands.length > settings.knownCandidates) break;
        }
      }
  }
  return e;
}

/** The word's candidates with the character model's guesses added (for an unknown word of a line that shows loss). */
function withGuesses(
  e: WordEntry,
  model: TajikModel,
  settings: RestoreSettings,
): NonNullable<WordEntry["guesses"]> {
  if (!e.guesses) {
    const g = { cands: [...e.cands], ids: [...e.ids], restored: [...e.restored] };
    const lower = e.cands[0] ?? "";
    for (const c of charCandidates(model, lower, settings.charCandidates)) {
      g.cands.push(c);
      g.ids.push(model.id(c));
      g.restored.push(restoredLetters(c, lower));
    }
    e.guesses = g;
  }
  return e.guesses;
}

/**
 * The words of the line being decoded (see `lineWords`): where each starts and ends in the line, whether it has a
 * capital, and its entry. Scratch reused from line to line (the decoder runs on every line that may have lost
 * letters).
 */
let wordAt = new Int32Array(64);
let wordEnd = new Int32Array(64);
let wordUpper = new Uint8Array(64);
const wordEntry: WordEntry[] = [];
let wordCount = 0;

/** What one pass over a line finds (see `scanLine`). */
interface LineScan {
  cyrillic: number;
  kept: number;
  /** Letters of Kazakh, Uzbek, Kyrgyz, Tatar or Bashkir that Tajik lacks (`OTHER_CYRILLIC`). */
  other: number;
  loss: boolean;
  /** Its words in the text's words (text-words.ts): `first..last`. */
  first: number;
  last: number;
}

/**
 * One pass over the line `text[from..to)` and one over its words: its Cyrillic letters, its Tajik letters, and whether
 * some word is unknown as written but known restored, or a suspect spelling (see `FoldIndex`); its words are added to
 * the text's (`textWords`). Written as loops over char codes and typed arrays that make no string for a word seen
 * before: it runs on every line.
 */
function scanLine(
  text: string,
  from: number,
  to: number,
  model: TajikModel,
  index: FoldIndex,
  memo: EntryMemo,
): LineScan {
  let cyrillic = 0;
  let kept = 0;
  let other = 0;
  let loss = false;
  let i = from;
  const table = LETTERS;
  const words = textWords;
  const first = words.count;
  while (i < to) {
    let c = text.charCodeAt(i);
    if (c < 0x400 || c > 0x4ff) {
      i++;
      continue;
    }
    const start = i;
    let seen = 0;
    // The word's hashes for its record (as `findWord` takes them), taken on the way to its end.
    let ha = HASH_START;
    let hb = 0;
    while (c >= 0x400 && c <= 0x4ff) {
      const bits = table[c - 0x400] as number;
      kept += bits & 1;
      seen |= bits;
      const l = bits >>> 16;
      ha = Math.imul(ha ^ l, PRIME);
      hb = (Math.imul(hb, 31) + l) | 0;
      c = ++i < to ? text.charCodeAt(i) : 0;
    }
    cyrillic += i - start;
    // Letters of other Cyrillic alphabets are rare: counted again in the word that has one.
    if ((seen & 2) !== 0)
      for (let k = start; k < i; k++) other += ((table[text.charCodeAt(k) - 0x400] as number) >> 1) & 1;
    words.push(start, i, ha, hb, seen);
  }
  // Then the records of the words with a letter a restoration may have lost, until one shows loss: all the words'
  // records fetched first, a batch at a time (language ID and the decoder read them next).
  const last = words.count;
  for (let b = first; b < last; b += TOUCH_WORDS) {
    const to = Math.min(last, b + TOUCH_WORDS);
    touchRecords(words, b, to);
    for (let k = b; k < to && !loss; k++) {
      const seen = words.seen[k] as number;
      if ((seen & 4) === 0) continue;
      const start = words.at[k] as number;
      const end = words.end[k] as number;
      const rec = wordRecord(text, start, end, words.hashA[k] as number, words.hashB[k] as number);
      words.record[k] = rec;
      if ((noteAt(rec, text, start, end, (seen & 8) !== 0, model, index, memo) & 2) !== 0) loss = true;
    }
  }
  return { cyrillic, kept, other, loss, first, last };
}

/**
 * Puts the words of a scanned line (`line` is `text[from..]`) in the line's word scratch (`wordAt`), with their
 * entries.
 */
function lineWords(
  line: string,
  from: number,
  scan: LineScan,
  model: TajikModel,
  index: FoldIndex,
  memo: EntryMemo,
): void {
  wordCount = 0;
  const words = textWords;
  for (let k = scan.first; k < scan.last; k++) {
    const start = (words.at[k] as number) - from;
    const end = (words.end[k] as number) - from;
    const seen = words.seen[k] as number;
    const rec = wordRecord(line, start, end, words.hashA[k] as number, words.hashB[k] as number);
    const note = noteAt(rec, line, start, end, (seen & 8) !== 0, model, index, memo);
    if (wordCount === wordAt.length) {
      wordAt = grown(wordAt, (n) => new Int32Array(n));
      wordEnd = grown(wordEnd, (n) => new Int32Array(n));
      wordUpper = grown(wordUpper, (n) => new Uint8Array(n));
    }
    wordAt[wordCount] = start;
    wordEnd[wordCount] = end;
    wordUpper[wordCount] = seen & 8;
    wordEntry[wordCount] = memo.list[note >> 2] as WordEntry;
    wordCount++;
  }
}

/**
 * The decoder's lattice, one slot per collected word (reused from line to line); a slot's own scores are its
 * options' restored letters, which `bestPath` scales by log(rho).
 */
const lattice: LatticeSlot[] = [];
const NONE: never[] = [];

/**
 * Restorations of an unknown word by the character model: a beam over its restorable letters, left to right; the best
 * `n` spellings other than the word itself.
 */
function charCandidates(model: TajikModel, lower: string, n: number): string[] {
  let byCount = guesses.get(model);
  if (!byCount) {
    byCount = new Map();
    guesses.set(model, byCount);
  }
  let memo = byCount.get(n);
  if (!memo) {
    // Bounded: a long job meets millions of distinct unknown words.
    memo = new BoundedMemo(100_000, (word) => guessRestorations(model, word, n));
    byCount.set(n, memo);
  }
  return memo.get(lower);
}
/** Guesses per model and number of candidates asked for. */
const guesses = new WeakMap<TajikModel, Map<number, BoundedMemo<string[]>>>();

function guessRestorations(model: TajikModel, lower: string, n: number): string[] {
  const positions: number[] = [];
  for (let i = 0; i < lower.length; i++) if (RESTORES[lower[i] ?? ""]) positions.push(i);
  if (positions.length === 0 || lower.length < 3) return [];
  let beam = [lower];
  for (const p of positions) {
    const next: string[] = [];
    for (const w of beam) next.push(w, w.slice(0, p) + RESTORES[w[p] ?? ""] + w.slice(p + 1));
    if (next.length > 8) {
      const scored = next.map((w) => [w, model.charLog(w)] as const).sort((a, b) => b[1] - a[1]);
      beam = scored.slice(0, 8).map((x) => x[0]);
    } else beam = next;
  }
  return beam
    .map((w) => [w, model.charLog(w)] as const)
    .sort((a, b) => b[1] - a[1])
    .map((x) => x[0])
    .filter((w) => w !== lower)
    .slice(0, n);
}

/**
 * Whether the collected line reads as Russian (more Russian function words than Tajik ones, or Russian-only
 * letters).
 */
function readsRussian(): boolean {
  let tajik = 0;
  let russian = 0;
  let russianLetters = 0;
  for (let k = 0; k < wordCount; k++) {
    const entry = wordEntry[k] as WordEntry;
    if (entry.marker === 1) tajik++;
    else if (entry.marker === 2) russian++;
    if (entry.russian) russianLetters++;
  }
  return russian > tajik || russianLetters * 4 > wordCount;
}

/** Whether a sentence ends between two positions of a line (one of . ! ? … lies there). */
function sentenceEnds(line: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x2026) return true;
  }
  return false;
}

/**
 * Restores the Tajik letters lost in a line (х ч к г у и й typed for ҳ ҷ қ ғ ӯ ӣ) by decoding: each word's
 * candidates are the known words that fold to its spelling by restoring letters (never removing one), the word as
 * written, and for unknown words the character model's best restorations; the line's best sequence under the word
 * bigram model (stupid back-off) wins (Viterbi). Each restored letter costs log(rho), rho being the line's estimated
 * loss rate (letters that only a restoration explains against Tajik letters kept), so a line typed with its Tajik
 * letters changes only where the context is clear, and a line typed without any restores freely. Lines that read as
 * Russian and words with Russian-only letters are left alone.
 */
export function restoreLine(
  line: string,
  model: TajikModel,
  log: ChangeLog,
  settings: RestoreSettings = RESTORE_DEFAULTS,
): string {
  const index = foldIndex(model);
  const memo = entriesOf(model, settings);
  textWords.clear();
  const scan = scanLine(line, 0, line.length, model, index, memo);
  return needsDecoding(scan, settings) ? decodeLine(line, 0, scan, model, index, memo, log) : line;
}

/**
 * Whether a scanned line goes to the decoder: not for a line without Cyrillic letters, nor (the common case) for
 * a line typed with its Tajik letters where no word is unknown as written but known with letters restored, or
 * outnumbered by a restoration of itself.
 */
function needsDecoding(scan: LineScan, settings: RestoreSettings): boolean {
  return scan.cyrillic > 0 && (scan.kept < settings.cleanLetters || scan.loss);
}

/** `restoreLine` past its scan: the decoder's pick for a line (`text[from..]`) that may have lost letters. */
function decodeLine(
  line: string,
  from: number,
  scan: LineScan,
  model: TajikModel,
  index: FoldIndex,
  memo: EntryMemo,
  log: ChangeLog,
): string {
  const settings = memo.settings;
  const kept = scan.kept;
  if (scan.other > 0) return line;
  lineWords(line, from, scan, model, index, memo);
  if (readsRussian()) return line;
  const n = wordCount;
  let lost = 0;
  for (let k = 0; k < n; k++) lost += (wordEntry[k] as WordEntry).lost;
  // Only a line that shows loss gets the character model's guesses for its unknown words.
  const guess = lost > 0 || kept < settings.cleanLetters;
  const rho = Math.min(
    0.95,
    (lost + settings.priorLost) / (lost + kept + settings.priorLost + settings.priorKept),
  );
  let ambiguous = false;
  let last = 0;
  while (lattice.length < n)
    lattice.push({ first: NONE, last: NONE, own: NONE, start: false, ids: NONE, gains: undefined });
  for (let k = 0; k < n; k++) {
    const entry = wordEntry[k] as WordEntry;
    const at = wordAt[k] as number;
    const start = k === 0 || sentenceEnds(line, last, at);
    last = wordEnd[k] as number;
    const options =
      guess && !entry.known && !entry.russian && entry.cands.length === 1
        ? withGuesses(entry, model, settings)
        : entry;
    const slot = lattice[k] as LatticeSlot;
    slot.first = options.cands;
    slot.last = options.cands;
    slot.own = options.restored;
    slot.start = start;
    slot.ids = options.ids;
    slot.gains = undefined;
    if (options.cands.length > 1) {
      ambiguous = true;
      // Known candidates of a word: the bound that spares `firstOptionsWin` the neighbours' look-ups.
      if (options === entry) slot.gains = gainsOf(entry, model);
    }
  }
  if (!ambiguous) return line;
  // Most lines that come here (a suspect spelling, or one unknown word in a line of clean text) keep every word as
  // written, which a bound shows for far less than the decoding costs.
  const ownScale = Math.log(rho);
  if (firstOptionsWin(model, lattice, settings.unknownWeight, n, ownScale)) return line;
  const choice = bestPath(model, lattice, settings.unknownWeight, n, ownScale);
  let out = "";
  let pos = 0;
  for (let k = 0; k < n; k++) {
    const j = choice[k] ?? 0;
    if (j === 0) continue;
    const at = wordAt[k] as number;
    const end = wordEnd[k] as number;
    const word = line.slice(at, end);
    const to = (lattice[k] as LatticeSlot).first[j] ?? "";
    // Candidates are lower case, as is a word without a capital.
    const fixed = log.record("russian_keyboard", word, wordUpper[k] ? matchCase(word, to) : to);
    textWords.rewrote(scan.first + k, fixed);
    out += line.slice(pos, at) + fixed;
    pos = end;
  }
  return pos === 0 ? line : out + line.slice(pos);
}

/** Restores lost Tajik letters line by line (see `restoreLine`); only lines that may have lost some are cut out. */
export function restoreTajikLetters(
  text: string,
  model: TajikModel,
  log: ChangeLog,
  settings: RestoreSettings = RESTORE_DEFAULTS,
): string {
  const index = foldIndex(model);
  const memo = entriesOf(model, settings);
  // First every line's scan, keeping those that go to the decoder: a text with letters of Kazakh, Uzbek, Kyrgyz or
  // Tatar in several places is one of those languages throughout, even on lines that happen to lack them.
  const todo: { from: number; to: number; scan: LineScan }[] = [];
  let other = 0;
  textWords.clear();
  const clears = recordClears();
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf("\n", from);
    if (to < 0) to = text.length;
    const scan = scanLine(text, from, to, model, index, memo);
    other += scan.other;
    if (needsDecoding(scan, settings)) todo.push({ from, to, scan });
    from = to + 1;
  }
  if (other >= 3) return scanned(text, clears);
  let out = "";
  /** Where the text not yet copied to `out` starts (-1: no line changed). */
  let copied = -1;
  for (const { from, to, scan } of todo) {
    const line = text.slice(from, to);
    const fixed = decodeLine(line, from, scan, model, index, memo, log);
    if (fixed !== line) {
      out += text.slice(Math.max(0, copied), from) + fixed;
      copied = to;
    }
  }
  return scanned(copied < 0 ? text : out + text.slice(copied), clears);
}

/**
 * The text restoration made of one it scanned whole: its words are language ID's to read (text-words.ts), with the
 * records looked up unless the records were emptied since the scan began (`clears`).
 */
function scanned(text: string, clears: number): string {
  textWords.scanned(text, recordClears() === clears ? clears : -1);
  return text;
}
