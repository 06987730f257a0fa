import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  fileSha256,
  loadStageDefinition,
  outputPrefix,
  type ShardRecord,
  SoroError,
  type StageDefinition,
  type StageRef,
  StageRun,
  type StageRunSpec,
  stageConfigHash,
  stageInputs,
} from "@soro/core";
import type { Backend } from "./backends/backend.js";
import {
  finishedSourceKeys,
  objectKey,
  type PlanInput,
  planInput,
  planKey,
  resultKey,
  splitIntoTasks,
  stageFolder,
  type TaskPlan,
  type TaskResult,
} from "./plan.js";
import { type PublishedStage, publishedKey } from "./publish.js";
import { joinUri, openStorage, type Storage } from "./storage/storage.js";

/** The scale package's own catalog table: one row per submitted plan (written by the coordinator only). */
const MIGRATIONS = [
  `CREATE TABLE scale_plans (
     plan_id VARCHAR PRIMARY KEY, stage VARCHAR, config_hash VARCHAR, run_id BIGINT, storage VARCHAR,
     plan_uri VARCHAR, backend VARCHAR, job_id VARCHAR, tasks INTEGER, inputs INTEGER,
     status VARCHAR, created_at TIMESTAMP DEFAULT current_timestamp)`,
];

/** A submitted plan as the catalog records it. */
export interface PlanRecord {
  plan_id: string;
  stage: string;
  config_hash: string;
  run_id: number;
  storage: string;
  plan_uri: string;
  backend: string;
  job_id: string | null;
  tasks: number;
  inputs: number;
  status: "open" | "collected";
}

/** Creates the scale tables in a catalog when missing. */
export async function ensureScaleTables(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("scale", MIGRATIONS);
}

/** A cluster stage's run: its tasks outlive the process that submits them, and `collect` finishes it. */
function clusterRun(stage: string, configHash: string, config: unknown): StageRunSpec {
  return { stage, configHash, config, outputs: "replace", detached: true };
}

/** Plans not yet collected, optionally of one stage. */
export async function openPlans(catalog: Catalog, stage?: string): Promise<PlanRecord[]> {
  await ensureScaleTables(catalog);
  return (await catalog.rows(
    `SELECT * FROM scale_plans WHERE status = 'open' AND ($1 IS NULL OR stage = $1) ORDER BY created_at, plan_id`,
    [stage ?? null],
  )) as unknown as PlanRecord[];
}

/** What `collect` registered. */
export interface CollectSummary {
  stage: string;
  configHash: string;
  registered: number;
  /** Results whose input was already registered (a retried or racing task): skipped, never registered twice. */
  duplicates: number;
  /** Active inputs still without a registered result. */
  missing: number;
  activated: boolean;
  /** Output files of killed or losing task copies deleted from storage after activation. */
  removedOutputs: number;
}

/**
 * Registers every finished task result of the open plans exactly once: downloads the files a result names, checks
 * their sha256 and commits them as the shards of that input (one transaction per input, idempotent per input).
 * When every active input of the stage is registered, activates the run. Only the coordinator calls this.
 */
