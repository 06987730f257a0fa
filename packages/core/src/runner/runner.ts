import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Catalog, ShardRecord } from "../catalog/catalog.js";
import { configHash } from "../config.js";
import { type DiskFullError, diskFullError, SoroError, UsageError } from "../errors.js";
import { humanCount, humanDuration, type ProgressOptions, startProgress } from "../progress.js";
import { quickCheckShards, repairShards } from "../repair.js";
import { processShardSafely, type ShardResult, type ShardTask, type TaskFailure } from "./process-shard.js";
import type { StageDefinition, StageRef } from "./stage.js";

/** How to run a stage. */
export interface RunStageOptions {
  catalog: Catalog;
  stage: StageRef;
  options?: unknown;
  /** Worker threads (default: cores); 0 runs in this thread, for debugging. */
  workers?: number;
  progress?: ProgressOptions["mode"];
}

/** What a stage run did. */
export interface RunSummary {
  runId: number;
  stage: string;
  configHash: string;
  inputs: number;
  skipped: number;
  processed: number;
  failed: number;
  docsIn: number;
  docsOut: number;
  quarantined: number;
  /** Inputs whose output shards were missing or damaged at the start, and were built again. */
  repaired: number;
  seconds: number;
}

/** The output name prefix for one input shard: stage, config and the input's base name (plus its stage if several feed in). */
export function outputPrefix(def: StageDefinition, hash: string, input: ShardRecord): string {
  const base = path.basename(input.shard_id, ".parquet");
  const tag = def.inputs.length > 1 ? `${input.stage}-${base}` : base;
  return `${def.name}/${hash.slice(0, 8)}/${tag}`;
}

/** The configuration hash of a stage with options: a rerun with the same hash resumes instead of recomputing. */
export function stageConfigHash(def: StageDefinition, options: unknown): string {
  return configHash({ stage: def.name, version: def.version, options: options ?? null });
}

/**
 * A stage's check at start: its own shards or its inputs' that are missing or changed in size are turned back into
 * work (repairShards). Broken own shards are rebuilt by this run (returns how many inputs that is); broken inputs
 * must be rebuilt by their own stage first, so the run stops, naming the shard and the commands to run.
 */
export async function repairBeforeRun(catalog: Catalog, stage: string, inputs: string[]): Promise<number> {
  const problems = await quickCheckShards(catalog, [stage, ...inputs]);
  if (problems.length === 0) return 0;
  const repair = await repairShards(catalog, problems);
  const first = problems[0]!;
  if (problems.some((p) => repair.uncommitted.some((u) => u.shards.includes(p.shard) && u.stage !== stage))) {
    throw new SoroError(
      `soro: ${stage}: input shard ${first.path} is broken (${first.problem})${problems.length > 1 ? ` and ${problems.length - 1} more` : ""}; the inputs that produced them are uncommitted and what was built from them is marked stale`,
      `run ${repair.rerun.join(", then ")}`,
      5,
    );
  }
  return repair.uncommitted.filter((u) => u.stage === stage).length;
}

/**
 * Runs a shard-to-shard stage over the active shards of its inputs. Each input shard is processed in a worker and
 * committed on its own, so a rerun after a crash skips committed inputs and redoes only the rest; the outputs
 * become the stage's active shards only when every input is done.
 */
