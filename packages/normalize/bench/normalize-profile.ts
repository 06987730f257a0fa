/**
 * Where the normalize stage's time goes: a CPU profile of `analyseText` over the normalize bench's documents (the
 * loop alone, after two warm-up passes), its self time summed by part of the stage. Every pass reads a fresh copy in
 * which every line is distinct (`distinctLines`), so caches of lines met before show only what they cost.
 *
 *   nice -n 10 node --import tsx packages/normalize/bench/normalize-profile.ts [passes] [file.cpuprofile]
 *
 * The profile file opens in Chrome's DevTools (Performance) or any cpuprofile viewer.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { analyseText } from "../src/analyse.js";
import { benchDocuments, distinctLines } from "./bench-docs.js";

const passes = Number(process.argv[2] ?? 10);
const out = process.argv[3];
const base = await benchDocuments();
const rounds = Array.from({ length: passes + 2 }, (_, k) => distinctLines(base, k));
const bytes = (rounds[0] ?? []).reduce((n, d) => n + Buffer.byteLength(d), 0);
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
  if (file.startsWith("trigrams")) return "trigram reading";
  if (
    file.startsWith("cyrillic-words") ||
    file.startsWith("char-model") ||
    /^(countWords|wordKind|knownForm|readWords|wordShares)$/.test(name)
  )
    return "Tajik word evidence + character model";
  if (/^(countLetters|takeLetters|sumLetters|letterEvidence|addTo|TextReading|LineReading)$/.test(name))
    return "letter counts and evidence, line split";
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
console.log(
  `analyseText, ${passes} passes over ${base.length} documents (every line distinct): ${((passes * bytes) / 1e6 / ((used.user + used.system) / 1e6)).toFixed(2)} MB/s (CPU, profiler on)`,
);
for (const [p, t] of [...parts].sort((a, b) => b[1] - a[1])) console.log(`${pct(t)} ${p}`);
console.log("top functions (self time):");
for (const [f, t] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${pct(t)} ${f}`);
