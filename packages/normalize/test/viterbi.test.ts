import { seededRandom } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { defaultModel } from "../src/model.js";
import { bestPath, firstOptionsWin, type LatticeSlot } from "../src/viterbi.js";

const model = defaultModel();

/**
 * Lattices over real sentences: each slot's first option the sentence's word, other options (some slots) words of
 * the vocabulary or made-up words, own scores of 0 to 3 restored letters, sentence starts here and there.
 */
async function lattices(seed: number, count: number): Promise<{ slots: LatticeSlot[]; scale: number }[]> {
  const random = seededRandom(seed);
  const words = (await udhrParagraphs("tgk"))
    .join(" ")
    .toLowerCase()
    .split(/[^а-яёҳҷқғӯӣ]+/)
    .filter(Boolean);
  const pick = (n: number) => Math.floor(random() * n);
  const out: { slots: LatticeSlot[]; scale: number }[] = [];
  for (let t = 0; t < count; t++) {
    const from = pick(words.length - 40);
    // Other options come from another passage, word by word: paths through them read as text too.
    const other = pick(words.length - 40);
    const slots: LatticeSlot[] = [];
    for (const w of words.slice(from, from + 1 + pick(40))) {
      const options = [w];
      const own = [random() < 0.1 ? 1 : 0];
      const extra = random() < 0.5 ? 1 + pick(3) : 0;
      for (let j = 0; j < extra; j++) {
        // The other passage's word, any word of the vocabulary, or one it lacks.
        const r = random();
        const alt = words[other + slots.length] ?? w;
        options.push(r < 0.6 ? alt : r < 0.9 ? model.word(pick(model.size)) : `${w}ӣқ`);
        own.push(pick(3));
      }
      const ids = options.map((o) => model.id(o));
      const start = slots.length === 0 || random() < 0.1;
      // Half the slots carry their options' context-free bounds, as restoration's do.
      const gains =
        random() < 0.5
          ? ids.map((c, j) =>
              j === 0 || c < 0 || (ids[0] ?? -1) < 0 ? Infinity : model.gainBound(c, ids[0] ?? -1),
            )
          : undefined;
      slots.push({ first: options, last: options, own, start, ids, gains });
    }
    out.push({ slots, scale: Math.log(0.02 + random() * 0.93) });
  }
  return out;
}

describe("firstOptionsWin", () => {
  it("holds only where the decoder picks every first option, and on most such lattices", async () => {
    let proven = 0;
    let firstWins = 0;
    for (const { slots, scale } of await lattices(7, 3000)) {
      const choice = bestPath(model, slots, 0.02, slots.length, scale);
      const first = choice.every((j) => j === 0);
      if (first) firstWins++;
      if (firstOptionsWin(model, slots, 0.02, slots.length, scale)) {
        proven++;
        expect(choice).toEqual(choice.map(() => 0));
      }
    }
    expect(firstWins).toBeGreaterThan(300);
    expect(proven).toBeGreaterThan(firstWins * 0.5);
  });

  it("takes gain bounds that hold after and before any word", () => {
    const random = seededRandom(11);
    const row = () => Math.floor(random() * model.size);
    // Frequent words (with many bigrams) and any words, against each other.
    const frequent = ["ва", "дар", "ки", "кӣ", "ба", "аз", "ҳам", "хам", "бо", "то"].map((w) => model.id(w));
    const pick = () => (random() < 0.5 ? (frequent[Math.floor(random() * frequent.length)] ?? 0) : row());
    for (let t = 0; t < 300; t++) {
      const c = pick();
      const w = pick();
      if (c === w) continue;
      const bound = model.gainBound(c, w);
      const contexts = [-1, model.id("<s>"), ...frequent, ...Array.from({ length: 20 }, row)];
      for (let i = 0; i < 40; i++) {
        const p = contexts[Math.floor(random() * contexts.length)] ?? -1;
        const p2 = contexts[Math.floor(random() * contexts.length)] ?? -1;
        const q = contexts[1 + Math.floor(random() * (contexts.length - 1))] ?? 0;
        const gain =
          model.scoreIds(p, c) -
          model.scoreIds(p2, w) +
          Math.max(0, model.scoreIds(c, q) - model.scoreIds(w, q));
        expect(gain).toBeLessThanOrEqual(bound);
      }
    }
  });

  it("is false for a lattice whose second option the decoder picks", () => {
    const ids = (ws: string[]) => ws.map((w) => model.id(w));
    const slots: LatticeSlot[] = [
      { first: ["ҷумҳурии"], last: ["ҷумҳурии"], own: [0], start: true, ids: ids(["ҷумҳурии"]) },
      {
        first: ["точикистон", "тоҷикистон"],
        last: ["точикистон", "тоҷикистон"],
        own: [0, 1],
        start: false,
        ids: ids(["точикистон", "тоҷикистон"]),
      },
    ];
    expect(bestPath(model, slots, 0.02, 2, Math.log(0.5))).toEqual([0, 1]);
    expect(firstOptionsWin(model, slots, 0.02, 2, Math.log(0.5))).toBe(false);
  });
});
