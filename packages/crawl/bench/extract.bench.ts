// Main-text extraction: this package's extractor beside @mozilla/readability on linkedom, in one run, over
//  - trafilatura's annotated evaluation pages (by path: --data=DIR, built by scripts/trafilatura-eval.ts), scored
//    as trafilatura scores them: a "with" snippet found in the output is a true positive, one missing a false
//    negative; a "without" snippet found is a false positive. Reported for the tuning half and the held-out half
//    (split by a hash of the page's file name; nothing was tuned on the held-out half);
//  - the project's Tajik gold pages (UDHR articles in three page layouts), scored by bag-of-words precision and
//    recall of the output's tokens against the article's.
// Printed per set: precision, recall, F1, empty outputs, pages/s, and ours/Readability ratios.
// Run: pnpm bench -- extract --data=/work/data/trafilatura-eval  (node --import tsx packages/crawl/bench/extract.bench.ts)
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { decodeBody, extractHtml } from "../src/index.js";
import { tajikGoldPages } from "./tajik-gold.js";

/** A page of a set and how its output is scored (true/false positives and false negatives it adds). */
interface Case {
  html: string;
  score: (out: string) => { tp: number; fp: number; fn: number };
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

/** Trafilatura's snippet scorer: expected snippets found, unwanted snippets found. */
function snippetScore(want: string[], unwanted: string[]) {
  return (out: string) => {
    const o = squash(out);
    let tp = 0;
    let fn = 0;
    let fp = 0;
    for (const w of want) o.includes(squash(w)) ? tp++ : fn++;
    for (const u of unwanted) if (o.includes(squash(u))) fp++;
    return { tp, fp, fn };
  };
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
  let tp = 0;
  let fp = 0;
  let fnn = 0;
  let empty = 0;
  let ms = 0;
  for (const c of cases) {
    const t = performance.now();
    const out = fn(c.html);
    ms += performance.now() - t;
    if (!out.trim()) empty++;
    const s = c.score(out);
    tp += s.tp;
    fp += s.fp;
    fnn += s.fn;
  }
  for (let r = 1; r < rounds; r++) {
    const t = performance.now();
    for (const c of cases) fn(c.html);
    ms += performance.now() - t;
  }
  const precision = tp / (tp + fp || 1);
  const recall = tp / (tp + fnn || 1);
  return {
    extractor: name,
    precision: r3(precision),
    recall: r3(recall),
    f1: r3((2 * precision * recall) / (precision + recall || 1)),
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
if (!data) {
  console.log(
    "\ntrafilatura set: skipped (no --data=DIR). Build it with " +
      "`node --import tsx packages/crawl/scripts/trafilatura-eval.ts <trafilatura mirror.git> DIR`, then pass --data=DIR.",
  );
} else if (!existsSync(path.join(data, "gold.json"))) {
  console.log(
    `\ntrafilatura set: ${path.join(data, "gold.json")} does not exist; build the folder with packages/crawl/scripts/trafilatura-eval.ts`,
  );
  process.exitCode = 1;
} else {
  const gold = JSON.parse(readFileSync(path.join(data, "gold.json"), "utf8")) as {
    pages: { file: string; with: string[]; without: string[] }[];
  };
  const halves: Record<"tuning" | "heldout", Case[]> = { tuning: [], heldout: [] };
  for (const p of gold.pages) {
    const html = decodeBody(readFileSync(path.join(data, "pages", p.file)), null).text;
    halves[isHeldOut(p.file) ? "heldout" : "tuning"].push({ html, score: snippetScore(p.with, p.without) });
  }
  const scorer =
    "trafilatura snippets (with found = TP, with missing = FN, without found = FP), micro-averaged";
  report("trafilatura tuning half", scorer, halves.tuning, 1);
  report("trafilatura held-out half", scorer, halves.heldout, 1);
}
console.log("\ngoal per set: f1Delta > 0, speedRatio >= 3, empty = 0");

/** The held-out half: pages whose file-name hash starts with an odd byte. */
function isHeldOut(file: string): boolean {
  return (createHash("sha256").update(file).digest()[0]! & 1) === 1;
}
