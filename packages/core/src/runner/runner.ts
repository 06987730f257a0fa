import { availableParallelism } from "node:os";
import path from "node:path";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import type { Catalog, ShardRecord } from "../catalog/catalog.js";
import { configHash } from "../config.js";
import { type DiskFullError, diskFullError, SoroError, UsageError } from "../errors.js";
import { humanCount, humanDuration, type ProgressOptions, startProgress } from "../progress.js";
import {
  closeShardScratch,
  processShardSafely,
  type ShardResult,
  type ShardTask,
  type TaskFailure,
} from "./process-shard.js";
import { loadStageDefinition, type StageDefinition, type StageRef } from "./stage.js";
import { StageRun } from "./stage-run.js";

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

/** The active shards a stage reads, or a usage error naming the stages to run first. */
export async function stageInputs(catalog: Catalog, def: StageDefinition): Promise<ShardRecord[]> {
  const inputs = await catalog.activeShards(def.inputs);
  if (inputs.length === 0) {
    throw new UsageError(
      `soro: ${def.name} has no input: no active shards of ${def.inputs.join(", ")} in ${catalog.ws.dir}`,
      `run ${def.inputs.join(" or ")} first (see \`soro status\`)`,
    );
  }
  return inputs;
}

/**
 * Runs a shard-to-shard stage over the active shards of its inputs. Each input shard is processed in a worker and
 * committed on its own, so a rerun after a crash skips committed inputs and redoes only the rest; the outputs
 * become the stage's active shards only when every input is done.
 */
export async function runStage(opts: RunStageOptions): Promise<RunSummary> {
  const started = Date.now();
  const { catalog } = opts;
  const def = await loadStageDefinition(opts.stage);
  const hash = stageConfigHash(def, opts.options);
  const run = await StageRun.open(catalog, {
    stage: def.name,
    configHash: hash,
    config: opts.options ?? null,
    outputs: "replace",
    repair: def.inputs,
  });
  const inputs = await stageInputs(catalog, def);
  const pending = run.pending(inputs);
  const workers = Math.min(opts.workers ?? availableParallelism(), pending.length);
  const runId = await run.begin(workers);
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
    repaired: run.repaired,
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
      tmpDir: run.tmpDir,
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
      commits = commits.then(() => run.quarantine([{ input: input.shard_id, reason: result.error.message }]));
      await commits;
      return;
    }
    const ok = result;
    // One catalog writer: commits are serialised in completion order.
    commits = commits.then(async () => {
      await run.commit({ sourceKey: input.shard_id, files: ok.files, stats: ok.stats });
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
    await pool?.destroy();
    closeShardScratch();
    // On a full disk recording the failure fails too; the cause is what must reach the user.
    await run.finish(err as Error);
    throw diskFullError(err) ?? err;
  }
  await pool?.destroy();
  // Run in this thread (no workers), the tasks shared a scratch database in the run's temp folder.
  closeShardScratch();
  summary.seconds = (Date.now() - started) / 1000;
  const [firstFailure] = failures;
  if (firstFailure) {
    progress.stop();
    // Set by the lanes (TypeScript cannot see that through the closure).
    const error =
      (diskFull as DiskFullError | null) ??
      new SoroError(
        `soro: ${def.name}: ${failures.length} of ${pending.length} input shards failed (first: ${firstFailure.text})`,
        "fix or remove those inputs and rerun; committed shards are kept and skipped",
        1,
      );
    await run.finish(error);
    throw error;
  }
  await run.finish();
  progress.stop(
    `${def.name}: ${summary.processed} shards processed, ${summary.skipped} already done; ${humanCount(summary.docsIn)} docs in, ${humanCount(summary.docsOut)} out, ${summary.quarantined} quarantined in ${humanDuration(summary.seconds)}`,
  );
  return summary;
}
