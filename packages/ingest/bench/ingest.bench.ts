// Ingest throughput, each beside DuckDB alone doing the same job in the same run (one thread):
// - a JSONL file of real Tajik word forms: `ingestPaths` (DuckDB reads it and writes the shard when the file is
//   clean) beside DuckDB alone
//   - converting the same file to zstd Parquet as it is (`COPY (SELECT * FROM read_json(...))`: text, url, meta);
//   - writing the same document columns as soro's shard (BASE_COLUMNS: the id as documentId's sha256 of url and
//     text, the record's text, url and meta, constants for the rest) with the same options (zstd 3, row groups of
//     20k, parts of 10 groups): the work soro cannot avoid, so its ratio is soro's own overhead;
//   - only loading it into a table (`read_json`, no Parquet written);
// - the same records as a Parquet file: `ingestPaths` beside DuckDB copying it to zstd Parquet as it is, and
//   writing the same document columns;
// - folders of DOCX and of ODT files (copies of the LibreOffice-made fixtures): files per second.
// What soro does besides the same-columns peer: a JS read of the file (its sha256 for the version record and, for
// JSONL, its line count), the checks that send a file to the JS reader, meta merged with the file's own keys, the
// commit to the catalog and its checkpoint at close.
// Wall and CPU seconds (CPU of the whole process: DuckDB's threads included). JSONL and Parquet run in rounds, each
// soro and its peers back to back; the rows show medians and a ratio is the median of the rounds' ratios, so a load
// that changes on a shared machine moves both sides of a ratio alike. The workspace is created before the clock
// starts, as the peer's DuckDB instance is (closing it, which checkpoints what ingest wrote, is timed).
// Usage: pnpm bench -- ingest [--mb=50] [--rounds=3] [--docx=200] [--odt=200]
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BASE_COLUMNS,
  Catalog,
  inWriteOrder,
  openScratchDb,
  parquetCopyOptions,
  sqlString,
} from "@soro/core";
import { tesseractTajikWords } from "@soro/samples";
import { ingestPaths } from "../src/index.js";

