import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import {
  closeShardScratch,
  fileSha256,
  processShard,
  SoroError,
  siblingModule,
  UsageError,
} from "@soro/core";
import { outputKey, planInput, resultKey, type TaskPlan, type TaskResult } from "./plan.js";
import { openStorage, splitUri } from "./storage/storage.js";

/** Options of one cluster task. */
export interface RunTaskOptions {
  /** URI of the plan file (local path or s3://). */
  plan: string;
  /** The task's index in the plan (Slurm's SLURM_ARRAY_TASK_ID, Kubernetes' JOB_COMPLETION_INDEX). */
  index: number;
  /** Local scratch folder (default: the system temp folder). */
  tmpDir?: string;
  /** Called after each input with what it did. */
  onInput?: (sourceKey: string, outcome: "done" | "already done", docs: number) => void;
}

/** What one task did. */
export interface TaskSummary {
  index: number;
  inputs: number;
  processed: number;
  skipped: number;
  docsIn: number;
  docsOut: number;
}

/** The task index from the scheduler's environment: Slurm job arrays or Kubernetes Indexed Jobs. */
export function taskIndexFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.SLURM_ARRAY_TASK_ID ?? env.JOB_COMPLETION_INDEX;
  return raw === undefined ? undefined : Number.parseInt(raw, 10);
}

/**
 * Runs one task of a plan: for each input of its slice that has no result yet, downloads the shard, checks its
 * sha256, runs the stage over it with the core's `processShard`, uploads the output files under this attempt's own
 * folder and then writes the input's result manifest. Never opens the catalog: the coordinator registers results.
 */
export async function runTask(opts: RunTaskOptions): Promise<TaskSummary> {
  const { root, key } = splitUri(opts.plan);
  const plan = await openStorage(root).getJson<TaskPlan>(key);
  if (!plan) throw new SoroError(`soro run-task: no plan at ${opts.plan}`, "check the --plan URI", 2);
  const slice = plan.tasks[opts.index];
  if (!slice)
    throw new UsageError(
      `soro run-task: plan ${plan.planId} has no task ${opts.index} (it has ${plan.tasks.length})`,
      "pass an index below the task count",
    );
  const storage = openStorage(plan.storage);
  const attempt = `${opts.index}-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const tmp = path.join(opts.tmpDir ?? tmpdir(), `soro-task-${plan.planId}-${attempt}`);
  const summary: TaskSummary = {
    index: opts.index,
    inputs: slice.length,
    processed: 0,
    skipped: 0,
    docsIn: 0,
    docsOut: 0,
  };
  await mkdir(tmp, { recursive: true });
  try {
    for (const i of slice) {
      const input = planInput(plan, i);
      const rkey = resultKey(plan.stage, plan.configHash, input.sourceKey);
      // A retried task, or a second copy racing this one, skips what already has a result.
      if (await storage.exists(rkey)) {
        summary.skipped++;
        opts.onInput?.(input.sourceKey, "already done", 0);
        continue;
      }
      const started = Date.now();
      const local = path.join(tmp, "in", `${input.sha256}.parquet`);
      await storage.getFile(input.key, local);
      const sha = await fileSha256(local);
      if (sha !== input.sha256)
        throw new SoroError(
          `soro run-task: input ${input.sourceKey} in ${storage.uri} has sha256 ${sha}, expected ${input.sha256}`,
          "the stored copy is damaged or was replaced; rerun `soro run` to upload it again",
          5,
        );
      const out = await processShard({
        stage: plan.stageRef,
        options: plan.options,
        inputPath: local,
        inputShardId: input.sourceKey,
        outputPrefix: input.outputPrefix,
        tmpDir: path.join(tmp, "work"),
        runId: plan.runId,
      });
      const files = [];
      for (const f of out.files) {
        const fkey = outputKey(plan.stage, plan.configHash, attempt, f.name);
        await storage.putFile(fkey, f.tmpPath);
        files.push({
          name: f.name,
          key: fkey,
          rows: f.rows,
          bytes: f.bytes,
          chars: f.chars,
          sha256: f.sha256,
          columns: f.columns,
        });
        await rm(f.tmpPath, { force: true });
      }
      await rm(local, { force: true });
      const result: TaskResult = {
        format: 1,
        planId: plan.planId,
        sourceKey: input.sourceKey,
        taskIndex: opts.index,
        attempt,
        host: hostname(),
        files,
        stats: out.stats,
        quarantine: out.quarantine,
        seconds: (Date.now() - started) / 1000,
        finishedAt: new Date().toISOString(),
      };
      // Written last: its presence means every file it names is complete in storage.
      await storage.putJson(rkey, result);
      summary.processed++;
      summary.docsIn += out.stats.docsIn;
      summary.docsOut += out.stats.docsOut;
      opts.onInput?.(input.sourceKey, "done", out.stats.docsIn);
    }
  } finally {
    closeShardScratch();
    await rm(tmp, { recursive: true, force: true });
  }
  return summary;
}

/** The file of the lean task entry point (`task-main.ts`), for the command a job runs. */
export const TASK_ENTRY = siblingModule(import.meta.url, "task-main").pathname;
