import { BOS, type TajikModel } from "./model.js";

/**
 * One position of a line's lattice: its options, the first and last word each puts in the line, and their own
 * scores (times `bestPath`'s `ownScale`).
 */
export interface LatticeSlot {
  first: string[];
  last: string[];
  /** Each option's score apart from the word model's score of its first word after the word before it. */
  own: number[];
  /** A sentence starts here (the option's first word follows <s>). */
  start: boolean;
  /** The model's rows of `first` (when one word is each option's first and last), to spare looking them up. */
  ids?: readonly number[];
  /**
   * For `firstOptionsWin`, where known: an upper bound of each option's word-model gain over the first option
   * whatever the words around (`TajikModel.gainBound`), which spares looking up the slot's neighbours.
   */
  gains?: readonly number[];
}

/** Scratch of `bestPath`, grown as needed and reused (it runs on every line that may have lost letters). */
let scoreA = new Float64Array(16);
let scoreB = new Float64Array(16);
let back = new Int32Array(256);
/** Where each slot's back pointers start in `back`. */
let starts = new Int32Array(64);

/**
 * The best option of each of the first `count` slots under the word model (bigrams with stupid back-off) plus the
 * options' own scores times `ownScale` (a caller whose own scores are counts times a weight passes the counts,
 * making no array per slot): Viterbi over the slots, as many states per slot as it has options. Words are looked
 * up once per option, and the pairs are scored by row numbers.
 */
export function bestPath(
  model: TajikModel,
  slots: readonly LatticeSlot[],
  unknownWeight: number,
  count = slots.length,
  ownScale = 1,
): number[] {
  const bos = model.id(BOS);
  let options = 1;
  let total = 0;
  for (let k = 0; k < count; k++) {
    const n = (slots[k] as LatticeSlot).first.length;
    options = Math.max(options, n);
    total += n;
  }
  if (scoreA.length < options) {
    scoreA = new Float64Array(options * 2);
    scoreB = new Float64Array(options * 2);
  }
  if (back.length < total) back = new Int32Array(total * 2);
  if (starts.length < count + 1) starts = new Int32Array((count + 1) * 2);
  const at = starts;
  let prevScores = scoreA;
  let scores = scoreB;
  prevScores[0] = 0;
  let prevCount = 1;
  let prevLast: readonly number[] = [bos];
  let top = 0;
  for (let k = 0; k < count; k++) {
    const slot = slots[k] as LatticeSlot;
    const n = slot.first.length;
    at[k] = top;
    for (let j = 0; j < n; j++) {
      const word = slot.first[j] ?? "";
      const id = slot.ids ? (slot.ids[j] ?? -1) : model.id(word);
      // A word the vocabulary lacks scores the same after any word.
      const unknown = id < 0 ? model.unknownScore(word, unknownWeight) : 0;
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let i = 0; i < prevCount; i++) {
        const v =
          (prevScores[i] as number) +
          (id < 0 ? unknown : model.scoreIds(slot.start ? bos : (prevLast[i] ?? bos), id));
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      scores[j] = best + (slot.own[j] ?? 0) * ownScale;
      back[top + j] = arg;
    }
    top += n;
    at[k + 1] = top;
    const swap = prevScores;
    prevScores = scores;
    scores = swap;
    prevCount = n;
    prevLast = slot.ids ?? slot.last.map((w) => model.id(w));
  }
  let arg = 0;
  for (let i = 1; i < prevCount; i++) if ((prevScores[i] as number) > (prevScores[arg] as number)) arg = i;
  const choice: number[] = new Array(count);
  for (let k = count - 1; k >= 0; k--) {
    choice[k] = arg;
    const from = at[k] as number;
    // A slot without options (none in practice) points back to the first of the slot before.
    arg = (at[k + 1] as number) > from ? (back[from + arg] as number) : 0;
  }
  return choice;
}

/**
 * How much better than the computed scores of the first options another path must provably fall short for
 * `firstOptionsWin`: far above the rounding of a line's sum of scores (~1e-16 of it per word), far below any gap
 * the decoder's choices turn on.
 */
