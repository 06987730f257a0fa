// Shard layer throughput: soro's ShardWriter/readShard on N synthetic Tajik documents, beside DuckDB alone
// converting the same documents from JSONL to Parquet and scanning them (the peer, measured in the same run).
// Usage: pnpm bench -- core [--docs=1000000]
import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { tesseractTajikWords } from "@soro/samples";
import { BASE_COLUMNS, documentId, openScratchDb, readShard, ShardWriter, sqlString } from "../src/index.js";

const docsArg = process.argv.find((a) => a.startsWith("--docs="));
const N = docsArg ? Number(docsArg.slice(7)) : 1_000_000;
const words = tesseractTajikWords().filter((w) => /^[\p{L}-]+$/u.test(w));

/** A deterministic synthetic document of 40-120 real Tajik word forms. */
function synthetic(i: number) {
  let x = (i * 2654435761) >>> 0;
  const n = 40 + (x % 80);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    parts.push(words[x % words.length]!);
  }
  const text = `${parts.join(" ")}.`;
  const url = `https://bench.example/${i}`;
  return {
    id: documentId(text, url),
    text,
    source: "web",
    url,
    path: null,
    fetched_at: "2026-11-23T00:00:00Z",
    meta: null,
  };
}

const dir = await mkdtemp(path.join(tmpdir(), "soro-bench-"));
const secs = (t: number) => (performance.now() - t) / 1000;
let textBytes = 0;
const jsonl = path.join(dir, "docs.jsonl");
{
  const out = createWriteStream(jsonl);
  for (let i = 0; i < N; i++) {
    const d = synthetic(i);
    textBytes += Buffer.byteLength(d.text);
    if (!out.write(`${JSON.stringify(d)}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}
const mb = textBytes / 1e6;

// soro: JS objects -> ShardWriter -> Parquet (rotating parts), then readShard back into JS objects.
let t = performance.now();
const writer = await ShardWriter.open({
  tmpDir: dir,
  prefix: "bench/soro",
  columns: BASE_COLUMNS,
  maxRows: 250_000,
});
for (let i = 0; i < N; i++) await writer.write(synthetic(i));
const files = await writer.close();
const soroWrite = secs(t);
t = performance.now();
let read = 0;
for (const f of files) for await (const batch of readShard(f.tmpPath, { tmpDir: dir })) read += batch.length;
const soroRead = secs(t);
if (read !== N) throw new Error(`read ${read} of ${N}`);

// Generation cost alone, so the write figure can be read without it.
t = performance.now();
for (let i = 0; i < N; i++) synthetic(i);
const generate = secs(t);

// DuckDB alone: JSONL -> Parquet with COPY, and a full scan of the text column.
const { instance, conn } = await openScratchDb(dir, "2GB", 2);
const peerFile = path.join(dir, "peer.parquet");
t = performance.now();
await conn.run(
  `COPY (SELECT * FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {id: 'VARCHAR', text: 'VARCHAR', source: 'VARCHAR', url: 'VARCHAR', path: 'VARCHAR', fetched_at: 'VARCHAR', meta: 'VARCHAR'})) TO ${sqlString(peerFile)} (FORMAT parquet, COMPRESSION zstd)`,
);
const peerWrite = secs(t);
t = performance.now();
await conn.run(`SELECT count(*), sum(length(text)) FROM read_parquet(${sqlString(peerFile)})`);
const peerRead = secs(t);
conn.closeSync();
instance.closeSync();

const soroBytes = files.reduce((n, f) => n + f.bytes, 0);
const peerBytes = (await stat(peerFile)).size;
const row = (name: string, s: number, bytes?: number) =>
  `${name.padEnd(44)} ${s.toFixed(2).padStart(7)} s  ${(mb / s).toFixed(1).padStart(7)} MB/s  ${Math.round(
    N / s,
  )
    .toString()
    .padStart(9)} docs/s${bytes ? `  ${(bytes / 1e6).toFixed(1)} MB on disk` : ""}`;
console.log(`${N} documents, ${mb.toFixed(1)} MB of Tajik text (UTF-8); 2 DuckDB threads for the peer`);
console.log(row("soro write (ShardWriter, incl. generation)", soroWrite, soroBytes));
console.log(row("  of which generating the documents", generate));
console.log(row("duckdb alone: JSONL -> Parquet (COPY)", peerWrite, peerBytes));
console.log(row("soro read (readShard into JS objects)", soroRead));
console.log(row("duckdb alone: scan text column", peerRead));
console.log(
  `ratio write soro/duckdb (time, lower is better): ${(soroWrite / peerWrite).toFixed(2)}; without generation: ${((soroWrite - generate) / peerWrite).toFixed(2)}`,
);
console.log(
  `ratio read soro/duckdb (time, lower is better): ${(soroRead / peerRead).toFixed(2)} (soro materialises JS objects, duckdb only scans)`,
);
await rm(dir, { recursive: true, force: true });
