import { type InputStats, type QuarantineEntry, SoroError, type StageRef } from "@soro/core";
import type { Storage } from "./storage/storage.js";

/** One input shard of a plan, as a task finds it in storage. */
export interface PlanInput {
  /** The catalog's shard id: the source key the output is registered under. */
  sourceKey: string;
  /** Storage key of the shard's bytes (content-addressed by sha256). */
  key: string;
  sha256: string;
  rows: number;
  /** Output name prefix, the same the local runner would use, so both runs name their shards alike. */
  outputPrefix: string;
}

/** What the coordinator hands the tasks: the stage, its options and which inputs each task index processes. */
export interface TaskPlan {
  format: 1;
  planId: string;
  /** Storage root URI; every key below is relative to it. */
  storage: string;
  stage: string;
  configHash: string;
  runId: number;
  stageRef: StageRef;
  options: unknown;
  inputs: PlanInput[];
  /** For each task index, the positions in `inputs` it processes. */
  tasks: number[][];
  createdAt: string;
}

/** The input at position `i` of a plan, or an error naming the plan that lists no such input (a damaged plan). */
export function planInput(plan: TaskPlan, i: number): PlanInput {
  const input = plan.inputs[i];
  if (!input)
    throw new SoroError(
      `soro: plan ${plan.planId} (${plan.stage}) gives a task input ${i}, but lists ${plan.inputs.length} inputs`,
      "the plan in storage is damaged: submit the stage again with `soro run`",
      5,
    );
  return input;
}

/** One output file of a task, uploaded to storage. */
export interface ResultFile {
  name: string;
  key: string;
  rows: number;
  bytes: number;
  chars: number;
  sha256: string;
  columns: string[];
}

/** The manifest a task writes, last and atomically, once an input's outputs are all in storage. */
export interface TaskResult {
  format: 1;
  planId: string;
  sourceKey: string;
  taskIndex: number;
  /** Distinguishes retries and racing copies of the same task; their outputs never overwrite each other. */
  attempt: string;
  host: string;
  files: ResultFile[];
  stats: InputStats;
  quarantine: QuarantineEntry[];
  seconds: number;
  finishedAt: string;
}

/** Storage key of a shard's bytes, by content: an input uploaded once serves every plan and every published stage. */
export function objectKey(sha256: string): string {
  return `objects/${sha256}.parquet`;
}

/** Storage folder of one stage configuration: its plans, outputs and results. */
export function stageFolder(stage: string, configHash: string): string {
  return `stages/${stage}/${configHash}`;
}

/** Storage key of a plan. */
export function planKey(stage: string, configHash: string, planId: string): string {
  return `${stageFolder(stage, configHash)}/plans/${planId}.json`;
}

/** Storage folder of the result manifests of one stage configuration. */
export function resultsFolder(stage: string, configHash: string): string {
  return `${stageFolder(stage, configHash)}/results/`;
}

/** Storage key of the result manifest for one input: one per input, whichever plan or attempt produced it. */
export function resultKey(stage: string, configHash: string, sourceKey: string): string {
  return `${resultsFolder(stage, configHash)}${encodeURIComponent(sourceKey)}.json`;
}

/** Storage key of an output file written by one attempt. */
export function outputKey(stage: string, configHash: string, attempt: string, name: string): string {
  return `${stageFolder(stage, configHash)}/out/${attempt}/${name}`;
}

/** The input source keys that already have a result manifest in storage. */
export async function finishedSourceKeys(
  storage: Storage,
  stage: string,
  configHash: string,
): Promise<Set<string>> {
  const prefix = resultsFolder(stage, configHash);
  const keys = await storage.list(prefix);
  return new Set(
    keys
      .filter((k) => k.endsWith(".json"))
      .map((k) => decodeURIComponent(k.slice(prefix.length, -".json".length))),
  );
}

/**
 * Splits inputs into at most `n` tasks of about equal rows (largest first onto the lightest task), so one big
 * shard does not leave the other tasks idle. Deterministic: the same inputs give the same split.
 */
export function splitIntoTasks(inputs: Array<{ rows: number }>, n: number): number[][] {
  const count = Math.max(1, Math.min(n, inputs.length));
  const tasks = Array.from({ length: count }, () => ({ rows: 0, items: [] as number[] }));
  const order = inputs.map(({ rows }, i) => ({ rows, i })).sort((a, b) => b.rows - a.rows || a.i - b.i);
  for (const { rows, i } of order) {
    const lightest = tasks.reduce((min, t) => (t.rows < min.rows ? t : min));
    lightest.items.push(i);
    lightest.rows += rows;
  }
  return tasks.map((t) => t.items.sort((a, b) => a - b));
}
