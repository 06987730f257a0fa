import { execFileSync } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Catalog, openScratchDb, runStage } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collect,
  finishedSourceKeys,
  openStorage,
  ProcessBackend,
  parquetTableSql,
  pullStage,
  pushStage,
  resultKey,
  runTask,
  SlurmBackend,
  scancel,
  submitStage,
  type TaskPlan,
  taskStatus,
  taskStatusLines,
} from "../src/index.js";
import { startS3 } from "../src/testing.js";
import { LENGTH_STAGE, REPO_ROOT, seedWorkspace, stageRows, TASK_COMMAND, tempDir } from "./helpers.js";

const SHARDS = 3;
const PER_SHARD = 40;
const OPTIONS = { minChars: 40 };

/** Starts the one-node Slurm of scripts/start-slurm.sh; null when it cannot run here (the reason is printed). */
function startSlurm(): string | null {
  try {
    execFileSync("bash", [path.join(import.meta.dirname, "../scripts/start-slurm.sh")], { stdio: "pipe" });
    return null;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return (e.stderr?.toString() || e.message).trim();
  }
}
const slurmProblem = startSlurm();
if (slurmProblem) console.warn(`Slurm tests skipped: ${slurmProblem}`);

let s3: Awaited<ReturnType<typeof startS3>>;
let reference: Record<string, unknown>[];
let referenceDir: string;

/** The exact-hash grouping of the dedup step: the same SQL on any engine that reads Parquet. */
const exactHashSql = (table: string) =>
  `SELECT md5(text) AS h, count(*) AS n, min(id) AS keep, sum(n_words) AS words FROM ${table} GROUP BY h ORDER BY h`;

/** Runs a query on a private DuckDB. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const { instance, conn } = await openScratchDb(await tempDir());
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A seeded workspace and an open catalog on it. */
async function workspace(): Promise<{ dir: string; catalog: Catalog }> {
  const dir = await tempDir();
  await seedWorkspace(dir, SHARDS, PER_SHARD);
  return { dir, catalog: await Catalog.open(dir) };
}

beforeAll(async () => {
  s3 = await startS3();
  const { dir, catalog } = await workspace();
  referenceDir = dir;
  try {
    await runStage({ catalog, stage: LENGTH_STAGE, options: OPTIONS, workers: 0, progress: "quiet" });
  } finally {
    catalog.close();
  }
  reference = await stageRows(dir, "length");
});
afterAll(() => s3?.close());

