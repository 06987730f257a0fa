/**
 * Builds data/tajik-model.bin.gz, the shipped Tajik model, reproducibly from the allowed real text (see
 * data/SOURCES.md and scripts/corpus.ts; the held-back addresses are never counted).
 * Run from the repository root: node --import tsx packages/normalize/scripts/build-model.ts
 */
import { statSync } from "node:fs";
import { DEFAULT_MODEL, loadModel, saveModel } from "../src/model.js";
import { dataFile } from "../src/tables.js";
import { referenceCounter } from "./reference-model.js";

const counter = referenceCounter(true);
const counts = counter.counts({ minBigram: 2, charOrder: 5 });
const out = dataFile(DEFAULT_MODEL).pathname;
saveModel(out, { version: "reference-2", sources: counter.sources, minBigram: 2, charOrder: 5 }, counts);
const t0 = performance.now();
const model = loadModel(out);
console.log(
  `model: ${model.vocab.length} words, ${counts.bigrams.size} bigrams, ${counts.chars.keys.length} char n-grams, ${(statSync(out).size / 1e6).toFixed(2)} MB, loads in ${Math.round(performance.now() - t0)} ms -> ${out}`,
);
