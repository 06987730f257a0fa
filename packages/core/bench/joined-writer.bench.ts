// The joined shard writer on one large shard: 150 MB of Tajik text (real word forms) in one ingest-like shard,
// run through a normalize-like stage (rewrites 58% of the texts, keeps text_original) and each of its parts through
// a quality-like one (twenty signal columns, a new text for 32%), then the quality-like stage alone over one
// normalized-like shard of the same size (text and text_original, ~8 KB a row). Both shards are written as core's
// writers write theirs (parquetCopyOptions: row groups of at most about ROW_GROUP_BYTES). Each stage must write its
// parts within the scratch database's 512 MB; each runs in a process of its own, so the peak RSS it prints is that
// stage's, beside its parts, CPU seconds and the largest row group it wrote (uncompressed).
// Usage: pnpm bench -- joined-writer [--size 150MB]
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { tesseractTajikWords } from "@soro/samples";
import { inWriteOrder, openScratchDb, parquetCopyOptions, sqlString } from "../src/index.js";
import { benchBytes, benchOption, stageInOwnProcess, wordDrawer } from "../src/testing.js";

const textBytes = benchBytes(benchOption("size", "150MB"));
const words = tesseractTajikWords().filter((w) => /^[\p{L}-]+$/u.test(w));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const stages = new URL("./joined-stages.ts", import.meta.url).href;

/** Writes one shard of documents of ~2,000 characters (~4 KB) until `bytes` of text. */
async function writeShard(file: string, bytes: number, withOriginal: boolean): Promise<number> {
  const { instance, conn } = await openScratchDb(path.dirname(file), "2GB");
  try {
    await conn.run(
      `CREATE TABLE t (id VARCHAR, text VARCHAR, source VARCHAR, url VARCHAR, path VARCHAR, fetched_at VARCHAR,
         meta VARCHAR${withOriginal ? ", text_original VARCHAR" : ""})`,
    );
    const app = await conn.createAppender("t");
    const draw = wordDrawer(words);
    let written = 0;
    let docs = 0;
    while (written < bytes) {
      const text = draw(1000 + (docs % 2000));
      written += Buffer.byteLength(text);
      app.appendVarchar(`doc${docs}`);
      app.appendVarchar(text);
      app.appendVarchar("web");
      app.appendVarchar(`https://bench.example/${docs}`);
      app.appendNull();
      app.appendVarchar("2026-11-23T00:00:00Z");
      if (docs % 5 === 0) app.appendVarchar('{"k":1}');
      else app.appendNull();
      if (withOriginal) app.appendVarchar(docs % 3 === 0 ? `${text} ` : text);
      app.endRow();
      docs++;
    }
    app.closeSync();
    await inWriteOrder(conn, () => conn.run(`COPY t TO ${sqlString(file)} (${parquetCopyOptions()})`));
    return docs;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The uncompressed bytes of the largest row group among `files` (a reader decompresses a page of it whole). */
async function largestRowGroup(files: string[]): Promise<number> {
  const { instance, conn } = await openScratchDb(tmpdir());
  try {
    const r = await conn.runAndReadAll(
      `SELECT max(bytes)::BIGINT AS bytes FROM (SELECT file_name, row_group_id, sum(total_uncompressed_size) AS bytes
         FROM parquet_metadata([${files.map(sqlString).join(", ")}]) GROUP BY ALL)`,
    );
    return Number(r.getRowObjectsJS()[0]?.bytes ?? 0);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Runs a stage over each input in a process of its own and prints its line; the parts it wrote. */
async function run(exportName: string, inputs: string[], out: string): Promise<string[]> {
  const r = stageInOwnProcess({ module: stages, exportName }, inputs, out);
  const rows = r.files.reduce((n, f) => n + f.rows, 0);
  const mb = Math.max(...r.files.map((f) => f.bytes)) / 1e6;
  const group = await largestRowGroup(r.files.map((f) => f.tmpPath));
  console.log(
    `${exportName.padEnd(14)} ${String(inputs.length).padStart(6)} ${String(r.files.length).padStart(6)} ${String(rows).padStart(7)} ${mb.toFixed(1).padStart(12)} ${r.cpu.toFixed(2).padStart(6)} ${(group / 1e6).toFixed(1).padStart(12)} ${(r.rssKB / 1024).toFixed(0).padStart(12)}`,
  );
  return r.files.map((f) => f.tmpPath);
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "soro-joined-writer-"));
  try {
    const ingest = path.join(work, "ingest.parquet");
    const normalized = path.join(work, "normalized.parquet");
    const docs = await writeShard(ingest, textBytes, false);
    await writeShard(normalized, textBytes, true);
    console.log(
      `${docs} documents, ${(textBytes / 1e6).toFixed(0)} MB of text in one shard; load ${load()}\n`,
    );
    console.log("stage          inputs  parts    rows  max part MB  CPU s  max group MB  peak RSS MB");
    const parts = await run("rewriteStage", [ingest], path.join(work, "rewrite"));
    await run("signalsStage", parts, path.join(work, "signals"));
    await run("signalsStage", [normalized], path.join(work, "signals-one"));
    console.log(`\nload after ${load()}`);
  } catch (err) {
    console.error((err as Error).stack);
    process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
