/**
 * One stage of two built trees, run in turns over fresh copies of one workspace: the whole stage as `soro` runs it
 * (worker threads, shard I/O, start-up), where `pnpm bench -- e2e` differs by up to 14% between two runs of one
 * commit and hides a gain of a few percent. Outputs are not compared here (normalize's `scripts/same-output.ts` does).
 *
 *   git worktree add /tmp/old <commit> && (cd /tmp/old && pnpm install --frozen-lockfile --offline && pnpm build)
 *   node --import tsx packages/cli/bench/stage-ab.ts /tmp/old --workspace WS [--stage normalize] [--workers 2]
 *     [--rounds 6]
 *
 * WS holds the stage's input (e.g. the ingest of `write-e2e-corpus.ts`'s documents). Each run is a child process
 * that runs the tree's built `main` and reports the CPU its process used (user + system: its worker threads and
 * DuckDB's included). Prints each round and the median of the paired ratios other / this (above 1: this tree takes
 * less CPU).
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { benchOption } from "@soro/core/testing";

const other = process.argv[2];
const workspace = benchOption("workspace", "");
if (!other || other.startsWith("--") || !workspace)
  throw new Error(
    "usage: stage-ab.ts <other built checkout> --workspace WS [--stage normalize] [--workers 2] [--rounds 6]",
  );
const stage = benchOption("stage", "normalize");
const workers = benchOption("workers", "2");
const rounds = Number(benchOption("rounds", "6"));
const here = path.resolve(import.meta.dirname, "../../..");
const built = spawnSync(process.execPath, [path.join(here, "tools", "build.mjs"), "--if-stale"], {
  stdio: "inherit",
});
if (built.status !== 0) throw new Error("stage-ab: tools/build.mjs failed: run `pnpm build` to see why");
const trees = { other: path.resolve(other), this: here };
for (const root of Object.values(trees))
  if (!existsSync(path.join(root, "packages/cli/dist/main.js")))
    throw new Error(`stage-ab: ${root} is not built: run \`pnpm build\` there`);

/** The CPU seconds one run of the stage took in a tree, over a fresh copy of the workspace. */
function run(root: string): number {
  const dir = mkdtempSync(path.join(tmpdir(), "soro-stage-ab-"));
  try {
    const ws = path.join(dir, "ws");
    cpSync(workspace, ws, { recursive: true });
    const main = pathToFileURL(path.join(root, "packages/cli/dist/main.js")).href;
    const argv = JSON.stringify(["node", "soro", "-q", "-w", ws, "--workers", workers, stage]);
    const script = `const { main } = await import(${JSON.stringify(main)});
const code = await main(${argv});
const cpu = process.cpuUsage();
console.log("cpu " + (cpu.user + cpu.system) / 1e6);
process.exit(code);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    const cpu = /cpu ([\d.]+)/.exec(r.stdout)?.[1];
    if (r.status !== 0 || !cpu)
      throw new Error(`stage-ab: ${stage} failed in ${root}: ${r.stderr || r.stdout}`);
    return Number(cpu);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ratios: number[] = [];
for (let round = 1; round <= rounds; round++) {
  // Turns alternate which tree goes first, so a change in the machine's load falls on both.
  const first = round % 2 === 1 ? "other" : "this";
  const cpu = { other: 0, this: 0 };
  cpu[first] = run(trees[first]);
  const second = first === "other" ? "this" : "other";
  cpu[second] = run(trees[second]);
  ratios.push(cpu.other / cpu.this);
  console.log(
    `round ${round}: other ${cpu.other.toFixed(2)} CPU s, this ${cpu.this.toFixed(2)} CPU s, other/this ${(cpu.other / cpu.this).toFixed(3)}`,
  );
}
ratios.sort((a, b) => a - b);
console.log(
  `${stage}, ${workers} workers: other/this CPU, median of ${rounds} rounds ${(ratios[ratios.length >> 1] as number).toFixed(3)} (${(ratios[0] as number).toFixed(3)}-${(ratios.at(-1) as number).toFixed(3)})`,
);
