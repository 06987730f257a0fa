// The whole pipeline on realistic Tajik documents: `pnpm bench -- e2e --size 1GB` (default 50MB; --workers 2).
//
// Documents: 3-15 paragraphs each, drawn (seeded) from ../shared/tajik-text: the Presidential addresses
// (running prose) and the explanatory dictionary's entries (short lines), with a Russian UDHR paragraph in one
// document of six and a phone line in one of eleven; 4% of documents are near-copies of an earlier one (a
// paragraph dropped, a sentence added), 1% exact copies, 2% short junk (a menu of a few words). The text repeats
// the same few MB of real Tajik, so the tokenizer's piece cache and dedup see more repeats than a real crawl would:
// read the count stage's rate as an upper bound. Written as 8 JSONL files.
//
// Stages run as `soro` commands with --workers; each prints wall time, CPU time, peak RSS (/usr/bin/time), MB/s of
// the input JSONL, share of the total and the projection to 8 GB (linear in size). Peers in the same run: DuckDB's
// own read_json into Parquet (the ingest peer), and datatrove's Gopher + FineWeb quality filters and MinHash
// signatures on the same JSONL with the same worker count, when $SORO_PYTHON (default python3) imports datatrove.
import { spawnSync } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SORO_BIN } from "@soro/core/testing";
import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";

const argv = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const at = argv.indexOf(`--${name}`);
  return at >= 0 && argv[at + 1] ? argv[at + 1]! : dflt;
};
const sizeArg = opt("size", "50MB");
const unit = /gb$/i.test(sizeArg) ? 1e9 : /kb$/i.test(sizeArg) ? 1e3 : 1e6;
const targetBytes = Number.parseFloat(sizeArg) * unit;
const workers = Number(opt("workers", "2"));
const keep = argv.includes("--keep");
if (!tajikTextDir()) {
  console.log("skipped: ../shared/tajik-text is absent (the documents are built from it)");
  process.exit(0);
}

const root = path.resolve(import.meta.dirname, "../../..");
const work = mkdtempSync(path.join(tmpdir(), "soro-e2e-"));
const inputDir = path.join(work, "input");
const ws = path.join(work, "workspace");

// --- documents -----------------------------------------------------------------------------------------------
let seed = 20261204;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
const payom = tajikTextLines("komdil_payom.txt");
const dict = tajikTextLines("komdil_dictionary.txt");
const russian = await udhrParagraphs("rus");
const menus = [
  "Саҳифаи асосӣ | Хабарҳо | Тамос",
  "Ворид шудан Бақайдгирӣ",
  "Ҳамаи ҳуқуқҳо ҳифз шудаанд © 2024",
];
async function writeCorpus(): Promise<{ bytes: number; docs: number }> {
  rmSync(inputDir, { recursive: true, force: true });
  const { mkdirSync } = await import("node:fs");
  mkdirSync(inputDir, { recursive: true });
  const files = Array.from({ length: 8 }, (_, k) =>
    createWriteStream(path.join(inputDir, `part-${k}.jsonl`)),
  );
  const recent: string[] = [];
  let bytes = 0;
  let docs = 0;
  while (bytes < targetBytes) {
    const r = rand();
    let text: string;
    if (r < 0.04 && recent.length > 0) {
      const paras = pick(recent).split("\n");
      paras.splice(Math.floor(rand() * paras.length), 1);
      paras.push(pick(payom).split(". ")[0]!);
      text = paras.join("\n");
    } else if (r < 0.05 && recent.length > 0) text = pick(recent);
    else if (r < 0.07) text = pick(menus);
    else {
      const paras: string[] = [];
      for (let k = 3 + Math.floor(rand() * 13); k > 0; k--)
        paras.push(rand() < 0.6 ? pick(payom) : pick(dict));
      if (docs % 6 === 0) paras.splice(1, 0, pick(russian));
      if (docs % 11 === 0) paras.push(`Тамос: +992 (37) 221-${10 + (docs % 80)}-45`);
      text = paras.join("\n");
    }
    if (recent.length < 500) recent.push(text);
    else recent[Math.floor(rand() * 500)] = text;
    const line = `${JSON.stringify({ id: `doc-${docs}`, text, url: `https://example.tj/${docs}` })}\n`;
    const f = files[docs % files.length]!;
    if (!f.write(line)) await new Promise<void>((res) => f.once("drain", () => res()));
    bytes += Buffer.byteLength(line);
    docs++;
  }
  await Promise.all(files.map((f) => new Promise<void>((res) => f.end(() => res()))));
  return { bytes, docs };
}

