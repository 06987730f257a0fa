// Ingest throughput: `ingestPaths` on a JSONL file of real Tajik word forms and on a folder of DOCX files (the
// LibreOffice-made fixture, copied), beside DuckDB alone loading the same JSONL bytes with read_json into a table
// (the peer, one thread, measured in the same run). Per-core figures: ingest is one JS thread.
// Usage: pnpm bench -- ingest [--mb=50] [--docx=200]
import { copyFile, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, openScratchDb, sqlString } from "@soro/core";
import { tesseractTajikWords } from "@soro/samples";
import { ingestPaths } from "../src/index.js";

const arg = (name: string, dflt: number) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.slice(name.length + 3)) : dflt;
};
const targetMb = arg("mb", 50);
const docxCopies = arg("docx", 200);
const words = tesseractTajikWords().filter((w) => /^[\p{L}-]+$/u.test(w));
const dir = await mkdtemp(path.join(tmpdir(), "soro-ingest-bench-"));
const secs = (t: number) => (performance.now() - t) / 1000;

// A JSONL corpus of documents of 40-120 real Tajik word forms, with a little metadata per record.
const jsonl = path.join(dir, "corpus.jsonl");
const lines: string[] = [];
let bytes = 0;
for (let i = 0, x = 1; bytes < targetMb * 1e6; i++) {
  const n = 40 + (i % 80);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    x = (x * 1103515245 + 12345) >>> 0;
    parts.push(words[x % words.length]!);
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

const ingestOnce = async (paths: string[], ws: string) => {
  const c = await Catalog.open(ws, { create: true });
  try {
    const t = performance.now();
    const s = await ingestPaths(c, paths, { source: "other" });
    return { s, secs: secs(t) };
  } finally {
    c.close();
  }
};

const soro = await ingestOnce([jsonl], path.join(dir, "ws-jsonl"));

const { instance, conn } = await openScratchDb(dir, "2GB", 1);
let t = performance.now();
await conn.run(
  `CREATE TABLE peer AS SELECT * FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited', columns = {text: 'VARCHAR', url: 'VARCHAR', meta: 'JSON'})`,
);
const peer = secs(t);
conn.closeSync();
instance.closeSync();

// DOCX: copies of the fixture in one folder (each its own file, so each is hashed, read and committed).
const docxDir = path.join(dir, "docx");
await mkdir(docxDir);
const fixture = path.join(import.meta.dirname, "..", "fixtures", "udhr-tgk.docx");
for (let i = 0; i < docxCopies; i++) await copyFile(fixture, path.join(docxDir, `book-${i}.docx`));
const docxMb = ((await stat(fixture)).size * docxCopies) / 1e6;
t = performance.now();
const docx = await ingestOnce([docxDir], path.join(dir, "ws-docx"));

const row = (name: string, s: number, mb: number, docs: number) =>
  `${name.padEnd(46)} ${s.toFixed(2).padStart(7)} s  ${(mb / s).toFixed(2).padStart(7)} MB/s  ${Math.round(
    docs / s,
  )
    .toString()
    .padStart(8)} docs/s`;
console.log(
  `JSONL ${jsonlMb.toFixed(1)} MB (${lines.length} docs); DOCX ${docxCopies} files, ${docxMb.toFixed(1)} MB`,
);
console.log(row("soro ingest JSONL (one thread)", soro.secs, jsonlMb, soro.s.docs));
console.log(row("duckdb alone: read_json into a table (1 thread)", peer, jsonlMb, lines.length));
console.log(row("soro ingest DOCX (one thread, file bytes)", docx.secs, docxMb, docx.s.docs));
console.log(`ratio JSONL soro/duckdb (time, lower is better): ${(soro.secs / peer).toFixed(2)}`);
console.log(`ratio DOCX/JSONL per MB (time): ${(docx.secs / docxMb / (soro.secs / jsonlMb)).toFixed(2)}`);
await rm(dir, { recursive: true, force: true });
