/**
 * Accuracy of the repairs on real text (prints tables for the report; the tests assert floors).
 * Run from the repository root: node --import tsx packages/normalize/scripts/accuracy.ts [--dev]
 * First the evaluation on held-back addresses (scripts/corpus.ts, scripts/evaluate.ts) with the shipped model;
 * with --dev, the development address with a model built without it (what the settings were tuned on) instead.
 * Then the older round trips on UDHR and LibreOffice strings, which the shipped model has learned from.
 */
import { defaultModel, loadModel, saveModel } from "../src/model.js";
import { developmentLines, heldBackLines } from "./corpus.js";
import { evaluationLines, printEvaluation } from "./evaluate.js";
import { referenceCounter } from "./reference-model.js";

if (process.argv.includes("--dev")) {
  const counter = referenceCounter(false);
  const path = "/tmp/soro-dev-model.bin.gz";
  saveModel(path, { version: "dev", sources: counter.sources, minBigram: 2, charOrder: 5 }, counter.counts());
  printEvaluation(
    "development address (model built without it)",
    evaluationLines(developmentLines()),
    loadModel(path),
  );
  process.exit(0);
}
printEvaluation(
  "held-back addresses 2018 and 2019, shipped model",
  evaluationLines(heldBackLines()),
  defaultModel(),
);

import { tesseractTajikWords, udhrParagraphs } from "@soro/samples";
import { franc } from "franc-all";
import {
  toChatLatin,
  toKoi8tAsCp1251,
  toLegacyA,
  toLegacyB,
  toMojibake,
  toRussianKeyboard,
} from "../src/damage.js";
import { identifyLanguage } from "../src/langid.js";
import { defaultLexicon, type Lexicon } from "../src/lexicon.js";
import { buildLexicon } from "../src/lexicon-build.js";
import { normalizeText } from "../src/normalize.js";
import { libreofficeTexts, roundTrip } from "../test/round-trip.js";

const udhr = await udhrParagraphs("tgk");
const lo = libreofficeTexts();
const heldOut = buildLexicon(udhr, tesseractTajikWords()).lexicon;

function measure(
  name: string,
  texts: string[],
  corrupt: (s: string) => string,
  lexicon: Lexicon,
  repair = true,
) {
  const r = roundTrip(texts, corrupt, { lexicon, restore: repair });
  console.log(
    `${name.padEnd(56)} n=${String(texts.length).padStart(5)}  char ${r.chars.toFixed(4)}  word ${r.words.toFixed(4)}`,
  );
}

const def = defaultLexicon();
for (const [label, texts] of [
  ["UDHR tgk paragraphs", udhr],
  ["LibreOffice strings", lo],
] as const) {
  measure(`${label}: legacy A`, texts, toLegacyA, def);
  measure(`${label}: legacy B`, texts, toLegacyB, def);
  measure(`${label}: KOI8-T read as cp1251`, texts, toKoi8tAsCp1251, def);
  measure(`${label}: UTF-8 read as cp1251`, texts, toMojibake, def);
  measure(`${label}: Russian keyboard, not repaired (baseline)`, texts, toRussianKeyboard, def, false);
  measure(`${label}: Russian keyboard (default lexicon)`, texts, toRussianKeyboard, def);
  measure(`${label}: Russian keyboard (held-out lexicon)`, texts, toRussianKeyboard, heldOut);
  measure(`${label}: chat Latin`, texts, toChatLatin, def);
  measure(`${label}: untouched (false repairs)`, texts, (s) => s, def);
}

// Language ID on LibreOffice strings (franc is trained on UDHR, so not measured there).
const only = ["tgk", "rus", "uzn", "kaz", "kir", "tat", "pes", "prs", "eng"];
for (const [lo2, hi] of [
  [20, 40],
  [40, 1000],
]) {
  const lines = lo.filter((s) => s.length >= lo2 && s.length < hi);
  const folded = lines.map(toRussianKeyboard);
  const rate = (xs: string[], f: (s: string) => string) =>
    xs.filter((s) => f(s) === "tgk").length / xs.length;
  console.log(
    `langid ${lo2}-${hi} chars (n=${lines.length}): ours ${rate(lines, (s) => identifyLanguage(s).lang).toFixed(3)}  franc ${rate(lines, (s) => franc(s, { only, minLength: 3 })).toFixed(3)} | typed without Tajik letters: ours ${rate(folded, (s) => identifyLanguage(normalizeText(s).text).lang).toFixed(3)}  franc ${rate(folded, (s) => franc(s, { only, minLength: 3 })).toFixed(3)}`,
  );
}