export async function runStage(opts: RunStageOptions): Promise<RunSummary> {
  const started = Date.now();
  const { catalog } = opts;
  const mod = (await import(opts.stage.module)) as Record<string, StageDefinition>;
  const def = mod[opts.stage.exportName];
  if (!def)
    throw new UsageError(
      `soro: ${opts.stage.module} has no stage ${opts.stage.exportName}`,
      "check the stage name",
    );
  const hash = stageConfigHash(def, opts.options);
  await catalog.markStaleRuns(def.name);
  await catalog.removeOrphans(def.name);
  const repaired = await repairBeforeRun(catalog, def.name, def.inputs);
  const inputs = await catalog.activeShards(def.inputs);
  if (inputs.length === 0) {
    throw new UsageError(
      `soro: ${def.name} has no input: no active shards of ${def.inputs.join(", ")} in ${catalog.ws.dir}`,
      `run ${def.inputs.join(" or ")} first (see \`soro status\`)`,
    );
  }
  const done = await catalog.committedSourceKeys(def.name, hash);
  const pending = inputs.filter((s) => !done.has(s.shard_id));
  const workers = Math.min(opts.workers ?? availableParallelism(), pending.length);
  const runId = await catalog.beginRun(def.name, hash, opts.options ?? null, workers);
  const summary: RunSummary = {
    runId,
    stage: def.name,
    configHash: hash,
    inputs: inputs.length,
    skipped: inputs.length - pending.length,
    processed: 0,
    failed: 0,
    docsIn: 0,
    docsOut: 0,
    quarantined: 0,
    repaired,
    seconds: 0,
  };
  const progress = startProgress({
    label: def.name,
    totalDocs: pending.reduce((n, s) => n + Number(s.rows), 0),
    mode: opts.progress,
  });
  const pool =
    workers > 0
      ? new Piscina({
          filename: new URL("./worker-entry.mjs", import.meta.url).href,
          maxThreads: workers,
          minThreads: workers,
          // Workers stay between shards: the next task is queued only after the previous commit, and a fresh
          // worker pays ~1 s to load tsx and the stage.
          idleTimeout: 60_000,
        })
      : null;
  const failures: Array<{ text: string; exitCode: number }> = [];
  let diskFull: DiskFullError | null = null;
  let commits = Promise.resolve();
  const runOne = async (input: ShardRecord): Promise<void> => {
    const task: ShardTask = {
      stage: opts.stage,
      options: opts.options ?? null,
      inputPath: catalog.shardPath(input),
      inputShardId: input.shard_id,
      outputPrefix: outputPrefix(def, hash, input),
      tmpDir: path.join(catalog.ws.tmpDir, `run-${runId}`),
      runId,
    };
    let result: ShardResult | TaskFailure;
    if (pool) {
      const channel = new MessageChannel();
      channel.port1.on("message", (m: { docs: number; chars: number }) => progress.tick(m.docs, m.chars));
      try {
        result = (await pool.run({ ...task, progress: channel.port2 }, { transferList: [channel.port2] })) as
          | ShardResult
          | TaskFailure;
      } finally {
        channel.port1.close();
      }
    } else {
      result = await processShardSafely(task);
      if (!("error" in result)) progress.tick(result.stats.docsIn, result.stats.charsIn);
    }
    if ("error" in result) {
      const { message, hint, exitCode } = result.error;
      failures.push({ text: `${message}${hint ? `: ${hint}` : ""}`, exitCode });
      summary.failed++;
      // A full disk is not the input's fault: the run stops with it instead of quarantining the shard.
      diskFull ??= diskFullError(new Error(message));
      if (diskFull) return;
      commits = commits.then(() =>
        catalog.quarantine([{ runId, stage: def.name, input: input.shard_id, reason: result.error.message }]),
      );
      await commits;
      return;
    }
    const ok = result;
    // One catalog writer: commits are serialised in completion order.
    commits = commits.then(async () => {
      await catalog.commitShards({
        runId,
        stage: def.name,
        configHash: hash,
        sourceKey: input.shard_id,
        parents: [input.shard_id],
        files: ok.files,
        stats: ok.stats,
        status: "pending",
      });
      await catalog.quarantine(ok.quarantine);
    });
    await commits;
    summary.processed++;
    summary.docsIn += ok.stats.docsIn;
    summary.docsOut += ok.stats.docsOut;
    summary.quarantined += ok.stats.quarantined;
  };
  try {
    const queue = [...pending];
    const lanes = Array.from({ length: Math.max(workers, 1) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await runOne(next);
    });
    await Promise.all(lanes);
  } catch (err) {
    progress.stop();
    // On a full disk this write fails too; the cause is what must reach the user.
    await catalog.finishRun(runId, "failed", (err as Error).message).catch(() => undefined);
    throw diskFullError(err) ?? err;
  } finally {
    await pool?.destroy();
    await rm(path.join(catalog.ws.tmpDir, `run-${runId}`), { recursive: true, force: true });
  }
  summary.seconds = (Date.now() - started) / 1000;
  if (failures.length > 0) {
    progress.stop();
    const msg = `soro: ${def.name}: ${failures.length} of ${pending.length} input shards failed (first: ${failures[0]!.text})`;
    // Set by the lanes (TypeScript cannot see that through the closure).
    const full = diskFull as DiskFullError | null;
    await catalog.finishRun(runId, "failed", full?.message ?? msg).catch(() => undefined);
    if (full) throw full;
    throw new SoroError(
      msg,
      "fix or remove those inputs and rerun; committed shards are kept and skipped",
      1,
    );
  }
  await catalog.activateRun(def.name, hash);
  await catalog.finishRun(runId, "done");
  progress.stop(
    `${def.name}: ${summary.processed} shards processed, ${summary.skipped} already done; ${humanCount(summary.docsIn)} docs in, ${humanCount(summary.docsOut)} out, ${summary.quarantined} quarantined in ${humanDuration(summary.seconds)}`,
  );
  return summary;
}
