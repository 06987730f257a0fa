// The whole pipeline on realistic Tajik documents: `pnpm bench -- e2e --size 1GB` (default 50MB).
// Options: --workers N (2), --work=DIR (default $TMPDIR/soro-e2e-<size>; write it with `=`: `pnpm bench` passes
// only numeric values as separate words), --keep (keep DIR after success), --fresh (start over even when DIR holds
// an unfinished run), --peers=LIST (the peers to run, of duckdb,ftfy,quality,minhash; default all: datatrove's
// quality filters and MinHash take ~50 CPU minutes at 1 GB).
//
// Documents are built from ../shared/tajik-text as e2e-corpus.ts's CORPUS_RECIPE says (printed with the results).
// Stages run as `soro` commands with --workers; each is measured over its whole process tree (e2e-measure.ts):
// wall, CPU (user + sys), peak RSS. The table gives each stage's input (docs and MB of text, from the catalog),
// MB/s of wall and per CPU-second, and its share of the total CPU and wall; then the projection to 8 GB on one
// 2-core machine from CPU time and from wall time, with the formula. Peers in the same run, same JSONL, same
// worker count: DuckDB's own read_json into Parquet (ingest), and datatrove's Gopher + FineWeb quality filters and
// four-stage MinHash dedup when $SORO_PYTHON (default python3) imports datatrove, and its FTFYFormatter (normalize's
// repairs) when that Python also imports ftfy.
//
// Resuming: every finished step is recorded in DIR/bench-state.json; when a stage fails the bench names it, shows
// the end of its log (DIR/logs/<stage>.log) and keeps DIR, and the same command again continues from that stage
// (the `soro` stages themselves skip shards they already committed; the attempts' times are added up).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { benchBytes, benchOption, SORO_BIN } from "@soro/core/testing";
import { tajikTextDir } from "@soro/samples";
import { CORPUS_RECIPE, type CorpusStats, writeCorpus } from "./e2e-corpus.js";
import { type Measure, measure } from "./e2e-measure.js";

const argv = process.argv.slice(2);
const sizeArg = benchOption("size", "50MB");
const targetBytes = benchBytes(sizeArg);
const workers = Number(benchOption("workers", "2"));
const work = path.resolve(benchOption("work", path.join(tmpdir(), `soro-e2e-${sizeArg}`)));
const keep = argv.includes("--keep");
const PEER_NAMES = ["duckdb", "ftfy", "quality", "minhash"];
const peerList = benchOption("peers", PEER_NAMES.join(",")).split(",").filter(Boolean);
const unknownPeer = peerList.find((p) => !PEER_NAMES.includes(p));
if (unknownPeer) {
  console.error(`e2e: unknown peer "${unknownPeer}" in --peers (known: ${PEER_NAMES.join(", ")})`);
  process.exit(2);
}
if (!tajikTextDir()) {
  console.log("skipped: ../shared/tajik-text is absent (the documents are built from it)");
  process.exit(0);
}

const root = path.resolve(import.meta.dirname, "../../..");
const inputDir = path.join(work, "input");
const ws = path.join(work, "workspace");
const logs = path.join(work, "logs");
const stateFile = path.join(work, "bench-state.json");

// --- state: what an earlier run of the same size already did ------------------------------------------------
interface State {
  size: string;
  workers: number;
  corpus?: CorpusStats;
  /** Finished steps (stages and peers), each with the time of all its attempts added up. */
  done: Record<string, Measure>;
  /** Time spent in failed attempts of a step that is not finished yet. */
  failed: Record<string, Measure>;
}
let state: State = { size: sizeArg, workers, done: {}, failed: {} };
if (existsSync(stateFile) && !argv.includes("--fresh")) {
  const old = JSON.parse(readFileSync(stateFile, "utf8")) as State;
  if (old.size === sizeArg && old.workers === workers) state = old;
}
if (Object.keys(state.done).length === 0 && Object.keys(state.failed).length === 0)
  rmSync(work, { recursive: true, force: true });