// --- measuring ---------------------------------------------------------------------------------------------
interface Measure {
  stage: string;
  wall: number;
  cpu: number;
  rssMb: number;
  ok: boolean;
  note: string;
}
/** Runs a command under /usr/bin/time: wall and CPU seconds, peak RSS (the process and its worker threads). */
function timed(stage: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Measure {
  const stats = path.join(work, "time.txt");
  const r = spawnSync("/usr/bin/time", ["-o", stats, "-f", "%e %U %S %M", cmd, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  const [wall, user, sys, rss] = readFileSync(stats, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
  const tail = `${r.stdout ?? ""}${r.stderr ?? ""}`.trim().split("\n").slice(-2).join(" | ");
  return {
    stage,
    wall: wall!,
    cpu: user! + sys!,
    rssMb: rss! / 1024,
    ok: r.status === 0,
    note: tail.slice(0, 160),
  };
}
const soro = (stage: string, ...args: string[]) =>
  timed(stage, process.execPath, [
    SORO_BIN,
    "-w",
    ws,
    ...args,
    ...(args.includes("--workers") ? [] : ["--workers", String(workers)]),
  ]);

// --- run -----------------------------------------------------------------------------------------------------
const t0 = performance.now();
const corpus = await writeCorpus();
const mb = corpus.bytes / 1e6;
console.log(
  `corpus: ${corpus.docs} documents, ${mb.toFixed(1)} MB of JSONL in 8 files (built in ${((performance.now() - t0) / 1000).toFixed(1)} s), ${workers} workers, ${work}`,
);
const stages: Measure[] = [];
const run = (m: Measure) => {
  stages.push(m);
  console.log(`  ${m.stage.padEnd(10)} ${m.ok ? "ok" : "FAILED"} ${m.wall.toFixed(1)} s  ${m.note}`);
  if (!m.ok) process.exitCode = 1;
};
run(soro("init", "init"));
stages.pop();
run(soro("ingest", "ingest", inputDir, "--source", "web"));
run(soro("normalize", "normalize"));
run(soro("learn", "normalize", "learn"));
run(soro("quality", "quality", "signals"));
run(soro("select", "quality", "select"));
run(soro("dedup", "dedup", "run"));
run(soro("count", "bridge", "count"));
run(soro("export", "bridge", "export", "--format", "megatron", "--out", path.join(work, "export")));

// --- peers ---------------------------------------------------------------------------------------------------
const peers: Measure[] = [];
const duckScript = `
import { DuckDBInstance } from "@duckdb/node-api";
const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
await c.run("SET threads=${workers}");
await c.run(\`COPY (SELECT * FROM read_json('${inputDir}/*.jsonl', format='newline_delimited')) TO '${work}/duck.parquet' (FORMAT parquet, COMPRESSION zstd)\`);
`;
writeFileSync(path.join(root, "packages/core/.e2e-duck.tmp.mjs"), duckScript);
try {
  peers.push({
    ...timed("duckdb read_json → parquet", process.execPath, ["packages/core/.e2e-duck.tmp.mjs"]),
    stage: "duckdb read_json → parquet (ingest peer)",
  });
} finally {
  rmSync(path.join(root, "packages/core/.e2e-duck.tmp.mjs"), { force: true });
}
const python = process.env.SORO_PYTHON ?? "python3";
const probe = spawnSync(python, ["-c", "import datatrove, spacy"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.log(
    `datatrove peer skipped: ${python} cannot import datatrove and spacy (${probe.stderr.trim().split("\n").pop()})`,
  );
} else {
  const script = path.join(import.meta.dirname, "datatrove_peer.py");
  for (const what of ["quality", "minhash"]) {
    peers.push({
      ...timed(what, python, [script, what, inputDir, path.join(work, `dt-${what}`), String(workers)]),
      stage: `datatrove ${what === "quality" ? "Gopher+FineWeb filters" : "MinHash signatures"}`,
    });
  }
}

// --- report --------------------------------------------------------------------------------------------------
const total = stages.reduce((n, s) => n + s.wall, 0);
const scale = 8e9 / corpus.bytes;
console.log(`\nstage        wall s   cpu s   MB/s   MB/s/core  peak RSS MB  share   8 GB projection`);
for (const s of [...stages, ...peers]) {
  const isPeer = peers.includes(s);
  console.log(
    `${s.stage.padEnd(12).slice(0, isPeer ? 60 : 12)}${isPeer ? "\n            " : ""}${s.wall.toFixed(1).padStart(7)} ${s.cpu.toFixed(1).padStart(7)} ${(mb / s.wall).toFixed(1).padStart(6)} ${(mb / s.cpu).toFixed(1).padStart(10)} ${Math.round(s.rssMb).toString().padStart(12)} ${isPeer ? "     " : `${((100 * s.wall) / total).toFixed(0).padStart(4)}%`} ${((s.wall * scale) / 3600).toFixed(2).padStart(8)} h${s.ok ? "" : " FAILED"}`,
  );
}
console.log(
  `total ${total.toFixed(1)} s for ${mb.toFixed(1)} MB: ${(mb / total).toFixed(2)} MB/s; 8 GB projected ${((total * scale) / 3600).toFixed(2)} h on this machine (linear; global dedup steps grow faster)`,
);
const byName = new Map(stages.map((s) => [s.stage, s]));
const ratio = (a?: Measure, b?: Measure) => (a && b ? `${(a.wall / b.wall).toFixed(2)}×` : "n/a");
console.log(
  `ratios (wall, same run): ingest / duckdb ${ratio(byName.get("ingest"), peers[0])}; ` +
    `quality signals / datatrove filters ${ratio(byName.get("quality"), peers[1])}; ` +
    `dedup (signatures + clustering) / datatrove signatures ${ratio(byName.get("dedup"), peers[2])}`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
else if (existsSync(work)) console.log(`kept ${work}`);
