/**
 * Fits data/reading-grade.json: the school grade as a linear function of words per sentence, syllables per word and
 * the share of words outside the frequent list, by ridge least squares on real Tajik text of three registers whose
 * grade is assumed, not labelled: learner sentences (Tatoeba, grade 2), the UDHR (grade 10) and the Presidential
 * Addresses (grade 12), all from ../shared/tajik-text. No graded Tajik curriculum text is available offline, so
 * this is a register anchoring, not a curriculum calibration: refit with `fitGradeModel` on documents that carry
 * `grade` metadata when a workspace has them. A third of each register is held out and its error printed.
 *   node --import tsx packages/quality/scripts/fit-reading-grade.ts
 */
import { writeFileSync } from "node:fs";
import { tajikTextLines } from "@soro/samples";
import { fitGradeModel, gradeOf, letterWords, readingFeatures } from "../src/reading-level.js";

/** Groups lines into documents of about `words` words. */
function docs(lines: string[], words: number, join: string): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let n = 0;
  for (const l of lines) {
    cur.push(l);
    n += l.split(/\s+/).length;
    if (n >= words) {
      out.push(cur.join(join));
      cur = [];
      n = 0;
    }
  }
  if (n >= 20) out.push(cur.join(join));
  return out;
}

const registers = [
  {
    name: "tatoeba learner sentences",
    grade: 2,
    docs: docs(tajikTextLines("tatoeba_tgk_eng-tgk-test.txt"), 25, " "),
  },
  { name: "UDHR", grade: 10, docs: docs(tajikTextLines("udhr_tgk.txt"), 120, "\n") },
  { name: "Presidential Addresses", grade: 12, docs: docs(tajikTextLines("komdil_payom.txt"), 200, "\n") },
];
const train: Array<{ text: string; grade: number; weight: number }> = [];
const held: Array<{ register: string; text: string; grade: number }> = [];
for (const r of registers) {
  // The last third of each register (for the addresses: the later years) is held out.
  const cut = Math.ceil((r.docs.length * 2) / 3);
  // Each register weighs the same in the fit, however many documents it has.
  for (const text of r.docs.slice(0, cut)) train.push({ text, grade: r.grade, weight: 100 / cut });
  for (const text of r.docs.slice(cut)) held.push({ register: r.name, text, grade: r.grade });
}
// The frequent list was counted on these same texts (the addresses among them), so their rare-word share says
// nothing about difficulty here; it is zeroed for the fit, which leaves its coefficient at 0 (the ridge penalty).
// A fit on real curriculum documents should keep it.
const model = fitGradeModel(
  train.map((d) => ({
    features: { ...readingFeatures(d.text, letterWords(d.text)), rl_rare_word_share: 0 },
    grade: d.grade,
    weight: d.weight,
  })),
);
const lines: string[] = [];
for (const r of registers) {
  const hs = held.filter((h) => h.register === r.name);
  const gs = hs.map((h) => gradeOf(readingFeatures(h.text, letterWords(h.text)), model));
  const mae = gs.reduce((s, g) => s + Math.abs(g - r.grade), 0) / Math.max(1, gs.length);
  const mean = gs.reduce((s, g) => s + g, 0) / Math.max(1, gs.length);
  lines.push(
    `${r.name} (grade ${r.grade}): ${hs.length} held-out docs, mean ${mean.toFixed(1)}, MAE ${mae.toFixed(2)}`,
  );
}
model.calibration = `register anchoring, not curriculum labels (none offline): ridge fit on ${train.length} documents, each register weighted equally, of ../shared/tajik-text (Tatoeba learner sentences = grade 2, UDHR = 10, Presidential Addresses = 12), rare-word share left out because the frequent list was counted on the same text; held out: ${lines.join("; ")}`;
writeFileSync(new URL("../data/reading-grade.json", import.meta.url), `${JSON.stringify(model, null, 2)}\n`);
console.log(model.calibration);
