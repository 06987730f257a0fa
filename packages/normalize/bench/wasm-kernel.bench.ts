/**
 * Would compiled code make language ID's per-word work faster? Two of its loops, in JavaScript as the stage runs
 * them and in WebAssembly (wasm-kernel/kernel.as, AssemblyScript, compiled to wasm-kernel/kernel.wasm), over the
 * same words of real text (the Presidential addresses of ../shared/tajik-text, repeated to ~2M words):
 *
 * - gains: adding each word's trigram gains per language into its line's sums, as `readLine` does from a word's
 *   record (the records are built as cyrillic-words.ts builds them: `addWordTrigrams` over the word, the languages
 *   with a gain kept, padded to groups of ROW_CHUNK). The sums must stay bit-identical: the bench checks the total.
 * - walk: finding each Cyrillic word's end while hashing it two ways, then probing a table of the words' hashes, as
 *   restoration's scan does. WebAssembly cannot read a JavaScript string: the copy of the text into its memory
 *   (`Buffer#write` as UTF-16) is timed apart, and the ratio given with it and without it.
 *
 *   node --import tsx packages/normalize/bench/wasm-kernel.bench.ts [--rounds N]
 *   node --import tsx packages/normalize/bench/wasm-kernel.bench.ts --rebuild   (needs npm: assemblyscript 0.28.20)
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FNV_PRIME } from "@soro/core";
import { benchOption } from "@soro/core/testing";
import { tajikTextDir, tajikTextLines } from "@soro/samples";
import { addWordTrigrams, ROW_CHUNK, trigramIndex } from "../src/trigrams.js";
import { CYRILLIC_LOWER, WORD_HASH_START } from "../src/word-hash.js";

const here = path.join(import.meta.dirname, "wasm-kernel");
const wasmFile = path.join(here, "kernel.wasm");

if (process.argv.includes("--rebuild")) {
  const dir = mkdtempSync(path.join(tmpdir(), "soro-wasm-kernel-"));
  try {
    // asc takes only .ts sources; the kernel is kept as .as so that TypeScript and the linter leave it alone.
    copyFileSync(path.join(here, "kernel.as"), path.join(dir, "kernel.ts"));
    execFileSync(
      "npx",
      [
        "--yes",
        "-p",
        "assemblyscript@0.28.20",
        "asc",
        path.join(dir, "kernel.ts"),
        "-O3",
        "--runtime",
        "stub",
      ].concat(["--importMemory", "-o", wasmFile]),
      { stdio: "inherit" },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`rebuilt ${path.relative(process.cwd(), wasmFile)}`);
  process.exit(0);
}
if (!tajikTextDir()) {
  console.log("skipped: ../shared/tajik-text is absent (the words are its addresses')");
  process.exit(0);
}

/** The part of the WebAssembly API this bench uses (the project's TypeScript libraries leave it undeclared). */
interface WasmApi {
  Memory: new (size: { initial: number }) => { buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface Kernel {
  gains(...args: number[]): number;
  walk(...args: number[]): number;
}
const memory = new wasm.Memory({ initial: 2048 });
const { instance } = await wasm.instantiate(readFileSync(wasmFile), {
  env: { memory, abort: () => {} },
});
const kernel = instance.exports as unknown as Kernel;
let top = 1024;
/** Bytes of the kernel's memory for an array, 8-aligned. */
function alloc(bytes: number): number {
  const at = top;
  top += (bytes + 7) & ~7;
  if (top > memory.buffer.byteLength) throw new Error("wasm-kernel: the kernel's memory is too small");
  return at;
}

// --- the words: real lines, their Cyrillic words lower-cased, one record per distinct word ---------------------
const prose = tajikTextLines("komdil_payom.txt");
const lines: string[] = [];
for (let words = 0; words < 2e6; ) {
  for (const l of prose) {
    lines.push(l);
    words += l.split(" ").length;
  }
}
const text = lines.join("\n");
const index = trigramIndex("Cyrillic");
const langs = index.langs.length;
const recordOf = new Map<string, number>();
const recGains: Float64Array[] = [];
const recIds: Int32Array[] = [];
const wordIds: number[] = [];
const lineEnds: number[] = [];
const sums = new Float64Array(langs + ROW_CHUNK);
for (const line of lines) {
  for (const m of line.toLowerCase().matchAll(/[\u0400-\u04ff]+/g)) {
    let r = recordOf.get(m[0]);
    if (r === undefined) {
      r = recGains.length;
      recordOf.set(m[0], r);
      addWordTrigrams(m[0], 0, m[0].length, m[0].length, index, sums);
      const held: number[] = [];
      for (let j = 0; j < langs; j++) if (sums[j] !== 0) held.push(j);
      const padded = Math.ceil(held.length / ROW_CHUNK) * ROW_CHUNK;
      const g = new Float64Array(padded);
      const ids = new Int32Array(padded);
      for (let j = 0; j < padded; j++) {
        const lang = held[j];
        ids[j] = lang ?? langs + (j % ROW_CHUNK);
        g[j] = lang === undefined ? 0 : (sums[lang] as number);
      }
      recGains.push(g);
      recIds.push(ids);
      sums.fill(0);
    }
    wordIds.push(r);
  }
  lineEnds.push(wordIds.length);
}

// --- the same data in the kernel's memory, where the JavaScript loop reads it too --------------------------------
const buffer = memory.buffer;
const records = recGains.length;
const recAtP = alloc(records * 4);
const recLenP = alloc(records * 4);
const recAt = new Int32Array(buffer, recAtP, records);
const recLen = new Int32Array(buffer, recLenP, records);
let slots = 0;
for (let r = 0; r < records; r++) {
  recAt[r] = slots;
  recLen[r] = (recGains[r] as Float64Array).length;
  slots += recLen[r] as number;
}
const gP = alloc(slots * 8);
const idsP = alloc(slots * 4);
const g = new Float64Array(buffer, gP, slots);
const ids = new Int32Array(buffer, idsP, slots);
for (let r = 0; r < records; r++) {
  g.set(recGains[r] as Float64Array, recAt[r]);
  ids.set(recIds[r] as Int32Array, recAt[r]);
}
const sumsP = alloc((langs + ROW_CHUNK) * 8);
const at = new Float64Array(buffer, sumsP, langs + ROW_CHUNK);
const wordsP = alloc(wordIds.length * 4);
const words = new Int32Array(buffer, wordsP, wordIds.length);
words.set(wordIds);
const endsP = alloc(lineEnds.length * 4);
const ends = new Int32Array(buffer, endsP, lineEnds.length);
ends.set(lineEnds);

/** `gains` in JavaScript: readLine's loop over a record's padded languages. */
function gainsJs(): number {
  let total = 0;
  let w = 0;
  for (let line = 0; line < ends.length; line++) {
    const end = ends[line] as number;
    for (; w < end; w++) {
      const r = words[w] as number;
      const a = recAt[r] as number;
      const n = recLen[r] as number;
      for (let j = 0; j < n; j += ROW_CHUNK) {
        (at[ids[a + j] as number] as number) += g[a + j] as number;
        (at[ids[a + j + 1] as number] as number) += g[a + j + 1] as number;
        (at[ids[a + j + 2] as number] as number) += g[a + j + 2] as number;
        (at[ids[a + j + 3] as number] as number) += g[a + j + 3] as number;
      }
    }
    for (let l = 0; l < langs; l++) {
      total += at[l] as number;
      at[l] = 0;
    }
  }
  return total;
}

// The walk's table: (hashA, hashB, length, record) per distinct word, open addressing.
const tableSlots = 1 << Math.ceil(Math.log2(records * 2));
const mask = tableSlots - 1;
const tableP = alloc(tableSlots * 16);
const table = new Int32Array(buffer, tableP, tableSlots * 4);
const n = text.length;
const textP = alloc(n * 2);
/** The text's place in WebAssembly's memory, as bytes: `Buffer#write` copies a string into it as UTF-16 natively. */
const textBytes = Buffer.from(buffer, textP, n * 2);
// The stage's word hash (word-hash.ts): its constants copied into module constants, as its loops keep them.
const HASH_START = WORD_HASH_START;
const PRIME = FNV_PRIME;
const lowers = CYRILLIC_LOWER;
const lowersP = alloc(lowers.length * 2);
new Uint16Array(buffer, lowersP, lowers.length).set(lowers);

/**
 * `walk` in JavaScript, as restoration's scan walks a word: hashed on the way to its end with the stage's constants
 * and lower-case table (word-hash.ts), then probed. `enter`: put a word the table lacks in it (the table is made so).
 */
function walkJs(enter = false): number {
  let found = 0;
  let entered = 0;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c < 0x400 || c > 0x4ff) {
      i++;
      continue;
    }
    const start = i;
    let ha = HASH_START;
    let hb = 0;
    do {
      const l = lowers[c - 0x400] as number;
      ha = Math.imul(ha ^ l, PRIME);
      hb = (Math.imul(hb, 31) + l) | 0;
      c = ++i < n ? text.charCodeAt(i) : 0;
    } while (c >= 0x400 && c <= 0x4ff);
    const len = i - start;
    for (let s = ha & mask; ; s = (s + 1) & mask) {
      const p = s * 4;
      if (table[p] === 0) {
        if (enter) table.set([ha, hb, len, ++entered], p);
        break;
      }
      if (table[p] === ha && table[p + 1] === hb && table[p + 2] === len) {
        found = (found + (table[p + 3] as number)) | 0;
        break;
      }
    }
  }
  return found;
}
walkJs(true);

