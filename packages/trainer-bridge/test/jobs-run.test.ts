import { execFileSync } from "node:child_process";
import { appendFile } from "node:fs/promises";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { startKubeApi } from "@soro/scale/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { K8sJobs } from "../src/jobs/k8s.js";
import { planJob } from "../src/jobs/plan.js";
import { cancelJob, jobLogs, submitJob, waitForJobs } from "../src/jobs/run.js";
import { listJobs } from "../src/jobs/store.js";
import { loadTokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";
import { jobExports } from "./jobs-fixtures.js";

let catalog: Catalog;
let exports: { megatron: string; sft: string };
const PY = "/usr/bin/python3";
const START_SLURM = path.join(import.meta.dirname, "../../scale/scripts/start-slurm.sh");

function slurmUp(): boolean {
  try {
    execFileSync("bash", [START_SLURM], { stdio: "pipe", timeout: 90_000 });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  ({ catalog } = await tajikWorkspace());
  exports = await jobExports(catalog, loadTokenizer());
}, 90_000);
afterAll(() => catalog.close());

describe("local backend", () => {
  it("runs the data check of each export to completed, its report in the log", async () => {
    for (const [kind, dir] of [
      ["cpt", exports.megatron],
      ["quantize-int4", exports.sft],
    ] as const) {
      const plan = await planJob(catalog, {
        kind,
        exportDir: dir,
        dataCheck: true,
        python: PY,
        modelPath: "/ckpt",
      });
      const job = (await submitJob(catalog, plan))!;
      const [done] = await waitForJobs(catalog, [job.jobId], { pollMs: 100, timeoutMs: 30_000 });
      const log = await jobLogs(done!);
      expect(done!.state, log).toBe("completed");
      const report = JSON.parse(log.split("\n").find((l) => l.startsWith('{"job_id"'))!);
      expect(report).toMatchObject({ ok: true, problems: [] });
      expect(report.counted.docs).toBe(report.manifest.docs);
      if (kind === "cpt") expect(report.counted.tokens).toBe(report.manifest.tokens);
      else expect(report.counted.calibration_samples).toBe(6);
    }
  }, 60_000);
});

describe.skipIf(!slurmUp())("slurm backend (one-node cluster)", () => {
  it("follows a data-check job to COMPLETED through sbatch/squeue", async () => {
    const plan = await planJob(catalog, {
      kind: "cpt",
      exportDir: exports.megatron,
      backend: "slurm",
      dataCheck: true,
      python: PY,
    });
    const job = (await submitJob(catalog, plan))!;
    expect(job.schedulerId).toMatch(/^\d+$/);
    const [done] = await waitForJobs(catalog, [job.jobId], { pollMs: 500, timeoutMs: 60_000 });
    expect(done!.state, await jobLogs(done!)).toBe("completed");
    expect(done!.exitCode).toBe(0);
    expect(await jobLogs(done!)).toContain('"ok": true');
  }, 90_000);

  it("reports a failing job as failed with its log tail, and cancels a pending one", async () => {
    // A second export whose file no longer matches its manifest: the data check must fail on the node.
    const bad = await planJob(catalog, {
      kind: "cpt",
      exportDir: exports.megatron,
      backend: "slurm",
      dataCheck: true,
      python: PY,
      maxSteps: 1,
    });
    bad.inputs.problems = [];
    const job = (await submitJob(catalog, bad))!;
    const bin = path.join(exports.megatron, "megatron/tg_web_text_document.bin");
    await appendFile(bin, Buffer.alloc(4));
    try {
      const [done] = await waitForJobs(catalog, [job.jobId], { pollMs: 500, timeoutMs: 60_000 });
      expect(done!.state).toBe("failed");
      expect(done!.exitCode).toBe(1);
      expect(done!.detail).toContain("data check: megatron/tg_web_text_document.bin");
    } finally {
      execFileSync("truncate", ["-s", "-4", bin]);
    }
    const later = await planJob(catalog, {
      kind: "cpt",
      exportDir: exports.megatron,
      backend: "slurm",
      dataCheck: true,
      python: PY,
      sbatchArgs: ["--begin=now+1hour"],
    });
    const pending = (await submitJob(catalog, later))!;
    const [seen] = await waitForJobs(catalog, [pending.jobId], { timeoutMs: 0 });
    expect(seen!.state).toBe("pending");
    const cancelled = await cancelJob(catalog, seen!);
    expect(cancelled.state).toBe("cancelled");
    const state = execFileSync("scontrol", ["show", "job", "-o", pending.schedulerId!]).toString();
    expect(state).toContain("JobState=CANCELLED");
    expect((await listJobs(catalog)).length).toBeGreaterThanOrEqual(3);
  }, 120_000);
});

describe("k8s backend", () => {
  it("creates the Service and Indexed Job through the API with server-side dry run, recording nothing", async () => {
    const api = await startKubeApi();
    try {
      const k8s = new K8sJobs({ server: api.server, dryRun: true });
      const before = (await listJobs(catalog)).length;
      const plan = await planJob(
        catalog,
        { kind: "cpt", exportDir: exports.megatron, backend: "k8s", k8s: { namespace: "train" } },
        { k8s },
      );
      expect(await submitJob(catalog, plan, { k8s }, { dryRun: true })).toBeNull();
      expect(api.requests.map((s) => `${s.method} ${s.url}`)).toEqual([
        "POST /api/v1/namespaces/train/services?dryRun=All",
        "POST /apis/batch/v1/namespaces/train/jobs?dryRun=All",
      ]);
      expect(api.requests[1]?.body).toMatchObject({ kind: "Job", spec: { completionMode: "Indexed" } });
      expect((await listJobs(catalog)).length).toBe(before);
      const tj = await planJob(
        catalog,
        {
          kind: "cpt",
          exportDir: exports.megatron,
          backend: "k8s",
          k8s: { namespace: "train", flavour: "trainjob" },
        },
        { k8s },
      );
      await submitJob(catalog, tj, { k8s }, { dryRun: true });
      expect(api.requests[2]?.url).toBe(
        "/apis/trainer.kubeflow.org/v1alpha1/namespaces/train/trainjobs?dryRun=All",
      );
      expect(api.requests[2]?.body).toMatchObject({ kind: "TrainJob" });
    } finally {
      await api.close();
    }
  });

  it("submits, follows the Job's conditions, reads its pods' logs and cancels it", async () => {
    const api = await startKubeApi();
    const JOBS = "/apis/batch/v1/namespaces/train/jobs";
    try {
      const k8s = new K8sJobs({ server: api.server });
      const plan = await planJob(
        catalog,
        { kind: "cpt", exportDir: exports.megatron, backend: "k8s", k8s: { namespace: "train" } },
        { k8s },
      );
      const job = await submitJob(catalog, plan, { k8s });
      if (!job?.schedulerId) throw new Error("the job was not submitted");
      const name = job.schedulerId;
      expect(api.get(JOBS, name)?.kind).toBe("Job");
      expect(api.get("/api/v1/namespaces/train/services", name)?.kind).toBe("Service");
      expect(await k8s.observe(job)).toEqual({ state: "pending" });
      api.put("/api/v1/namespaces/train/pods", {
        metadata: { name: `${name}-0`, labels: { "job-name": name } },
        status: { phase: "Running" },
      });
      const created = api.get(JOBS, name);
      if (!created) throw new Error("the Job is missing");
      created.status = { active: 1 };
      expect(await k8s.observe(job)).toEqual({ state: "running" });
      expect(await jobLogs(job, { k8s })).toBe(`==> ${name}-0 <==\nlog of ${name}-0\n`);
      created.status = { conditions: [{ type: "Failed", status: "True", message: "BackoffLimitExceeded" }] };
      expect(await k8s.observe(job)).toEqual({ state: "failed", detail: "BackoffLimitExceeded" });
      const cancelled = await cancelJob(catalog, job, { k8s });
      expect(cancelled.state).toBe("cancelled");
      expect(api.get(JOBS, name)).toBeUndefined();
      expect(api.get("/api/v1/namespaces/train/services", name)).toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
