import { BOS, type TajikModel } from "./model.js";

/** One position of a line's lattice: its options, the first and last word each puts in the line, and its own score. */
export interface LatticeSlot {
  first: string[];
  last: string[];
  /** Each option's score apart from the word model's score of its first word after the word before it. */
  own: number[];
  /** A sentence starts here (the option's first word follows <s>). */
  start: boolean;
}

/**
 * The best option of each slot under the word model (bigrams with stupid back-off) plus the options' own scores:
 * Viterbi over the slots, as many states per slot as it has options.
 */
export function bestPath(model: TajikModel, slots: LatticeSlot[], unknownWeight: number): number[] {
  let prevScores = [0];
  let prevLast = [BOS];
  const back: number[][] = [];
  for (const slot of slots) {
    const scores: number[] = [];
    const from: number[] = [];
    for (let j = 0; j < slot.first.length; j++) {
      const word = slot.first[j] ?? "";
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let i = 0; i < prevLast.length; i++) {
        const prev = slot.start ? BOS : (prevLast[i] ?? BOS);
        const v = (prevScores[i] ?? 0) + model.score(prev, word, unknownWeight);
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      scores.push(best + (slot.own[j] ?? 0));
      from.push(arg);
    }
    back.push(from);
    prevScores = scores;
    prevLast = slot.last;
  }
  let arg = 0;
  for (let i = 1; i < prevScores.length; i++) if ((prevScores[i] ?? 0) > (prevScores[arg] ?? 0)) arg = i;
  const choice: number[] = new Array(slots.length);
  for (let k = slots.length - 1; k >= 0; k--) {
    choice[k] = arg;
    arg = back[k]?.[arg] ?? 0;
  }
  return choice;
}
