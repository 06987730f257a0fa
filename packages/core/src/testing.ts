import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { Catalog, ShardCommit } from "./catalog/catalog.js";
import type { StageRef } from "./runner/stage.js";
import { copyQueryToShard, type ShardFile } from "./shards/writer.js";

/**
 * The built `soro` command (packages/cli/bin/soro.mjs), for tests that run it as a user does: `node SORO_BIN ...`.
 * vitest's global setup (tools/vitest-build.ts) compiles the packages first when a source changed.
 */
export const SORO_BIN = fileURLToPath(new URL("../../cli/bin/soro.mjs", import.meta.url));

/** How a child run by `runKillable` ended: its exit code, and whether `killWhen` had it SIGKILLed. */
export interface KillableExit {
  code: number | null;
  killed: boolean;
}

/**
 * Runs a TypeScript script in a child Node process (through tsx) and SIGKILLs it the first time `killWhen`
 * holds, checked every `pollMs`; crash tests use it to stop a stage mid-write.
 */
export function runKillable(
  script: string,
  args: string[],
  options: { killWhen?: () => boolean; pollMs?: number } = {},
): Promise<KillableExit> {
  const { killWhen, pollMs = 10 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    let killed = false;
    const timer = killWhen
      ? setInterval(() => {
          if (!killed && killWhen()) {
            killed = true;
            child.kill("SIGKILL");
          }
        }, pollMs)
      : null;
    child.on("error", reject);
    child.on("exit", (code) => {
      if (timer) clearInterval(timer);
      resolve({ code, killed });
    });
  });
}

/** What a stage run by `stageInOwnProcess` wrote, its CPU seconds and its process's peak RSS (KB). */
export interface StageProcessResult {
  files: ShardFile[];
  cpu: number;
  rssKB: number;
}

/**
 * Runs `stage` over shard files in a child Node process (bench/stage-process.ts), for benches: its peak RSS is the
 * stage's own, not the bench's that wrote the inputs.
 */
export function stageInOwnProcess(stage: StageRef, inputs: string[], out: string): StageProcessResult {
  const script = fileURLToPath(new URL("../bench/stage-process.ts", import.meta.url));
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", script, JSON.stringify({ stage, inputs, out })],
    { encoding: "utf8", maxBuffer: 2 ** 26 },
  );
  const last = child.stdout.trim().split("\n").at(-1);
  if (child.status !== 0 || !last) throw new Error(`${stage.exportName} failed: ${child.stderr}`);
  return JSON.parse(last) as StageProcessResult;
}

/**
 * Writes a query's rows (a bench's synthetic documents) to one shard and commits it as a whole input of a stage
 * run that kept every document.
 */
export async function commitQueryShard(
  catalog: Catalog,
  conn: DuckDBConnection,
  query: string,
  commit: Pick<ShardCommit, "runId" | "stage" | "configHash" | "sourceKey" | "status">,
): Promise<void> {
  const file = await copyQueryToShard(conn, query, {
    tmpDir: catalog.ws.tmpDir,
    name: `${commit.stage}/synthetic/${commit.sourceKey}.parquet`,
  });
  await catalog.commitShards({
    ...commit,
    parents: [],
    files: [file],
    stats: {
      docsIn: file.rows,
      charsIn: file.chars,
      docsOut: file.rows,
      charsOut: file.chars,
      quarantined: 0,
      removed: {},
    },
  });
}

/** The Chromium the end-to-end tests drive through playwright-core: Debian's, unless SORO_CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.SORO_CHROMIUM ?? "/usr/bin/chromium";

/** Flags for Chromium under test: no sandbox (CI runs as root), no GPU, no background traffic or first-run pages. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A bench's option from `process.argv`: `--name=value` or `--name value`, else `dflt`. */
export function benchOption(name: string, dflt: string): string {
  const argv = process.argv.slice(2);
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const value = argv[argv.indexOf(`--${name}`) + 1];
  return argv.includes(`--${name}`) && value ? value : dflt;
}

/** Bytes of a size as benches take it: `1GB`, `256MB`, `500KB` (decimal units; a bare number is MB). */
export function benchBytes(size: string): number {
  return Number.parseFloat(size) * (/gb$/i.test(size) ? 1e9 : /kb$/i.test(size) ? 1e3 : 1e6);
}

/** The texts of the e2e bench's documents in `dir` (its JSONL files, in name order). */
export function e2eDocuments(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .sort();
  if (files.length === 0)
    throw new Error(`no .jsonl files in ${dir}: write them with packages/cli/bench/write-e2e-corpus.ts`);
  return files.flatMap((f) =>
    readFileSync(path.join(dir, f), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
}

/**
 * Stand-in document text for benches: words of `words` drawn one after another by a fixed linear congruential
 * sequence (the same texts every run). Each call gives the next text of at least `units` (each word counts its
 * length times `perLetter`, plus one for its space: 2 per letter counts UTF-8 bytes of Cyrillic), ending in a full stop.
 */
export function wordDrawer(words: readonly string[], perLetter = 1): (units: number) => string {
  let x = 12345;
  return (units) => {
    const parts: string[] = [];
    let len = 0;
    while (len < units) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const w = words[(x >>> 9) % words.length] as string;
      parts.push(w);
      len += perLetter * w.length + 1;
    }
    return `${parts.join(" ")}.`;
  };
}
