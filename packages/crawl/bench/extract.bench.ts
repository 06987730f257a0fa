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

const CHUNK = 25;

/** One extractor's running totals over a set. */
class Tally {
  sum = { tp: 0, fp: 0, fn: 0 };
  empty = 0;
  ms = 0;
  runs = 0;

  constructor(
    readonly name: string,
    readonly fn: Extractor,
  ) {}

  /** Runs the extractor on a page, timing it, and scores the output when asked. */
  run(c: Case, score: boolean): void {
    const t = performance.now();
    const out = this.fn(c.html);
    this.ms += performance.now() - t;
    this.runs++;
    if (!score) return;
    if (!out.trim()) this.empty++;
    const s = c.score(out);
    this.sum.tp += s.tp;
    this.sum.fp += s.fp;
    this.sum.fn += s.fn;
  }

  row() {
    const { precision, recall, f1 } = prf(this.sum);
    return {
      extractor: this.name,
      precision: r3(precision),
      recall: r3(recall),
      f1: r3(f1),
      empty: this.empty,
      pagesPerSec: Math.round(this.runs / (this.ms / 1000)),
    };
  }
}

/**
 * Prints one set's table: both extractors, then ours over Readability. Scores are summed over pages
 * (micro-averaged, as trafilatura's evaluation does). The two take turns over chunks of CHUNK pages, so that the
 * load of a shared machine weighs on both alike while each one's garbage is mostly collected in its own turn.
 */
function report(set: string, scorer: string, cases: Case[], rounds: number) {
  // Warm both up so the JIT does not favour whichever runs second.
  for (const c of cases.slice(0, 20)) {
    ours(c.html);
    readability(c.html);
  }
  const ta = new Tally("soro extractHtml", ours);
  const tb = new Tally("readability+linkedom", readability);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i += CHUNK) {
      for (const c of cases.slice(i, i + CHUNK)) ta.run(c, r === 0);
      for (const c of cases.slice(i, i + CHUNK)) tb.run(c, r === 0);
    }
  }
  const a = ta.row();
  const b = tb.row();
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
