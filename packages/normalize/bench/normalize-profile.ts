/**
 * Where the normalize stage's time goes: a CPU profile of `analyseText` over the normalize bench's documents (the
 * loop alone, after two warm-up passes), its self time summed by part of the stage. Every pass reads a fresh copy in
 * which every line is distinct (`distinctLines`), so caches of lines met before show only what they cost.
 *
 *   nice -n 10 node --import tsx packages/normalize/bench/normalize-profile.ts [passes] [file.cpuprofile]
 *
 * With `--e2e <dir>` it profiles one pass over the end-to-end bench's documents instead (the JSONL files that
 * packages/cli/bench/write-e2e-corpus.ts writes: `node --import tsx packages/cli/bench/write-e2e-corpus.ts
 * /tmp/e2e-40MB --size 40MB`): the first half warms up (the word memos fill, as they do early in a 1 GB run: the
 * documents hold ~85k distinct words), the second half is profiled. Their sentences recur (~4 times at 40 MB, ~100
 * at 1 GB), so caches of lines met before pay somewhat more here than on a real crawl.
 *
 *   nice -n 10 node --import tsx packages/normalize/bench/normalize-profile.ts --e2e /tmp/e2e-40MB [file.cpuprofile]
 *
 * The profile file opens in Chrome's DevTools (Performance) or any cpuprofile viewer.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { e2eDocuments } from "@soro/core/testing";
import { analyseText } from "../src/analyse.js";
import { benchDocuments, distinctLines } from "./bench-docs.js";

const e2eAt = process.argv.indexOf("--e2e");
const e2eDir = e2eAt < 0 ? undefined : process.argv[e2eAt + 1];
if (e2eAt >= 0 && !e2eDir)
  throw new Error("usage: normalize-profile.ts --e2e <dir of e2e JSONL> [file.cpuprofile]");
const args =
  e2eAt < 0
    ? process.argv.slice(2)
    : process.argv.slice(2).filter((_, i) => i !== e2eAt - 2 && i !== e2eAt - 1);
const passes = e2eDir ? 1 : Number(args[0] ?? 10);
const out = e2eDir ? args[0] : args[1];
const base = e2eDir ? e2eDocuments(e2eDir) : await benchDocuments();
// Two warm-up rounds, then the measured ones.
const rounds = e2eDir
  ? [base.slice(0, base.length >> 1), [], base.slice(base.length >> 1)]
  : Array.from({ length: passes + 2 }, (_, k) => distinctLines(base, k));
const bytes = (rounds[2] ?? []).reduce((n, d) => n + Buffer.byteLength(d), 0);
for (let k = 0; k < 2; k++) for (const d of rounds[k] ?? []) analyseText(d);

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const t0 = process.cpuUsage();
for (let k = 2; k < passes + 2; k++) for (const d of rounds[k] ?? []) analyseText(d);
const used = process.cpuUsage(t0);
const { profile } = await session.post("Profiler.stop");
session.disconnect();
if (out) writeFileSync(out, JSON.stringify(profile));

/** Part of the stage a function belongs to, by its name and file. */
function part(name: string, file: string): string | undefined {
  if (name === "(garbage collector)") return "garbage collection";
  if (
    name === "(idle)" ||
    name === "(program)" ||
    name === "(root)" ||
    name === "dispatch" ||
    name === "post"
  )
    return undefined;
  // trigrams.ts's scanLine counts letters in the trigram loop; LineReading's constructor and `read` have the
  // line fingerprint, the letter take and the trigram sums (takeTrigrams, readTrigrams) inlined into them.
  if (
    file.startsWith("trigrams") ||
    file.startsWith("letter-counts") ||
    (file.startsWith("langid") && (name === "read" || name === "LineReading" || name === "lineFingerprint"))
  )
    return "line reading (trigrams, letter counts, fingerprint)";
  if (
    file.startsWith("cyrillic-words") ||
    file.startsWith("char-model") ||
    /^(countWords|wordKind|knownForm|readWords|wordShares)$/.test(name)
  )
    return "Tajik word evidence + character model";
  if (/^(takeLetters|sumLetters|letterEvidence|addTo|TextReading)$/.test(name))
    return "letter evidence, line split";
  if (file.startsWith("langid") || file.startsWith("typed-pool") || file.startsWith("uzbek"))
    return "scoring the candidates";
  if (/^(restore|viterbi|model|word-table)/.test(file))
    return "restoration (line scan, word entries, Viterbi)";
  if (
    /^(unicode|punct|legacy|ocr|lookalike|script|step-marks|normalize|changes|latin|persian)/.test(file) ||
    name.startsWith("RegExp")
  )
    return "cleanup and repairs";
  if (file.startsWith("analyse")) return "analyseText itself";
  return "other (builtins)";
}

const time = new Map<number, number>();
const samples = profile.samples ?? [];
for (let i = 0; i < samples.length; i++) {
  const id = samples[i] as number;
  time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
}
const parts = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const t = time.get(node.id) ?? 0;
  const file = node.callFrame.url.split("/").pop() ?? "";
  const p = part(node.callFrame.functionName, file);
  if (p === undefined || t === 0) continue;
  total += t;
  parts.set(p, (parts.get(p) ?? 0) + t);
  const f = `${node.callFrame.functionName || "(anonymous)"} ${file}`;
  functions.set(f, (functions.get(f) ?? 0) + t);
}
const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
const cpuS = (used.user + used.system) / 1e6;
const measured = e2eDir
  ? `${(rounds[2] ?? []).length} e2e documents (${(bytes / 1e6).toFixed(1)} MB, after ${(rounds[0] ?? []).length} to warm up)`
  : `${passes} passes over ${base.length} documents (every line distinct)`;
console.log(
  `analyseText, ${measured}: ${((passes * bytes) / 1e6 / cpuS).toFixed(2)} MB/s (CPU, profiler on)`,
);
for (const [p, t] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`${pct(t)} ${p}`);
console.log("top functions (self time):");
for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(t)} ${f}`);
