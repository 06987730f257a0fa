import { BOS, type TajikModel } from "./model.js";

/** One position of a line's lattice: its options, the first and last word each puts in the line, and its own score. */
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

/**
 * The best option of each slot under the word model (bigrams with stupid back-off) plus the options' own scores:
 * Viterbi over the slots, as many states per slot as it has options. Words are looked up once per option, and the
 * pairs are scored by row numbers.
 */
export function bestPath(model: TajikModel, slots: LatticeSlot[], unknownWeight: number): number[] {
  const bos = model.id(BOS);
  let prevScores = [0];
  let prevLast = [bos];
  const back: number[][] = [];
  for (const slot of slots) {
    const scores: number[] = [];
    const from: number[] = [];
    for (let j = 0; j < slot.first.length; j++) {
      const word = slot.first[j] ?? "";
      const id = slot.ids ? (slot.ids[j] ?? -1) : model.id(word);
      // A word the vocabulary lacks scores the same after any word.
      const unknown = id < 0 ? model.unknownScore(word, unknownWeight) : 0;
      let best = Number.NEGATIVE_INFINITY;
      let arg = 0;
      for (let i = 0; i < prevLast.length; i++) {
        const v =
          (prevScores[i] ?? 0) +
          (id < 0 ? unknown : model.scoreIds(slot.start ? bos : (prevLast[i] ?? bos), id));
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
    prevLast = slot.ids ? (slot.ids as number[]) : slot.last.map((w) => model.id(w));
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