const arg = (name: string, dflt: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const targetMb = arg("mb", 50);
const rounds = arg("rounds", 3);
const docxCopies = arg("docx", 200);
const odtCopies = arg("odt", docxCopies);
const words = tesseractTajikWords().filter((w) => /^[\p{L}-]+$/u.test(w));
const dir = await mkdtemp(path.join(tmpdir(), "soro-ingest-bench-"));

/** Wall and CPU seconds of `fn` (CPU of the process, so DuckDB's threads count). */
async function timed<T>(fn: () => Promise<T>): Promise<{ out: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await fn();
  const c = process.cpuUsage(c0);
  return { out, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

// A JSONL corpus of documents of 40-120 real Tajik word forms, with a little metadata per record.
const jsonl = path.join(dir, "corpus.jsonl");
const lines: string[] = [];
let bytes = 0;
for (let i = 0, x = 1; bytes < targetMb * 1e6; i++) {
  const n = 40 + (i % 80);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    // Math.imul: a plain product passes 2^53, loses its low bits and falls into a short cycle of repeated words.
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    // The high bits: an LCG's low bits repeat with a short period.
    parts.push(words[(x >>> 8) % words.length]!);
  }
  const line = JSON.stringify({
    text: `${parts.join(" ")}.`,
    url: `https://bench.example/${i}`,
    meta: { n: i },
  });
  lines.push(line);
  bytes += Buffer.byteLength(line) + 1;
}
await writeFile(jsonl, `${lines.join("\n")}\n`);
const jsonlMb = (await stat(jsonl)).size / 1e6;
const readJson = `read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {text: 'VARCHAR', url: 'VARCHAR', meta: 'JSON'})`;

/** DuckDB alone running one statement on a fresh one-thread instance, as core runs its COPYs (inWriteOrder). */
async function duck(sql: string) {
  const { instance, conn } = await openScratchDb(dir, "2GB", 1);
  try {
    return await timed(() => inWriteOrder(conn, () => conn.run(sql)));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
const zstd = `(${parquetCopyOptions()})`;
const parquet = path.join(dir, "corpus.parquet");
await duck(`COPY (SELECT * FROM ${readJson}) TO ${sqlString(parquet)} ${zstd}`);

/** The shard's document columns from a relation of records (text, url, meta), as soro writes them for a clean file. */
const docColumns: Record<string, string> = {
  id: "left(sha256(url || chr(10) || text), 32)",
  text: "text",
  source: "'other'",
  url: "url",
  path: "NULL::VARCHAR",
  fetched_at: sqlString(new Date().toISOString()),
  meta: "meta::VARCHAR",
  licence: "'unknown'",
  licence_evidence: "NULL::VARCHAR",
};
const docSelect = BASE_COLUMNS.map((c) => {
  const e = docColumns[c.name];
  if (!e) throw new Error(`bench: no peer expression for column ${c.name}`);
  return `${e} AS ${c.name}`;
}).join(", ");
const parts = `(${parquetCopyOptions(3, "ROW_GROUPS_PER_FILE 10, FILENAME_PATTERN 'part_{i}', OVERWRITE")})`;

let wsN = 0;
/** ingestPaths into a new workspace (created before the clock starts). */
async function ingestOnce(paths: string[]) {
  const c = await Catalog.open(path.join(dir, `ws-${wsN++}`), { create: true });
  return timed(async () => {
    try {
      return await ingestPaths(c, paths, { source: "other" });
    } finally {
      c.close();
    }
  });
}

type T = { wall: number; cpu: number };
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2
    ? (s[(s.length - 1) / 2] as number)
    : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const med = (ts: T[]): T => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });
const runs = {
  soroJsonl: [] as T[],
  peerJsonl: [] as T[],
  docsJsonl: [] as T[],
  peerTable: [] as T[],
  soroParquet: [] as T[],
  peerParquet: [] as T[],
  docsParquet: [] as T[],
};
for (let r = 0; r < rounds; r++) {
  runs.soroJsonl.push(await ingestOnce([jsonl]));
  runs.peerJsonl.push(
    await duck(`COPY (SELECT * FROM ${readJson}) TO ${sqlString(path.join(dir, "peer1.parquet"))} ${zstd}`),
  );
  runs.docsJsonl.push(
    await duck(
      `COPY (SELECT ${docSelect} FROM ${readJson}) TO ${sqlString(path.join(dir, "docs1"))} ${parts}`,
    ),
  );
  runs.peerTable.push(await duck(`CREATE TABLE peer AS SELECT * FROM ${readJson}`));
  runs.soroParquet.push(await ingestOnce([parquet]));
  runs.peerParquet.push(
    await duck(
      `COPY (SELECT * FROM read_parquet(${sqlString(parquet)})) TO ${sqlString(path.join(dir, "peer2.parquet"))} ${zstd}`,
    ),
  );
  runs.docsParquet.push(
    await duck(
      `COPY (SELECT ${docSelect} FROM read_parquet(${sqlString(parquet)})) TO ${sqlString(path.join(dir, "docs2"))} ${parts}`,
    ),
  );
}
const [soroJsonl, peerJsonl, docsJsonl, peerTable, soroParquet, peerParquet, docsParquet] = [
  med(runs.soroJsonl),
  med(runs.peerJsonl),
  med(runs.docsJsonl),
  med(runs.peerTable),
  med(runs.soroParquet),
  med(runs.peerParquet),
  med(runs.docsParquet),
];

// DOCX and ODT: copies of the LibreOffice-made fixtures in one folder each (each its own file, hashed, read, committed).
async function office(ext: "docx" | "odt", copies: number) {
  const folder = path.join(dir, ext);
  await mkdir(folder);
  const fixture = path.join(import.meta.dirname, "..", "fixtures", `udhr-tgk.${ext}`);
  for (let i = 0; i < copies; i++) await copyFile(fixture, path.join(folder, `book-${i}.${ext}`));
  const run = await ingestOnce([folder]);
  if (run.out.ingested !== copies) throw new Error(`${ext}: ${run.out.ingested} of ${copies} files ingested`);
  return run;
}
const docx = await office("docx", docxCopies);
const odt = await office("odt", odtCopies);

const row = (name: string, t: T, mb: number) =>
  `${name.padEnd(52)} ${t.wall.toFixed(2).padStart(6)} s wall ${t.cpu.toFixed(2).padStart(6)} s cpu ${(mb / t.wall).toFixed(1).padStart(7)} MB/s`;
/** The median over rounds of soro's time over the peer's in the same round. */
const ratio = (name: string, a: T[], b: T[]) => {
  const of = (k: keyof T) => median(a.map((x, i) => x[k] / (b[i] as T)[k]));
  return `ratio ${name} (time, lower is better): ${of("wall").toFixed(2)} wall, ${of("cpu").toFixed(2)} cpu`;
};
const parquetMb = (await stat(parquet)).size / 1e6;
console.log(
  `JSONL ${jsonlMb.toFixed(1)} MB (${lines.length} docs); Parquet ${parquetMb.toFixed(1)} MB; medians of ${rounds} rounds`,
);
console.log(row("soro ingest JSONL", soroJsonl, jsonlMb));
console.log(row("duckdb alone: JSONL to zstd Parquet (1 thread)", peerJsonl, jsonlMb));
console.log(row("duckdb alone: JSONL to document columns (1 thread)", docsJsonl, jsonlMb));
console.log(row("duckdb alone: read_json into a table (1 thread)", peerTable, jsonlMb));
console.log(row("soro ingest Parquet", soroParquet, jsonlMb));
console.log(row("duckdb alone: Parquet to zstd Parquet (1 thread)", peerParquet, jsonlMb));
console.log(row("duckdb alone: Parquet to document columns (1 thread)", docsParquet, jsonlMb));
for (const [ext, r, n] of [
  ["DOCX", docx, docxCopies],
  ["ODT", odt, odtCopies],
] as const)
  console.log(
    `soro ingest ${ext} (${n} files)`.padEnd(52),
    `${r.wall.toFixed(2).padStart(6)} s wall ${r.cpu.toFixed(2).padStart(6)} s cpu ${(n / r.wall).toFixed(1).padStart(7)} files/s`,
  );
console.log(ratio("JSONL soro/duckdb JSONL→Parquet", runs.soroJsonl, runs.peerJsonl));
console.log(ratio("JSONL soro/duckdb JSONL→document columns", runs.soroJsonl, runs.docsJsonl));
console.log(ratio("JSONL soro/duckdb read_json into a table", runs.soroJsonl, runs.peerTable));
console.log(ratio("Parquet soro/duckdb Parquet→Parquet", runs.soroParquet, runs.peerParquet));
console.log(ratio("Parquet soro/duckdb Parquet→document columns", runs.soroParquet, runs.docsParquet));
await rm(dir, { recursive: true, force: true });
