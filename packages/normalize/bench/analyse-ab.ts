/**
 * Two versions of the analysis in one process: `analyseText` of another checkout (an older commit, say) and of this
 * one, taking turns over the same documents, so that both meet the same machine load. A gain of a few percent is
 * below the spread between two runs of the whole stage (`pnpm bench -- e2e` differs by up to 14% between runs of
 * one commit); turns in one process resolve it.
 *
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && pnpm install --frozen-lockfile --offline)
 *   nice -n 5 node --import tsx packages/normalize/bench/analyse-ab.ts /tmp/old --e2e /tmp/e2e-40MB [--rounds 8]
 *
 * The e2e documents are those packages/cli/bench/write-e2e-corpus.ts writes. Both versions first read the first
 * half (their word records fill, as early in a 1 GB run) and the bench's documents; each round then times each
 * version over the second half, and over a fresh copy of the bench's documents in which every line is distinct
 * (`distinctLines`). The two versions keep their own module state (records, caches): they are separate modules.
 * Prints MB per CPU-second for each turn and the median ratio of this checkout's to the other's.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { benchOption, e2eDocuments } from "@soro/core/testing";
import { analyseText } from "../src/analyse.js";
import { benchDocuments, distinctLines } from "./bench-docs.js";

type Analyse = (text: string) => unknown;

const other = process.argv[2];
const e2eDir = benchOption("e2e", "");
if (!other || other.startsWith("--") || !e2eDir)
  throw new Error("usage: analyse-ab.ts <other checkout> --e2e <dir of e2e JSONL> [--rounds 8]");
const rounds = Number(benchOption("rounds", "8"));
const otherModule = pathToFileURL(path.resolve(other, "packages/normalize/src/analyse.ts")).href;
const otherAnalyse = ((await import(otherModule)) as { analyseText: Analyse }).analyseText;

const docs = e2eDocuments(e2eDir);
const warm = docs.slice(0, docs.length >> 1);
const timed = docs.slice(docs.length >> 1);
const bench = await benchDocuments();
const megabytes = (ds: readonly string[]) => ds.reduce((n, d) => n + Buffer.byteLength(d), 0) / 1e6;
for (const d of [...warm, ...bench]) {
  otherAnalyse(d);
  analyseText(d);
}

/** MB per CPU-second of `analyse` over `ds`. */
function speed(analyse: Analyse, ds: readonly string[]): number {
  const start = process.cpuUsage();
  for (const d of ds) analyse(d);
  const used = process.cpuUsage(start);
  return megabytes(ds) / ((used.user + used.system) / 1e6);
}

const ratios = { e2e: [] as number[], distinct: [] as number[] };
for (let round = 0; round < rounds; round++) {
  const fresh = distinctLines(bench, 100 + round);
  const [otherE2e, thisE2e, otherDistinct, thisDistinct] = [
    speed(otherAnalyse, timed),
    speed(analyseText, timed),
    speed(otherAnalyse, fresh),
    speed(analyseText, fresh),
  ];
  ratios.e2e.push(thisE2e / otherE2e);
  ratios.distinct.push(thisDistinct / otherDistinct);
  console.log(
    `round ${round + 1}: e2e ${otherE2e.toFixed(2)} -> ${thisE2e.toFixed(2)} MB/s, ` +
      `distinct lines ${otherDistinct.toFixed(2)} -> ${thisDistinct.toFixed(2)} MB/s (per CPU-s)`,
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
console.log(
  `this / other, median of ${rounds} rounds: e2e ${median(ratios.e2e).toFixed(3)}x ` +
    `(${Math.min(...ratios.e2e).toFixed(2)}-${Math.max(...ratios.e2e).toFixed(2)}), distinct lines ` +
    `${median(ratios.distinct).toFixed(3)}x (${Math.min(...ratios.distinct).toFixed(2)}-${Math.max(...ratios.distinct).toFixed(2)})`,
);