else console.log(`resuming in ${work}: done ${Object.keys(state.done).join(", ") || "nothing"}`);
mkdirSync(logs, { recursive: true });
const save = () => writeFileSync(stateFile, JSON.stringify(state, null, 1));

const addUp = (a: Measure | undefined, b: Measure): Measure =>
  a
    ? {
        ...b,
        wall: a.wall + b.wall,
        cpu: a.cpu + b.cpu,
        rssMb: Math.max(a.rssMb, b.rssMb),
        attempts: (a.attempts ?? 1) + 1,
      }
    : b;

/** Runs one step unless an earlier run finished it; a failure is recorded, reported and stops the bench. */
async function step(name: string, cmd: string, args: string[], cwd = root): Promise<Measure> {
  const finished = state.done[name];
  if (finished) {
    console.log(`  ${name.padEnd(10)} done earlier (${finished.wall.toFixed(1)} s)`);
    return finished;
  }
  const m = await measure(name, cmd, args, { cwd, logFile: path.join(logs, `${name}.log`) });
  const total = addUp(state.failed[name], m);
  if (m.exitCode !== 0) {
    state.failed[name] = total;
    save();
    throw new StepFailed(name, m.error ?? "failed");
  }
  delete state.failed[name];
  state.done[name] = total;
  save();
  console.log(
    `  ${name.padEnd(10)} ${m.wall.toFixed(1).padStart(7)} s wall ${m.cpu.toFixed(1).padStart(7)} s CPU ${Math.round(m.rssMb).toString().padStart(6)} MB`,
  );
  return total;
}
class StepFailed extends Error {
  constructor(
    readonly step: string,
    detail: string,
  ) {
    super(`stage ${step} FAILED (${detail})`);
  }
}

const soroArgs = (...args: string[]) => [SORO_BIN, "-w", ws, ...args, "--workers", String(workers)];
const STAGES: Array<{ name: string; args: string[]; input: string }> = [
  { name: "ingest", args: ["ingest", inputDir, "--source", "web"], input: "jsonl" },
  { name: "normalize", args: ["normalize"], input: "ingest" },
  { name: "learn", args: ["normalize", "learn"], input: "normalize" },
  { name: "quality", args: ["quality", "signals"], input: "normalize" },
  { name: "select", args: ["quality", "select"], input: "quality" },
  { name: "dedup", args: ["dedup", "run"], input: "select" },
  { name: "count", args: ["bridge", "count"], input: "dedup" },
  {
    name: "export",
    args: ["bridge", "export", "--format", "megatron", "--out", path.join(work, "export")],
    input: "dedup",
  },
];

