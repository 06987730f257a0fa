// Loading the Tajik word model: `pnpm bench -- normalize/bench/model-load [--model FILE]` (default: the shipped
// model; a learned one of either format, e.g. from `pnpm bench -- normalize/bench/learn --size 1GB --keep`).
//
// The model's counts are written three ways into a temporary folder: format 1 by the loader that came before
// (bench/model-peer.ts: gzip, the vocabulary split into strings and a Map of it built at load), and format 2 gzipped
// and not compressed. The three are loaded in turn, five rounds, in this process (wall and this thread's CPU ms,
// first and best), and once each in a fresh process, as a stage worker loads it; then both loaders must give the same counts and scores over the held-back addresses' words,
// and their lookup speed is compared. Last, the first restoration and Persian-script line on the new model, which
// build the fold and skeleton indices over the whole vocabulary. Goal: a model at the learn caps loads in < 1 s.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { benchOption } from "@soro/core/testing";
import { heldBackLines } from "../scripts/corpus.js";
import { ChangeLog } from "../src/changes.js";
import { toRussianKeyboard } from "../src/damage.js";
import { DEFAULT_MODEL, loadModel, type ModelCounts, type ModelHeader, saveModel } from "../src/model.js";
import { persianLineToCyrillic } from "../src/persian-decode.js";
import { restoreTajikLetters } from "../src/restore.js";
import { dataFile } from "../src/tables.js";
import { loadPeerModel, savePeerModel } from "./model-peer.js";

const file = benchOption("model", dataFile(DEFAULT_MODEL).pathname);
let header: ModelHeader;
let counts: ModelCounts;
try {
  const m = loadModel(file);
  ({ header } = m);
  counts = m.toCounts();
} catch {
  const m = loadPeerModel(file);
  ({ header } = m);
  counts = m.toCounts();
}
const { format: _, ...meta } = header;
// The level each was saved at: 9 for the shipped model, 6 for a learned one.
const level = header.version.startsWith("learned") ? 6 : 9;
const work = mkdtempSync(path.join(tmpdir(), "soro-model-load-"));
const files = {
  peer: path.join(work, "format1.bin.gz"),
  gzip: path.join(work, "format2.bin.gz"),
  raw: path.join(work, "format2.bin"),
};
savePeerModel(files.peer, meta, counts, { level });
saveModel(files.gzip, meta, counts, { gzip: level });
saveModel(files.raw, meta, counts, { gzip: 0 });
console.log(
  `model ${file}: ${counts.unigrams.size} words, ${counts.bigrams.size} bigrams, ${counts.chars.keys.length} char n-grams`,
);

const loaders = [
  { name: `format 1, gzip -${level} (before)`, file: files.peer, load: () => loadPeerModel(files.peer) },
  { name: `format 2, gzip -${level}`, file: files.gzip, load: () => loadModel(files.gzip) },
  { name: "format 2, not compressed", file: files.raw, load: () => loadModel(files.raw) },
];
const times = loaders.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
for (let round = 0; round < 5; round++)
  for (const [i, l] of loaders.entries()) {
    const c = process.cpuUsage();
    const t = performance.now();
    l.load();
    const wall = performance.now() - t;
    const used = process.cpuUsage(c);
    times[i]?.wall.push(wall);
    times[i]?.cpu.push((used.user + used.system) / 1000);
  }
