// Long documents from a JSONL ingest to the stage that reads them: `soro ingest` of one JSONL of Tajik documents
// (real word forms) of `--doc-kb` KB on average (half to one and a half times that), then normalize's columns and
// text handling with no analysis (normalizeIdle: the joined path, 58% of the texts rewritten) over the ingest
// shards, each in a process of its own. It prints the largest row group of the ingest shards (uncompressed, as a
// reader decompresses it) and each step's CPU seconds and peak RSS: what the ingest writer's row groups cost the
// stage that reads them.
// Usage: pnpm bench -- long-docs [--size 150MB] [--doc-kb 24]
import { spawnSync } from "node:child_process";
import { createWriteStream, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { finished } from "node:stream/promises";
import { Catalog, openScratchDb, sqlString } from "@soro/core";
import { benchBytes, benchOption, SORO_BIN, stageInOwnProcess, wordDrawer } from "@soro/core/testing";
import { tesseractTajikWords } from "@soro/samples";

const textBytes = benchBytes(benchOption("size", "150MB"));
const docBytes = Number(benchOption("doc-kb", "24")) * 1000;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

/** Writes one JSONL of documents until `bytes` of text; returns how many. */
async function writeJsonl(file: string, bytes: number): Promise<number> {
  const words = tesseractTajikWords().filter((w) => /^[\p{L}-]+$/u.test(w));
  const out = createWriteStream(file);
  // UTF-8 bytes: Tajik letters are two each, the spaces one.
  const draw = wordDrawer(words, 2);
  let written = 0;
  let docs = 0;
  while (written < bytes) {
    const text = draw(docBytes / 2 + ((docs * 7919) % docBytes));
    written += Buffer.byteLength(text);
    if (!out.write(`${JSON.stringify({ text, url: `https://long.example/${docs}` })}\n`))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    docs++;
  }
  out.end();
  await finished(out);
  return docs;
}

/** Runs `soro` under /usr/bin/time: its CPU seconds and peak RSS (KB). */
function soro(ws: string, args: string[]): { cpu: number; rssKB: number } {
  const r = spawnSync(
    "/usr/bin/time",
    ["-f", "%U %S %M", process.execPath, SORO_BIN, "-q", "-w", ws, ...args],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`soro ${args[0]} failed: ${r.stderr}`);
  const [user, sys, rss] = (r.stderr.trim().split("\n").at(-1) ?? "").split(" ").map(Number);
  return { cpu: (user ?? 0) + (sys ?? 0), rssKB: rss ?? 0 };
}

/** The uncompressed bytes and rows of the largest row group among `files`. */
async function largestRowGroup(files: string[]): Promise<{ bytes: number; rows: number }> {
  const { instance, conn } = await openScratchDb(tmpdir());
  try {
    const r = await conn.runAndReadAll(
      `SELECT max(bytes)::BIGINT AS bytes, arg_max(rows, bytes)::BIGINT AS rows FROM (
         SELECT file_name, row_group_id, any_value(row_group_num_rows) AS rows, sum(total_uncompressed_size) AS bytes
         FROM parquet_metadata([${files.map(sqlString).join(", ")}]) GROUP BY ALL)`,
    );
    const row = r.getRowObjectsJS()[0];
    return { bytes: Number(row?.bytes ?? 0), rows: Number(row?.rows ?? 0) };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const work = await mkdtemp(path.join(tmpdir(), "soro-long-docs-"));
try {
  const jsonl = path.join(work, "long.jsonl");
  const docs = await writeJsonl(jsonl, textBytes);
  const ws = path.join(work, "ws");
  soro(ws, ["init"]);
  const ingest = soro(ws, ["ingest", jsonl, "--source", "web"]);
  const catalog = await Catalog.open(ws);
  const shards = (await catalog.activeShards(["ingest"])).map((s) => catalog.shardPath(s));
  catalog.close();
  const group = await largestRowGroup(shards);
  const stage = stageInOwnProcess(
    { module: new URL("./rewrite-io-stages.ts", import.meta.url).href, exportName: "normalizeIdle" },
    shards,
    path.join(work, "normalized"),
  );
  console.log(
    `${docs} documents, ${(textBytes / 1e6).toFixed(0)} MB of text (~${docBytes / 1000} KB each) in one JSONL; ` +
      `${shards.length} ingest shards, largest row group ${(group.bytes / 1e6).toFixed(1)} MB (${group.rows} rows); load ${load()}\n`,
  );
  console.log("step               CPU s  peak RSS MB");
  console.log(
    `soro ingest   ${ingest.cpu.toFixed(2).padStart(10)} ${(ingest.rssKB / 1024).toFixed(0).padStart(12)}`,
  );
  console.log(
    `normalizeIdle ${stage.cpu.toFixed(2).padStart(10)} ${(stage.rssKB / 1024).toFixed(0).padStart(12)}`,
  );
  console.log(`\nload after ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