// --- run -----------------------------------------------------------------------------------------------------
const loadStart = loadavg();
if (!state.corpus) {
  const t0 = performance.now();
  state.corpus = await writeCorpus(inputDir, targetBytes);
  save();
  console.log(`corpus built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
const corpus = state.corpus;
const mb = corpus.bytes / 1e6;
console.log(
  `corpus: ${corpus.docs} documents, ${mb.toFixed(1)} MB of JSONL in 8 files (${(corpus.textBytes / 1e6).toFixed(1)} MB of text, drawn from ${(corpus.sourceBytes / 1e6).toFixed(1)} MB of real text: ${(corpus.textBytes / corpus.sourceBytes).toFixed(1)}× its size), ${workers} workers, ${work}`,
);

let failure: StepFailed | null = null;
try {
  if (!existsSync(path.join(ws, "catalog.duckdb")))
    await step("init", process.execPath, [SORO_BIN, "-w", ws, "init"]);
  for (const s of STAGES) await step(s.name, process.execPath, soroArgs(...s.args));
  await peers();
} catch (e) {
  if (!(e instanceof StepFailed)) throw e;
  failure = e;
}

// --- peers ---------------------------------------------------------------------------------------------------
async function peers(): Promise<void> {
  const duck = `
import { DuckDBInstance } from "@duckdb/node-api";
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
await c.run("SET threads=${workers}");
await c.run(\`COPY (SELECT * FROM read_json('${inputDir}/*.jsonl', format='newline_delimited')) TO '${work}/duck.parquet' (FORMAT parquet, COMPRESSION zstd)\`);`;
  // --eval resolves packages from the working folder: core's, which depends on @duckdb/node-api.
  if (peerList.includes("duckdb"))
    await step(
      "duckdb",
      process.execPath,
      ["--input-type=module", "-e", duck],
      path.join(root, "packages/core"),
    );
  const wanted = ["ftfy", "quality", "minhash"].filter((p) => peerList.includes(p));
  if (wanted.length === 0) return;
  const python = process.env.SORO_PYTHON ?? "python3";
  const probe = spawnSync(python, ["-c", "import datatrove, spacy"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.log(
      `datatrove peers skipped: ${python} cannot import datatrove and spacy (${(probe.stderr ?? String(probe.error)).trim().split("\n").pop()}); set SORO_PYTHON`,
    );
    return;
  }
  const script = path.join(import.meta.dirname, "datatrove_peer.py");
  const ftfy = wanted.includes("ftfy") && spawnSync(python, ["-c", "import ftfy"]).status === 0;
  if (wanted.includes("ftfy") && !ftfy)
    console.log(`datatrove's ftfy peer skipped: ${python} cannot import ftfy (pip install ftfy)`);
  for (const what of wanted.filter((p) => p !== "ftfy" || ftfy))
    await step(`dt-${what}`, python, [
      script,
      what,
      inputDir,
      path.join(work, `dt-${what}`),
      String(workers),
    ]);
}

// --- report --------------------------------------------------------------------------------------------------
/** Documents and characters of each stage's active shards, from `soro status --json`. */
function stageTotals(): Map<string, { docs: number; chars: number }> {
  const r = spawnSync(process.execPath, [SORO_BIN, "-w", ws, "status", "--json"], {
    encoding: "utf8",
    cwd: root,
  });
  const out = new Map<string, { docs: number; chars: number }>();
  out.set("jsonl", { docs: corpus.docs, chars: corpus.textChars });
  if (r.status !== 0) return out;
  for (const s of (JSON.parse(r.stdout) as { stages: Array<{ stage: string; docs: number; chars: number }> })
    .stages)
    out.set(s.stage, { docs: Number(s.docs), chars: Number(s.chars) });
  return out;
}
const totals = stageTotals();
const bytesPerChar = corpus.textBytes / corpus.textChars;
const done = STAGES.flatMap((s) => (state.done[s.name] ? [{ ...s, m: state.done[s.name]! }] : []));
const cpuTotal = done.reduce((n, s) => n + s.m.cpu, 0);
const wallTotal = done.reduce((n, s) => n + s.m.wall, 0);
const num = (x: number, w: number, d = 1) => x.toFixed(d).padStart(w);
const inMb = (input: string) => ((totals.get(input)?.chars ?? 0) * bytesPerChar) / 1e6;

console.log(`\n${CORPUS_RECIPE}\n`);
console.log(
  "stage        in docs   in MB   wall s    CPU s  CPU/wall  MB/s wall  MB/s/core  peak RSS MB  CPU share  wall share",
);
const row = (name: string, m: Measure, docs: number, mbIn: number, share: boolean) =>
  console.log(
    `${name.padEnd(11)}${Math.round(docs).toString().padStart(9)} ${num(mbIn, 7)} ${num(m.wall, 8)} ${num(m.cpu, 8)} ${num(m.cpu / m.wall, 9, 2)} ${num(mbIn / m.wall, 10)} ${num(mbIn / m.cpu, 10)} ${Math.round(m.rssMb).toString().padStart(12)} ${share ? `${num((100 * m.cpu) / cpuTotal, 9, 0)}% ${num((100 * m.wall) / wallTotal, 10, 0)}%` : ""}${(m.attempts ?? 1) > 1 ? `  (${m.attempts} attempts)` : ""}`,
  );
for (const s of done) row(s.name, s.m, totals.get(s.input)?.docs ?? 0, inMb(s.input), true);
console.log(
  `${"total".padEnd(11)}${"".padStart(17)} ${num(wallTotal, 8)} ${num(cpuTotal, 8)} ${num(cpuTotal / wallTotal, 9, 2)} ${num(mb / wallTotal, 10)} ${num(mb / cpuTotal, 10)} ${Math.round(
    Math.max(0, ...done.map((s) => s.m.rssMb)),
  )
    .toString()
    .padStart(12)}`,
);
const PEERS: Array<[string, string]> = [
  ["duckdb", "DuckDB read_json → Parquet (ingest's peer)"],
  [
    "dt-ftfy",
    "datatrove FTFYFormatter: ftfy's encoding and Unicode repair (normalize's peer for its repairs; it restores no letters and reads no language)",
  ],
  ["dt-quality", "datatrove Gopher + FineWeb quality filters (quality signals' + select's peer)"],
  [
    "dt-minhash",
    "datatrove MinHash dedup, all 4 stages: signatures, buckets, clusters, filter (dedup's peer)",
  ],
];
console.log("peers, same JSONL and workers:");
for (const [key, label] of PEERS) {
  const m = state.done[key];
  if (m) {
    console.log(`  ${label}`);
    row("", m, corpus.docs, mb, false);
  }
}
const ratio = (a: string, b: string) => {
  const x = state.done[a];
  const y = state.done[b];
  return x && y ? `${(x.wall / y.wall).toFixed(2)}× wall, ${(x.cpu / y.cpu).toFixed(2)}× CPU` : "n/a";
};
console.log(
  `ratios: ingest / DuckDB ${ratio("ingest", "duckdb")}; normalize / datatrove ftfy ${ratio("normalize", "dt-ftfy")}; quality signals / datatrove filters ${ratio("quality", "dt-quality")}; dedup (signatures, clusters, repeated lines) / datatrove MinHash dedup ${ratio("dedup", "dt-minhash")}`,
);
const dedupIn = totals.get("select");
const dedupOut = totals.get("dedup");
if (dedupIn && dedupOut)
  console.log(
    `dedup kept ${dedupOut.docs} of ${dedupIn.docs} documents (${((100 * dedupOut.docs) / dedupIn.docs).toFixed(1)}%) and ${((100 * dedupOut.chars) / dedupIn.chars).toFixed(1)}% of the characters`,
  );

if (done.length === STAGES.length) {
  const k = 8e9 / corpus.bytes;
  const h = (s: number) => `${(s / 3600).toFixed(2)} h`;
  console.log(
    `\nprojection to 8 GB of JSONL (~1.9B Gemma 3 tokens) on one 2-core machine, linear in size (k = 8 GB / ${(corpus.bytes / 1e9).toFixed(3)} GB = ${k.toFixed(1)}):`,
  );
  console.log(
    `  from CPU:  Σ CPU s × k / 2 cores = ${cpuTotal.toFixed(0)} × ${k.toFixed(1)} / 2 = ${h((cpuTotal * k) / 2)}  (every stage keeps both cores busy; a load-independent floor)`,
  );
  console.log(
    `  from wall: Σ wall s × k          = ${wallTotal.toFixed(0)} × ${k.toFixed(1)}     = ${h(wallTotal * k)}  (only on a quiet machine: load average ${loadStart.map((l) => l.toFixed(1)).join(" ")} at start, ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} at end, ${availableParallelism()} cores here)`,
  );
  console.log(
    "  goal: ≤ 2 h. Each command's start-up (models, tokenizer: ~30 CPU s in all) is scaled too, so sizes under\n" +
      "  ~1 GB overstate the projection; the global dedup step (sorts and joins over all documents) grows a little faster.",
  );
}

const du = spawnSync("du", ["-sm", work], { encoding: "utf8" }).stdout.split("\t")[0];
if (failure) {
  console.log(
    `\n${failure.message}\nkept ${work} (${du} MB); run the same command again to continue from ${failure.step}`,
  );
  process.exitCode = 1;
} else if (keep) console.log(`kept ${work} (${du} MB)`);
else {
  rmSync(work, { recursive: true, force: true });
  console.log(`removed ${work} (${du} MB)`);
}
