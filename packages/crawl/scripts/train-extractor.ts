// Fits the block model's logistic-regression weights (src/block-model.ts) on the tuning half of trafilatura's
// evaluation pages, then picks the keep threshold by the bench's snippet F1 on that same half. The held-out half is
// never read. Prints the weights and threshold to paste into src/block-model.ts.
// Usage: node --import tsx packages/crawl/scripts/train-extractor.ts --data=DIR [--iterations 3000] [--l2 0.001]
import { load } from "cheerio/slim";
import { loadTrafilaturaSet, prf, snippetScore, trafilaturaSetProblem } from "../bench/trafilatura-set.js";
import { FEATURES } from "../src/block-model.js";
import { type DomNode, pageBlocks } from "../src/blocks.js";
import { mainText, pageFeatures } from "../src/main-text.js";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const dir = arg("data", "");
const problem = dir ? trafilaturaSetProblem(dir) : "pass --data=DIR";
if (problem) {
  console.error(`train-extractor: ${problem}`);
  process.exit(2);
}
const iterations = Number(arg("iterations", "3000"));
const l2 = Number(arg("l2", "0.001"));

const squash = (s: string) => s.replace(/\s+/g, " ").trim();
const pages = loadTrafilaturaSet(dir).tuning.map((p) => {
  const $ = load(p.html);
  const blocks = pageBlocks(($("body")[0] ?? $.root()[0]) as unknown as DomNode);
  return { page: p, blocks };
});

// Labels: a block holding an expected snippet (or a whole block of one that spans blocks) is main text; a block
// holding an unwanted snippet is not. Blocks that hold neither are not labelled.
const xs: number[][] = [];
const ys: number[] = [];
for (const { page, blocks } of pages) {
  const feats = pageFeatures(blocks);
  const want = page.with.map(squash).filter(Boolean);
  const unwanted = page.without.map(squash).filter(Boolean);
  blocks.forEach((b, i) => {
    const pos = want.some((w) => b.text.includes(w) || (b.text.length >= 15 && w.includes(b.text)));
    const neg = unwanted.some((u) => b.text.includes(u));
    if (pos === neg) return;
    xs.push(feats[i]!);
    ys.push(pos ? 1 : 0);
  });
}
const dims = FEATURES.length;
console.error(
  `${pages.length} pages, ${xs.length} labelled blocks, ${ys.filter((y) => y === 1).length} positive`,
);

// Standardise every feature but the bias, fit by full-batch gradient descent with Adam, then fold the scaling back.
const mean = new Array<number>(dims).fill(0);
const sd = new Array<number>(dims).fill(1);
for (let k = 1; k < dims; k++) {
  mean[k] = xs.reduce((s, x) => s + x[k]!, 0) / xs.length;
  sd[k] = Math.sqrt(xs.reduce((s, x) => s + (x[k]! - mean[k]!) ** 2, 0) / xs.length) || 1;
}
const zs = xs.map((x) => x.map((v, k) => (k === 0 ? 1 : (v - mean[k]!) / sd[k]!)));
const w = new Array<number>(dims).fill(0);
const m = new Array<number>(dims).fill(0);
const v = new Array<number>(dims).fill(0);
for (let it = 1; it <= iterations; it++) {
  const g = new Array<number>(dims).fill(0);
  for (let i = 0; i < zs.length; i++) {
    const z = zs[i]!;
    let s = 0;
    for (let k = 0; k < dims; k++) s += w[k]! * z[k]!;
    const err = 1 / (1 + Math.exp(-s)) - ys[i]!;
    for (let k = 0; k < dims; k++) g[k]! += err * z[k]!;
  }
  for (let k = 0; k < dims; k++) {
    const gk = g[k]! / zs.length + (k === 0 ? 0 : l2 * w[k]!);
    m[k] = 0.9 * m[k]! + 0.1 * gk;
    v[k] = 0.999 * v[k]! + 0.001 * gk * gk;
    w[k]! -= (0.05 * (m[k]! / (1 - 0.9 ** it))) / (Math.sqrt(v[k]! / (1 - 0.999 ** it)) + 1e-8);
  }
}
const weights = w.map((x, k) => (k === 0 ? x : x / sd[k]!));
weights[0] = w[0]! - w.slice(1).reduce((s, x, j) => s + (x * mean[j + 1]!) / sd[j + 1]!, 0);

// The threshold that gives the best snippet F1 on the tuning half.
let best = { threshold: 0.5, f1: -1, precision: 0, recall: 0 };
for (let t = 0.3; t <= 0.71; t += 0.025) {
  const sum = { tp: 0, fp: 0, fn: 0 };
  for (const { page, blocks } of pages) {
    const s = snippetScore(
      page,
      mainText(blocks, weights, t)
        .kept.map((b) => b.text)
        .join("\n"),
    );
    sum.tp += s.tp;
    sum.fp += s.fp;
    sum.fn += s.fn;
  }
  const r = prf(sum);
  console.error(
    `threshold ${t.toFixed(3)}: P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)} F1 ${r.f1.toFixed(3)}`,
  );
  if (r.f1 > best.f1) best = { threshold: Number(t.toFixed(3)), ...r };
}
for (let k = 0; k < dims; k++) console.error(`${FEATURES[k]!.padEnd(20)} ${weights[k]!.toFixed(4)}`);
console.log(
  `export const WEIGHTS: readonly number[] = [${weights.map((x) => Number(x.toFixed(4))).join(", ")}];`,
);
console.log(`export const KEEP_THRESHOLD = ${best.threshold}; // tuning-half F1 ${best.f1.toFixed(3)}`);