export async function collect(catalog: Catalog, opts: { stage?: string } = {}): Promise<CollectSummary[]> {
  const plans = await openPlans(catalog, opts.stage);
  const groups = new Map<string, PlanRecord[]>();
  for (const p of plans) {
    const k = `${p.stage}\u0000${p.config_hash}\u0000${p.storage}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  const out: CollectSummary[] = [];
  for (const group of groups.values()) out.push(await collectGroup(catalog, group));
  return out;
}

async function collectGroup(catalog: Catalog, plans: PlanRecord[]): Promise<CollectSummary> {
  const [first] = plans;
  const last = plans.at(-1);
  if (!first || !last) throw new Error("soro collect: a group of no plans (a bug: report it)");
  const { stage, config_hash: hash } = first;
  const storage = openStorage(first.storage);
  const latest = await storage.getJson<TaskPlan>(planKey(stage, hash, last.plan_id));
  if (!latest)
    throw new SoroError(`soro collect: plan ${last.plan_uri} is missing`, "check the storage location", 5);
  const def = await loadStageDefinition(latest.stageRef);
  const runOf = new Map(plans.map((p) => [p.plan_id, Number(p.run_id)]));
  const active = new Set((await catalog.activeShards(def.inputs)).map((s) => s.shard_id));
  const run = await StageRun.attach(
    catalog,
    clusterRun(stage, hash, latest.options),
    plans.map((p) => Number(p.run_id)),
  );
  const done = run.done;
  const summary: CollectSummary = {
    stage,
    configHash: hash,
    registered: 0,
    duplicates: 0,
    missing: 0,
    activated: false,
    removedOutputs: 0,
  };
  const tmp = path.join(catalog.ws.tmpDir, `collect-${stage}-${hash.slice(0, 8)}`);
  try {
    for (const sourceKey of await finishedSourceKeys(storage, stage, hash)) {
      if (!active.has(sourceKey)) continue;
      if (done.has(sourceKey)) {
        summary.duplicates++;
        continue;
      }
      const result = await storage.getJson<TaskResult>(resultKey(stage, hash, sourceKey));
      if (!result) continue;
      await registerResult(run, storage, result, {
        runId: runOf.get(result.planId) ?? run.runId,
        tmp,
      });
      summary.registered++;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  summary.missing = [...active].filter((k) => !done.has(k)).length;
  if (summary.missing === 0) {
    await run.finish();
    for (const p of plans)
      await catalog.conn.run(`UPDATE scale_plans SET status = 'collected' WHERE plan_id = $1`, [p.plan_id]);
    summary.activated = true;
    const referenced = await publishFromResults(storage, stage, hash, [...active]);
    summary.removedOutputs = await removeUnreferencedOutputs(storage, stage, hash, referenced);
  }
  return summary;
}

/**
 * Deletes output files no result names: the partial uploads of killed tasks and the losing copy of a race. Only
 * after activation, when every input has its result; a copy still running later leaves its files behind.
 */
async function removeUnreferencedOutputs(
  storage: Storage,
  stage: string,
  hash: string,
  referenced: Set<string> | null,
): Promise<number> {
  if (!referenced) return 0;
  let removed = 0;
  for (const key of await storage.list(`${stageFolder(stage, hash)}/out/`)) {
    if (referenced.has(key)) continue;
    await storage.remove(key);
    removed++;
  }
  return removed;
}

/**
 * Publishes an activated stage straight from its task results (their files are already in storage), so a later
 * `pullStage` or a distributed engine finds it without a second upload. Skipped when some input was run locally. Returns the
 * storage keys it names, or null when it skipped.
 */
async function publishFromResults(
  storage: Storage,
  stage: string,
  hash: string,
  inputs: string[],
): Promise<Set<string> | null> {
  const shards: PublishedStage["shards"] = [];
  for (const sourceKey of inputs.sort()) {
    const result = await storage.getJson<TaskResult>(resultKey(stage, hash, sourceKey));
    if (!result) return null;
    for (const f of result.files)
      shards.push({ name: f.name, key: f.key, sha256: f.sha256, rows: f.rows, bytes: f.bytes });
  }
  await storage.putJson(publishedKey(stage), {
    format: 1,
    stage,
    configHash: hash,
    shards,
    publishedAt: new Date().toISOString(),
  } satisfies PublishedStage);
  return new Set(shards.map((s) => s.key));
}

/** Downloads and verifies one result's files, then commits them and the input's quarantine. */
async function registerResult(
  run: StageRun,
  storage: Storage,
  result: TaskResult,
  ctx: { runId: number; tmp: string },
): Promise<void> {
  const files = [];
  for (const f of result.files) {
    const local = path.join(ctx.tmp, result.attempt, f.name);
    await mkdir(path.dirname(local), { recursive: true });
    await storage.getFile(f.key, local);
    const sha = await fileSha256(local);
    if (sha !== f.sha256)
      throw new SoroError(
        `soro collect: ${f.key} in ${storage.uri} has sha256 ${sha}, expected ${f.sha256}`,
        `delete the result ${resultKey(run.spec.stage, run.spec.configHash, result.sourceKey)} and rerun; that input is then redone`,
        5,
      );
    files.push({ ...f, tmpPath: local });
  }
  await run.commit({ sourceKey: result.sourceKey, runId: ctx.runId, files, stats: result.stats });
  await run.quarantine(result.quarantine.map((q) => ({ ...q, runId: ctx.runId })));
}

/** How to submit a stage to a cluster. */
export interface SubmitOptions {
  catalog: Catalog;
  stage: StageRef;
  options?: unknown;
  /** Storage root shared with the tasks: a folder every node mounts, or s3://bucket/prefix. */
  storage: string;
  backend: Backend;
  /** Tasks to split the pending inputs into. */
  tasks: number;
  /** Command that runs one task (see SubmitRequest.taskCommand). */
  taskCommand: string[];
  /** Working folder of the tasks (default: this process's). */
  cwd?: string;
  /** Job scripts, manifests and task logs (default: the workspace's `logs/scale`). */
  logDir?: string;
}

/** What a submission did. */
export interface SubmitSummary {
  stage: string;
  configHash: string;
  plan: PlanRecord | null;
  /** Inputs registered before this submission (by this or an earlier run). */
  alreadyDone: number;
  /** Inputs left out because a task of an earlier plan is still pending or running on them. */
  inFlight: number;
  /** Inputs this submission's tasks process. */
  submitted: number;
  collected: CollectSummary[];
}

/** Inputs of open plans whose tasks the scheduler still has pending or running: they are not submitted again. */
async function inFlightInputs(plans: PlanRecord[], backend: Backend, storage: Storage): Promise<Set<string>> {
  const busy = new Set<string>();
  for (const p of plans) {
    if (p.backend !== backend.name || !p.job_id) continue;
    const states = await backend.states(p.job_id, p.tasks);
    const plan = await storage.getJson<TaskPlan>(planKey(p.stage, p.config_hash, p.plan_id));
    if (!plan) continue;
    for (const [index, state] of states) {
      if (state !== "pending" && state !== "running") continue;
      for (const i of plan.tasks[index] ?? []) busy.add(planInput(plan, i).sourceKey);
    }
  }
  return busy;
}

/**
 * Plans and submits a stage as cluster tasks: registers what finished earlier, then splits the inputs that are
 * neither registered nor in flight into `tasks` slices, uploads those input shards to storage (once, by content),
 * writes the plan and submits it. A rerun after a failed or killed task submits only what is missing.
 */
export async function submitStage(opts: SubmitOptions): Promise<SubmitSummary> {
  const { catalog } = opts;
  await ensureScaleTables(catalog);
  const def = await loadStageDefinition(opts.stage);
  const hash = stageConfigHash(def, opts.options);
  const collected = await collect(catalog, { stage: def.name });
  const inputs = await stageInputs(catalog, def);
  const storage = openStorage(opts.storage);
  const run = await StageRun.open(catalog, clusterRun(def.name, hash, opts.options ?? null));
  const done = run.done;
  const open = (await openPlans(catalog, def.name)).filter((p) => p.config_hash === hash);
  const busy = await inFlightInputs(open, opts.backend, storage);
  const pending = inputs.filter((s) => !done.has(s.shard_id) && !busy.has(s.shard_id));
  const summary: SubmitSummary = {
    stage: def.name,
    configHash: hash,
    plan: null,
    alreadyDone: inputs.filter((s) => done.has(s.shard_id)).length,
    inFlight: inputs.filter((s) => busy.has(s.shard_id)).length,
    submitted: pending.length,
    collected,
  };
  if (pending.length === 0) return summary;
  const planInputs: PlanInput[] = [];
  for (const s of pending) planInputs.push(await stageInput(catalog, storage, def, hash, s));
  const runId = await run.begin(0);
  const planId = `${def.name}-${hash.slice(0, 8)}-r${runId}`;
  const plan: TaskPlan = {
    format: 1,
    planId,
    storage: storage.uri,
    stage: def.name,
    configHash: hash,
    runId,
    stageRef: opts.stage,
    options: opts.options ?? null,
    inputs: planInputs,
    tasks: splitIntoTasks(planInputs, opts.tasks),
    createdAt: new Date().toISOString(),
  };
  const key = planKey(def.name, hash, planId);
  await storage.putJson(key, plan);
  const planUri = joinUri(storage.uri, key);
  await catalog.conn.run(
    `INSERT INTO scale_plans (plan_id, stage, config_hash, run_id, storage, plan_uri, backend, job_id, tasks, inputs, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, 'open')`,
    [
      planId,
      def.name,
      hash,
      runId,
      storage.uri,
      planUri,
      opts.backend.name,
      plan.tasks.length,
      planInputs.length,
    ],
  );
  let jobId: string;
  try {
    jobId = await opts.backend.submit({
      name: `soro-${planId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-"),
      planUri,
      tasks: plan.tasks.length,
      taskCommand: opts.taskCommand,
      cwd: opts.cwd ?? process.cwd(),
      logDir: opts.logDir ?? path.join(catalog.ws.dir, "logs", "scale"),
    });
  } catch (err) {
    await catalog.conn.run(`DELETE FROM scale_plans WHERE plan_id = $1`, [planId]);
    await run.finish(err as Error);
    throw err;
  }
  await catalog.conn.run(`UPDATE scale_plans SET job_id = $1 WHERE plan_id = $2`, [jobId, planId]);
  summary.plan = (await openPlans(catalog, def.name)).find((p) => p.plan_id === planId) ?? null;
  return summary;
}

/** Uploads one input shard to storage unless a copy with the same content is already there. */
async function stageInput(
  catalog: Catalog,
  storage: Storage,
  def: StageDefinition,
  hash: string,
  shard: ShardRecord,
): Promise<PlanInput> {
  const key = objectKey(shard.sha256);
  if (!(await storage.exists(key))) await storage.putFile(key, catalog.shardPath(shard));
  return {
    sourceKey: shard.shard_id,
    key,
    sha256: shard.sha256,
    rows: Number(shard.rows),
    outputPrefix: outputPrefix(def, hash, shard),
  };
}
