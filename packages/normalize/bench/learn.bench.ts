// `soro normalize learn` at corpus scale: `pnpm bench -- normalize/learn --size 1GB` (default 100MB; --no-peer leaves
// out the implementation that came before; --keep keeps the workspace; --memory 1GB is learn's DuckDB limit).
//
// A workspace's normalize output is written directly (shards of 64 MB of text, bench/learn-corpus.ts: real Tajik
// text whose words are varied so the vocabulary keeps growing), then `soro normalize learn` runs as a command under
// /usr/bin/time (wall, CPU = user + system of all its threads, peak RSS), and beside it, in the same run, the
// learn that came before (bench/learn-peer.ts). Both models must hold the same counts. Then the time to load each
// model (`loadModel`, best and first of 5). Goals: 1 GB in ≤ 10 min on 2 cores, RSS < 4 GB, load < 1 s.
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, configHash, openScratchDb, sqlString } from "@soro/core";
import { benchBytes, benchOption, commitQueryShard, SORO_BIN } from "@soro/core/testing";
import { tajikTextDir } from "@soro/samples";
import { DEFAULT_MODEL, loadModel, type TajikModel } from "../src/model.js";
import { dataFile } from "../src/tables.js";
import { learnCorpus } from "./learn-corpus.js";

const argv = process.argv.slice(2);
const sizeArg = benchOption("size", "100MB");
const targetBytes = benchBytes(sizeArg);
const memory = benchOption("memory", "1GB");
const peer = !argv.includes("--no-peer");
if (!tajikTextDir()) {
  console.log("skipped: ../shared/tajik-text is absent (the documents are built from it)");
  process.exit(0);
}
const root = path.resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(path.join(tmpdir(), "soro-learn-"));
const ws = path.join(work, "workspace");

// --- the workspace's normalize output ------------------------------------------------------------------------
const t0 = performance.now();
const next = await learnCorpus();
const catalog = await Catalog.open(ws, { create: true });
const hash = configHash({ bench: "learn", sizeArg });
const runId = await catalog.beginRun("normalize", hash, {}, 1);
const scratch = await openScratchDb(catalog.ws.tmpDir, "1GB", 2);
let bytes = 0;
let docs = 0;
for (let shard = 0; bytes < targetBytes; shard++) {
  const file = path.join(work, "shard.jsonl");
  const out = createWriteStream(file);
  for (let inShard = 0; inShard < 64e6 && bytes < targetBytes; docs++) {
    const d = next();
    const n = Buffer.byteLength(d.text);
    inShard += n;
    bytes += n;
    const row = `${JSON.stringify({ id: `doc-${docs}`, text: d.text, line_langs: d.lineLangs })}\n`;
    if (!out.write(row)) await new Promise<void>((res) => out.once("drain", () => res()));
  }
  await new Promise<void>((res) => out.end(() => res()));
  await commitQueryShard(
    catalog,
    scratch.conn,
    `SELECT id, text, 'tgk' AS lang, 0.99::DOUBLE AS lang_score, 'cyrl' AS script, 'none' AS encoding,
       0::INTEGER AS repairs, line_langs
     FROM read_json(${sqlString(file)}, format = 'newline_delimited', maximum_object_size = 100000000,
       columns = {id: 'VARCHAR', text: 'VARCHAR', line_langs: 'VARCHAR[]'})`,
    { runId, stage: "normalize", configHash: hash, sourceKey: `part-${shard}`, status: "pending" },
  );
  rmSync(file);
}
scratch.conn.closeSync();
scratch.instance.closeSync();
await catalog.activateRun("normalize", hash);
await catalog.finishRun(runId, "done");
catalog.close();
const mb = bytes / 1e6;
console.log(
  `normalize output: ${docs} documents, ${mb.toFixed(1)} MB of text (built in ${((performance.now() - t0) / 1000).toFixed(0)} s), ${work}`,
);

