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