const WIN_MARGIN = 1e-3;

/** Row of option `j`'s first word (or last, `last`) in a slot, as `bestPath` reads it. */
function rowOf(model: TajikModel, slot: LatticeSlot, j: number, last: boolean): number {
  return slot.ids ? (slot.ids[j] ?? -1) : model.id((last ? slot.last[j] : slot.first[j]) ?? "");
}

/** `bestPath`'s word-model score of slot option `j` after a word of row `prev`. */
function termOf(
  model: TajikModel,
  slot: LatticeSlot,
  j: number,
  prev: number,
  bos: number,
  unknownWeight: number,
): number {
  const id = rowOf(model, slot, j, false);
  return id < 0
    ? model.unknownScore(slot.first[j] ?? "", unknownWeight)
    : model.scoreIds(slot.start ? bos : prev, id);
}

/**
 * Whether `bestPath` (same arguments) provably picks every slot's first option, worked out without decoding: for
 * each other option, an upper bound of what choosing it gains over the first options' path (its own score's
 * difference, its word's best score after any option of the slot before less the first option's, and its score
 * of the next slot's first option less the first option's, when that gains) must be below zero by `WIN_MARGIN`.
 * Any other path's gain is at most the sum of these bounds over the slots where it leaves the first option (the
 * score of a slot kept at its first option after a changed one counts in the changed one's bound), so the first
 * options' path is the only best one. A slot's `gains`, where given, bound the same without its neighbours and are
 * tried first. False when some option might win: then decode.
 */
export function firstOptionsWin(
  model: TajikModel,
  slots: readonly LatticeSlot[],
  unknownWeight: number,
  count = slots.length,
  ownScale = 1,
): boolean {
  const bos = model.id(BOS);
  for (let k = 0; k < count; k++) {
    const slot = slots[k] as LatticeSlot;
    const n = slot.first.length;
    if (n === 0) return false;
    if (n === 1) continue;
    const own0 = (slot.own[0] ?? 0) * ownScale;
    const gains = slot.gains;
    // Options whose bound whatever the words around cannot win need no look-up of the neighbours.
    let first = 1;
    if (gains)
      while (
        first < n &&
        (slot.own[first] ?? 0) * ownScale - own0 + (gains[first] ?? Number.POSITIVE_INFINITY) < -WIN_MARGIN
      )
        first++;
    if (first === n) continue;
    const before = k === 0 ? undefined : (slots[k - 1] as LatticeSlot);
    const prevCount = before ? before.first.length : 1;
    const prev0 = before ? rowOf(model, before, 0, true) : bos;
    const written = termOf(model, slot, 0, prev0, bos, unknownWeight);
    const after = k + 1 < count ? (slots[k + 1] as LatticeSlot) : undefined;
    // The next slot's first option scores the same after any option here when a sentence starts there or its word
    // is unknown.
    const next = after && !after.start && after.first.length > 0 ? rowOf(model, after, 0, false) : -1;
    const nextWritten = next < 0 ? 0 : model.scoreIds(rowOf(model, slot, 0, true), next);
    for (let j = first; j < n; j++) {
      const own = (slot.own[j] ?? 0) * ownScale - own0;
      if (gains && own + (gains[j] ?? Number.POSITIVE_INFINITY) < -WIN_MARGIN) continue;
      let best = termOf(model, slot, j, prev0, bos, unknownWeight);
      // Its score depends on the option before only after a known word within a sentence.
      if (!slot.start && rowOf(model, slot, j, false) >= 0)
        for (let i = 1; i < prevCount; i++) {
          const v = termOf(model, slot, j, before ? rowOf(model, before, i, true) : bos, bos, unknownWeight);
          if (v > best) best = v;
        }
      const nextGain = next < 0 ? 0 : model.scoreIds(rowOf(model, slot, j, true), next) - nextWritten;
      const gain = own + best - written + Math.max(0, nextGain);
      if (!(gain < -WIN_MARGIN)) return false;
    }
  }
  return true;
}
