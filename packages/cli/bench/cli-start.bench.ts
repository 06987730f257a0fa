// Start-up of the `soro` command: `pnpm bench -- cli-start [--runs=N]` (also the first bench of `pnpm bench -- cli`).
//
// Each command runs N times (default 9) in a fresh Node process; the table gives the median wall time and the median
// CPU time (user + system, from /usr/bin/time when it is there) beside `node -e 0` (Node's own start, the floor) and
// the same commands run from the TypeScript sources through tsx (`pnpm soro`, how the `soro` bin ran before the
// build). Goal: `soro --help` and `soro status` under 0.3 s on a 2-core machine. On a machine shared with other
// work the wall times carry the wait for a core; the CPU times do not, so the goal column reads those.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SORO_BIN } from "@soro/core/testing";

const runsArg = process.argv.find((a) => a.startsWith("--runs="));
const RUNS = runsArg ? Number(runsArg.slice(7)) : 9;
const SOURCE_MAIN = path.resolve(import.meta.dirname, "../src/main.ts");
const TIME = "/usr/bin/time";
const dir = mkdtempSync(path.join(tmpdir(), "soro-start-"));
const ws = path.join(dir, "ws");
const stats = path.join(dir, "time.txt");

/** One run: wall and CPU milliseconds (CPU null without /usr/bin/time). */
function once(args: string[]): { wall: number; cpu: number | null } {
  const timed = existsSync(TIME);
  const argv = timed ? ["-f", "%U %S", "-o", stats, process.execPath, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(timed ? TIME : process.execPath, argv, { encoding: "utf8" });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: node ${args.join(" ")} failed: ${r.stderr.trim()}`);
  if (!timed) return { wall, cpu: null };
  const [user, sys] = readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  return { wall, cpu: (user! + sys!) * 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median wall and CPU of `runs` runs, after one unmeasured run that warms the file cache. */
function measure(args: string[], runs = RUNS): { wall: number; cpu: number | null } {
  once(args);
  const all = Array.from({ length: runs }, () => once(args));
  const cpus = all.map((r) => r.cpu).filter((c): c is number => c !== null);
  return { wall: median(all.map((r) => r.wall)), cpu: cpus.length ? median(cpus) : null };
}

// A workspace with one ingested file, so `status` has a catalog with a run and a shard to report.
const jsonl = path.join(dir, "docs.jsonl");
writeFileSync(
  jsonl,
  `${JSON.stringify({ text: "Салом! Ин матни кӯтоҳи тоҷикӣ барои санҷиши оғози фармон аст." })}\n`,
);
once([SORO_BIN, "-w", ws, "-q", "ingest", jsonl, "--source", "web"]);

const rows: Array<{ command: string; wall: number; cpu: number | null }> = [];
const add = (command: string, args: string[], runs?: number) =>
  rows.push({ command, ...measure(args, runs) });
add("node -e 0", ["-e", "0"]);
add("soro --help (built)", [SORO_BIN, "--help"]);
add("soro status (built)", [SORO_BIN, "-w", ws, "status"]);
add("soro sql (built)", [SORO_BIN, "-w", ws, "sql", "select count(*) from shards"]);
// The sources through tsx pay esbuild's transform of every module they load: fewer runs.
const tsxRuns = Math.max(3, Math.ceil(RUNS / 3));
add("soro --help (sources, tsx)", ["--import", "tsx", SOURCE_MAIN, "--help"], tsxRuns);
add("soro status (sources, tsx)", ["--import", "tsx", SOURCE_MAIN, "-w", ws, "status"], tsxRuns);
rmSync(dir, { recursive: true, force: true });

const floor = rows[0]!;
// The goal is judged on CPU time where it is measured: on an idle 2-core machine the wall time is about the CPU
// time, and on a shared one the CPU time is what the command itself costs.
const goal = (r: (typeof rows)[number]) => {
  if (!r.command.endsWith("(built)") || r.command.includes("sql")) return "";
  const t = r.cpu ?? r.wall;
  return `${t < 300 ? "under" : "OVER"} 300 ms (${r.cpu === null ? "wall" : "CPU"})`;
};
console.log(`median of ${RUNS} runs (${tsxRuns} through tsx), after one warm-up run each`);
console.log("command                         wall ms   CPU ms   wall × node -e 0   goal");
for (const r of rows) {
  console.log(
    `${r.command.padEnd(30)} ${r.wall.toFixed(0).padStart(8)} ${(r.cpu === null ? "-" : r.cpu.toFixed(0)).padStart(8)}   ${(r.wall / floor.wall).toFixed(1).padStart(16)}   ${goal(r)}`,
  );
}