/**
 * The copy of the text into WebAssembly's memory that `walk` needs first. A loop of `charCodeAt` stores cost ~12 ns
 * a word; the native UTF-16 write ~1.4.
 */
function copyText(): void {
  textBytes.write(text, 0, "utf16le");
}

function timed<T>(f: () => T): { ms: number; value: T } {
  const t = process.hrtime.bigint();
  const value = f();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}
const count = wordIds.length;
const ns = (ms: number) => ((ms * 1e6) / count).toFixed(1).padStart(5);
console.log(
  `${count} words (${records} distinct) in ${lines.length} lines, ${(n / 1e6).toFixed(1)}M characters; ` +
    `language slots: ${(slots / records).toFixed(1)} a distinct word, ${(wordIds.reduce((k, r) => k + (recLen[r] as number), 0) / count).toFixed(1)} a word`,
);
console.log(
  "round  gains JS  gains wasm  ratio  same  |  walk JS  copy  walk wasm  ratio with copy  without  same   (ns a word)",
);
const rounds = Number(benchOption("rounds", "7"));
const ratios: { gains: number[]; walk: number[]; bare: number[] } = { gains: [], walk: [], bare: [] };
let identical = true;
for (let round = 0; round < rounds; round++) {
  const a = timed(gainsJs);
  const b = timed(() => kernel.gains(wordsP, endsP, ends.length, recAtP, recLenP, gP, idsP, sumsP, langs));
  const c = timed(walkJs);
  const copy = timed(copyText);
  const d = timed(() => kernel.walk(textP, n, tableP, mask, lowersP, HASH_START, PRIME));
  const sameGains = Object.is(a.value, b.value);
  const sameWalk = c.value === d.value;
  identical &&= sameGains && sameWalk;
  // The first rounds warm the JIT up: only the later ones count.
  if (round >= 2) {
    ratios.gains.push(a.ms / b.ms);
    ratios.walk.push(c.ms / (copy.ms + d.ms));
    ratios.bare.push(c.ms / d.ms);
  }
  console.log(
    `${String(round).padStart(5)}  ${ns(a.ms)}     ${ns(b.ms)}     ${(a.ms / b.ms).toFixed(2)}  ${sameGains ? "yes" : "NO "}   |  ${ns(c.ms)}  ${ns(copy.ms)}  ${ns(d.ms)}            ${(c.ms / (copy.ms + d.ms)).toFixed(2)}     ${(c.ms / d.ms).toFixed(2)}  ${sameWalk ? "yes" : "NO"}`,
  );
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] ?? Number.NaN;
console.log(
  `median speed-up of WebAssembly over JavaScript after two warm-up rounds: gains ${median(ratios.gains).toFixed(2)}x, walk ${median(ratios.walk).toFixed(2)}x with the copy of the text, ${median(ratios.bare).toFixed(2)}x without; results ${identical ? "identical" : "DIFFER"}`,
);
if (!identical) process.exitCode = 1;