// --- the runs --------------------------------------------------------------------------------------------------
interface Measure {
  name: string;
  wall: number;
  cpu: number;
  rssMb: number;
  out: string;
}
function timed(name: string, args: string[], out: string): Measure {
  const stats = path.join(work, "time.txt");
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-o", stats, "-f", "%U %S %M", process.execPath, ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`bench: ${name} failed (exit ${r.status})`);
  const [user, sys, rss] = readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  console.log(
    `  ${name}: ${r.stdout.trim()}\n    ${wall.toFixed(1)} s wall, ${(user! + sys!).toFixed(1)} s CPU, peak RSS ${(rss! / 1024).toFixed(0)} MB`,
  );
  return { name, wall, cpu: user! + sys!, rssMb: rss! / 1024, out };
}
const runs: Measure[] = [];
const newOut = path.join(work, "learned.bin");
runs.push(
  timed(
    "learn (batches, bounded DuckDB)",
    [SORO_BIN, "-w", ws, "normalize", "learn", "--out", newOut, "--memory", memory],
    newOut,
  ),
);
if (peer) {
  const peerOut = path.join(work, "peer.bin.gz");
  runs.push(
    timed(
      "learn before (3 queries, catalog DB)",
      ["--import", "tsx", path.join(import.meta.dirname, "learn-peer.ts"), ws, peerOut],
      peerOut,
    ),
  );
}

// --- report ----------------------------------------------------------------------------------------------------
console.log(`\n${"implementation".padEnd(38)} wall s   CPU s  MB/s (wall)  MB/CPU-s  peak RSS MB`);
for (const m of runs)
  console.log(
    `${m.name.padEnd(38)} ${m.wall.toFixed(1).padStart(6)} ${m.cpu.toFixed(1).padStart(7)} ${(mb / m.wall).toFixed(2).padStart(12)} ${(mb / m.cpu).toFixed(2).padStart(9)} ${m.rssMb.toFixed(0).padStart(12)}`,
  );
const [now, before] = runs;
if (now && before)
  console.log(
    `ratio new/before: wall ${(now.wall / before.wall).toFixed(2)}, CPU ${(now.cpu / before.cpu).toFixed(2)}, peak RSS ${(now.rssMb / before.rssMb).toFixed(2)}`,
  );
if (now)
  console.log(
    `1 GB projection (linear): ${((now.cpu * 1000) / mb / 60).toFixed(1)} CPU-min, ${((now.wall * 1000) / mb / 60).toFixed(1)} min wall here`,
  );

/** Load time of a model file: first and best of five, wall and CPU (this thread's user + system) ms. */
function loadTime(file: string): { first: number; best: number; bestCpu: number; model: TajikModel } {
  const times: number[] = [];
  const cpus: number[] = [];
  let model: TajikModel | undefined;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    model = loadModel(file);
    const used = process.cpuUsage(c);
    cpus.push((used.user + used.system) / 1000);
    times.push(performance.now() - t);
  }
  return { first: times[0]!, best: Math.min(...times), bestCpu: Math.min(...cpus), model: model! };
}
const loads = [
  { name: "shipped model", file: dataFile(DEFAULT_MODEL).pathname },
  ...runs.map((m) => ({ name: m.name, file: m.out })),
].map((x) => ({ ...x, ...loadTime(x.file) }));
for (const l of loads)
  console.log(
    `load ${l.name}: ${l.model.vocab.length} words, ${(statSync(l.file).size / 1e6).toFixed(1)} MB, first ${l.first.toFixed(0)} ms, best ${l.best.toFixed(0)} ms wall / ${l.bestCpu.toFixed(0)} ms CPU (goal < 1000)`,
  );
const [, a, b] = loads;
if (a && b) {
  const ca = a.model.toCounts();
  const cb = b.model.toCounts();
  const same = (x: Map<string, number>, y: Map<string, number>) =>
    x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
  const ok = same(ca.unigrams, cb.unigrams) && same(ca.bigrams, cb.bigrams);
  console.log(
    `same counts as before: ${ok ? "yes" : "NO"} (${ca.unigrams.size} words, ${ca.bigrams.size} bigrams)`,
  );
  if (!ok) process.exitCode = 1;
}
if (!argv.includes("--keep")) rmSync(work, { recursive: true, force: true });