describe("cluster runs over s3 storage", () => {
  it("local processes: same output as the local run; a retried task and a second collect change nothing", async () => {
    const storage = `${s3.uri}/processes`;
    const { dir, catalog } = await workspace();
    try {
      const backend = new ProcessBackend();
      const s = await submitStage({
        catalog,
        stage: LENGTH_STAGE,
        options: OPTIONS,
        storage,
        backend,
        tasks: 2,
        taskCommand: TASK_COMMAND,
        cwd: REPO_ROOT,
      });
      expect(s.submitted).toBe(SHARDS);
      expect(s.plan?.tasks).toBe(2);
      await backend.wait(s.plan!.job_id!, 2);

      // A retried copy of a finished task finds its results and redoes nothing.
      const store = openStorage(storage);
      const plan = (await store.getJson<TaskPlan>(s.plan!.plan_uri.slice(storage.length + 1)))!;
      expect(await finishedSourceKeys(store, "length", s.configHash)).toHaveLength(SHARDS);
      expect(await runTask({ plan: s.plan!.plan_uri, index: 0 })).toMatchObject({
        processed: 0,
        skipped: plan.tasks[0]!.length,
      });

      const [first] = await collect(catalog);
      expect(first).toMatchObject({ registered: SHARDS, duplicates: 0, missing: 0, activated: true });
      // A second collect (a coordinator restarted after a crash) registers nothing again.
      expect(await collect(catalog)).toEqual([]);
      const again = await submitStage({
        catalog,
        stage: LENGTH_STAGE,
        options: OPTIONS,
        storage,
        backend,
        tasks: 2,
        taskCommand: TASK_COMMAND,
      });
      expect(again).toMatchObject({ plan: null, alreadyDone: SHARDS, submitted: 0 });
      const shards = await catalog.rows(`SELECT count(*) AS n FROM shards WHERE stage = 'length'`);
      expect(shards[0]!.n).toBe(SHARDS);
    } finally {
      catalog.close();
    }
    expect(await stageRows(dir, "length")).toEqual(reference);
    // The global SQL step on one DuckDB node over the shards pulled from s3 (no httpfs) equals it on local shards.
    const pulled = await pullStage(openStorage(storage), "length", await tempDir());
    expect(pulled).toHaveLength(SHARDS);
    const local = await Catalog.open(referenceDir, { readOnly: true });
    const localTable = (await local.stageTableSql("length"))!;
    local.close();
    expect(await query(exactHashSql(parquetTableSql(pulled)))).toEqual(await query(exactHashSql(localTable)));
  });

  it("publishes a locally run stage to s3 and pulls it back intact", async () => {
    const catalog = await Catalog.open(referenceDir);
    const storage = openStorage(`${s3.uri}/published`);
    try {
      const published = await pushStage(catalog, storage, "length");
      expect(published.shards.map((s) => s.rows).reduce((a, b) => a + b)).toBe(reference.length);
      const files = await pullStage(storage, "length", await tempDir());
      expect(await query(exactHashSql(parquetTableSql(files)))).toEqual(
        await query(exactHashSql((await catalog.stageTableSql("length"))!)),
      );
    } finally {
      catalog.close();
    }
  });

  it("two copies of a task racing on the same input are registered once (shared-folder storage)", async () => {
    const { dir, catalog } = await workspace();
    try {
      const storage = await tempDir("soro-shared-");
      // A backend whose "scheduler" runs nothing: the test plays the tasks itself.
      const manual = {
        name: "manual",
        submit: async () => "manual",
        states: async () => new Map(),
        wait: async () => {},
      };
      const s = await submitStage({
        catalog,
        stage: LENGTH_STAGE,
        options: OPTIONS,
        storage,
        backend: manual,
        tasks: 1,
        taskCommand: [],
      });
      const planUri = s.plan!.plan_uri;
      await runTask({ plan: planUri, index: 0 });
      // Forget one input's result: two copies started at once both redo it and both write a result manifest.
      const plan = (await openStorage(storage).getJson<TaskPlan>(planUri.slice(storage.length + 1)))!;
      const lost = plan.inputs[0]!.sourceKey;
      await rm(path.join(storage, resultKey("length", s.configHash, lost)));
      const racing = await Promise.all([0, 0].map((index) => runTask({ plan: planUri, index })));
      expect(racing.map((r) => r.processed)).toEqual([1, 1]);
      const [c] = await collect(catalog);
      // The first run's output for the lost input and the losing racer's copy are deleted; one file per input stays.
      expect(c).toMatchObject({ registered: SHARDS, duplicates: 0, activated: true, removedOutputs: 2 });
      expect(await openStorage(storage).list(`stages/length/${s.configHash}/out/`)).toHaveLength(SHARDS);
      const rows = await catalog.rows(
        `SELECT count(*) AS n FROM shards WHERE stage = 'length' AND source_key = $1`,
        [lost],
      );
      expect(rows[0]!.n).toBe(1);
    } finally {
      catalog.close();
    }
    expect(await stageRows(dir, "length")).toEqual(reference);
  });
});

describe.skipIf(slurmProblem !== null)("one-node Slurm", () => {
  it("runs a 3-task job array; a killed task is resubmitted alone; the result equals the local run", async () => {
    const { dir, catalog } = await workspace();
    try {
      const backend = new SlurmBackend();
      const storage = `${s3.uri}/slurm`;
      // Slow documents so a task can be killed while it works (the output does not depend on the delay).
      const options = { ...OPTIONS, delayMs: 40 };
      const submit = () =>
        submitStage({
          catalog,
          stage: LENGTH_STAGE,
          options,
          storage,
          backend,
          tasks: 3,
          taskCommand: TASK_COMMAND,
          cwd: REPO_ROOT,
        });
      const first = await submit();
      const jobId = first.plan!.job_id!;
      expect(first.plan!.tasks).toBe(3);
      for (let i = 0; i < 600; i++) {
        const state = (await backend.states(jobId, 3)).get(1);
        if (state === "running" || state === "gone") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await scancel(jobId, 1);
      await backend.wait(jobId, 3, 300);

      const [status] = await taskStatus(catalog, { slurm: backend });
      expect(status!.counts).toMatchObject({ done: 2, failed: 1 });
      expect(await taskStatusLines(catalog, { slurm: backend })).toEqual([
        `${first.plan!.plan_id} (slurm job ${jobId}): 2 done, 0 running, 0 pending, 1 failed`,
      ]);
      const [partial] = await collect(catalog);
      expect(partial).toMatchObject({ registered: 2, missing: 1, activated: false });

      const second = await submit();
      expect(second).toMatchObject({ alreadyDone: 2, submitted: 1 });
      expect(second.plan!.tasks).toBe(1);
      await backend.wait(second.plan!.job_id!, 1, 300);
      const [done] = await collect(catalog);
      expect(done).toMatchObject({ registered: 1, missing: 0, activated: true });
    } finally {
      catalog.close();
    }
    expect(await stageRows(dir, "length")).toEqual(reference);
  }, 180_000);
});