console.log(`\n${"file".padEnd(32)}     MB  first wall  best wall  best CPU (ms)`);
for (const [i, l] of loaders.entries()) {
  const t = times[i] ?? { wall: [], cpu: [] };
  console.log(
    `${l.name.padEnd(32)} ${(statSync(l.file).size / 1e6).toFixed(1).padStart(6)} ${(t.wall[0] ?? 0).toFixed(0).padStart(11)} ${Math.min(
      ...t.wall,
    )
      .toFixed(0)
      .padStart(10)} ${Math.min(...t.cpu)
      .toFixed(0)
      .padStart(9)}`,
  );
}
// What a stage worker pays: one load in a fresh process (its own file cache warm), wall and CPU ms.
const fresh = loaders.map((l, i) => {
  const loader = i === 0 ? ["./model-peer.js", "loadPeerModel"] : ["../src/model.js", "loadModel"];
  const code = `const { ${loader[1]}: load } = await import(${JSON.stringify(new URL(loader[0] as string, import.meta.url).href.replace(/\.js$/, ".ts"))});
    const m0 = process.memoryUsage(); const c = process.cpuUsage(); const t = performance.now(); const model = load(${JSON.stringify(l.file)});
    const u = process.cpuUsage(c); const m1 = process.memoryUsage(); model.count("ва");
    console.log(JSON.stringify([performance.now() - t, (u.user + u.system) / 1000, (m1.rss - m0.rss) / 1e6]));`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bench: fresh load of ${l.file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "[0, 0, 0]") as [number, number, number];
});
for (const [i, l] of loaders.entries())
  console.log(
    `${l.name}: in a fresh process ${(fresh[i]?.[0] ?? 0).toFixed(0)} ms wall, ${(fresh[i]?.[1] ?? 0).toFixed(0)} ms CPU, RSS +${(fresh[i]?.[2] ?? 0).toFixed(0)} MB`,
  );
const best = (i: number) => Math.min(...(times[i]?.cpu ?? []));
console.log(
  `CPU ratio new/before: gzip ${(best(1) / best(0)).toFixed(2)}, not compressed ${(best(2) / best(0)).toFixed(2)}`,
);

// --- the same answers, and lookup speed ------------------------------------------------------------------------
const before = loadPeerModel(files.peer);
const now = loadModel(files.raw);
const words = heldBackLines().flatMap((l) => l.toLowerCase().match(/\p{L}+/gu) ?? []);
let differ = 0;
for (let i = 1; i < words.length; i++) {
  const [p = "", w = ""] = [words[i - 1], words[i]];
  if (before.count(w) !== now.count(w) || before.id(w) !== now.id(w)) differ++;
  else if (before.score(p, w, 0.02) !== now.score(p, w, 0.02)) differ++;
}
console.log(
  `same counts and scores on ${words.length} held-back words: ${differ === 0 ? "yes" : `NO (${differ})`}`,
);
if (differ) process.exitCode = 1;
const rounds = Math.max(1, Math.round(2e6 / words.length));
function lookups(m: { id(word: string): number }): number {
  const c = process.cpuUsage();
  let sum = 0;
  for (let r = 0; r < rounds; r++) for (const w of words) sum += m.id(w);
  const used = process.cpuUsage(c);
  if (sum === 0.5) console.log(sum);
  return ((used.user + used.system) * 1000) / (rounds * words.length);
}
const lk = [0, 1, 2].map(() => [lookups(before), lookups(now)] as const);
const lkBefore = Math.min(...lk.map((x) => x[0]));
const lkNow = Math.min(...lk.map((x) => x[1]));
console.log(
  `word lookup: ${lkBefore.toFixed(0)} ns before (Map), ${lkNow.toFixed(0)} ns now (table over the code units), ratio ${(lkNow / lkBefore).toFixed(2)}`,
);

// --- the indices built on first use ----------------------------------------------------------------------------
const line = heldBackLines()[0] ?? "";
for (const [name, run] of [
  [
    "first restoration (builds the fold index)",
    () => restoreTajikLetters(toRussianKeyboard(line), now, new ChangeLog()),
  ],
  [
    "first Persian-script line (builds the skeleton index)",
    () => persianLineToCyrillic("کتاب خانه", now, new ChangeLog()),
  ],
] as const) {
  const c = process.cpuUsage();
  const t = performance.now();
  run();
  const used = process.cpuUsage(c);
  console.log(
    `${name}: ${(performance.now() - t).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`,
  );
}
rmSync(work, { recursive: true, force: true });
