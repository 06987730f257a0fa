// Main-text extraction: this package's extractor beside @mozilla/readability on linkedom, in one run, over
//  - trafilatura's annotated evaluation pages (by path: --data=DIR, built by scripts/trafilatura-eval.ts), scored
//    as trafilatura scores them: a "with" snippet found in the output is a true positive, one missing a false
//    negative; a "without" snippet found is a false positive. Reported for the tuning half and the held-out half
//    (split by a hash of the page's file name; the extractor's weights were fitted on the tuning half only);
//  - the project's Tajik gold pages (UDHR articles in three page layouts), scored by bag-of-words precision and
//    recall of the output's tokens against the article's.
// Printed per set: precision, recall, F1, empty outputs, pages/s, and ours/Readability ratios.
// Run: pnpm bench -- extract --data=/work/data/trafilatura-eval  (node --import tsx packages/crawl/bench/extract.bench.ts)
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { extractHtml } from "../src/index.js";
import { tajikGoldPages } from "./tajik-gold.js";
import {
  loadTrafilaturaSet,
  prf,
  type SnippetPage,
  snippetScore,
  trafilaturaSetProblem,
} from "./trafilatura-set.js";

/** A page of a set and how its output is scored (true/false positives and false negatives it adds). */
interface Case {
  html: string;
  score: (out: string) => { tp: number; fp: number; fn: number };
}

/** Bag-of-words overlap of the output's tokens with the gold text's. */
function tokenScore(gold: string) {
  const toks = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const goldToks = toks(gold);
  return (out: string) => {
    const g = new Map<string, number>();
    for (const t of goldToks) g.set(t, (g.get(t) ?? 0) + 1);
    const got = toks(out);
    let tp = 0;
    for (const t of got) {
      const n = g.get(t) ?? 0;
      if (n > 0) {
        tp++;
        g.set(t, n - 1);
      }
    }
    return { tp, fp: got.length - tp, fn: goldToks.length - tp };
  };
}

type Extractor = (html: string) => string;
const ours: Extractor = (html) => extractHtml(html).lines.join("\n");
const readability: Extractor = (html) => {
  const { document } = parseHTML(html);
  return new Readability(document as never).parse()?.textContent ?? "";
};

const r3 = (x: number) => Number(x.toFixed(3));

/** Scores over a set, summed over pages (micro-averaged, as trafilatura's evaluation does), and pages/s. */
function measure(name: string, fn: Extractor, cases: Case[], rounds: number) {
  const sum = { tp: 0, fp: 0, fn: 0 };
  let empty = 0;
  let ms = 0;
  for (const c of cases) {
    const t = performance.now();
    const out = fn(c.html);
    ms += performance.now() - t;
    if (!out.trim()) empty++;
    const s = c.score(out);
    sum.tp += s.tp;
    sum.fp += s.fp;
    sum.fn += s.fn;
  }
  for (let r = 1; r < rounds; r++) {
    const t = performance.now();
    for (const c of cases) fn(c.html);
    ms += performance.now() - t;
  }
  const { precision, recall, f1 } = prf(sum);
  return {
    extractor: name,
    precision: r3(precision),
    recall: r3(recall),
    f1: r3(f1),
    empty,
    pagesPerSec: Math.round((cases.length * rounds) / (ms / 1000)),
  };
}

/** Prints one set's table: both extractors, then ours over Readability. */
function report(set: string, scorer: string, cases: Case[], rounds: number) {
  // Warm both up so the JIT does not favour whichever runs second.
  for (const c of cases.slice(0, 20)) {
    ours(c.html);
    readability(c.html);
  }
  const a = measure("soro extractHtml", ours, cases, rounds);
  const b = measure("readability+linkedom", readability, cases, rounds);
  console.log(`\n${set}: ${cases.length} pages, scorer: ${scorer}`);
  console.table([a, b]);
  console.log(
    JSON.stringify({
      set,
      f1Delta: r3(a.f1 - b.f1),
      speedRatio: Number((a.pagesPerSec / b.pagesPerSec).toFixed(2)),
      empty: a.empty,
    }),
  );
}

const arg = (name: string) => {
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(arg("rounds")) || 3;

const tajik = (await tajikGoldPages()).map((p) => ({ html: p.html, score: tokenScore(p.gold) }));
report("tajik-gold", "token bag precision/recall", tajik, rounds);

const data = arg("data");
const problem = data ? trafilaturaSetProblem(data) : null;
if (!data) {
  console.log(
    "\ntrafilatura set: skipped (no --data=DIR). Build it with " +
      "`node --import tsx packages/crawl/scripts/trafilatura-eval.ts <trafilatura mirror.git> DIR`, then pass --data=DIR.",
  );
} else if (problem) {
  console.log(`\ntrafilatura set: ${problem}`);
  process.exitCode = 1;
} else {
  const halves = loadTrafilaturaSet(data);
  const cases = (pages: SnippetPage[]) =>
    pages.map((p) => ({ html: p.html, score: (out: string) => snippetScore(p, out) }));
  const scorer =
    "trafilatura snippets (with found = TP, with missing = FN, without found = FP), micro-averaged";
  report("trafilatura tuning half", scorer, cases(halves.tuning), 1);
  report("trafilatura held-out half", scorer, cases(halves.heldout), 1);
}
console.log("\ngoal per set: f1Delta > 0, speedRatio >= 3, empty = 0");
