import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, UsageError } from "@soro/core";
import { isFinal, type JobBackend, type JobContext, tail } from "./backend.js";
import type { K8sJobs } from "./k8s.js";
import { imagePayloadDir } from "./k8s-manifest.js";
import { PAYLOAD_DIR } from "./launch.js";
import { backendFor, type JobPlan } from "./plan.js";
import { ensureJobTables, insertJob, type JobRecord, listJobs, updateJobState } from "./store.js";

/** Backends the caller connected (a k8s client with its cluster and dry-run choice); others are made as needed. */
export interface Backends {
  k8s?: K8sJobs;
}

function contextOf(plan: JobPlan): JobContext {
  const ctx: JobContext = {
    jobId: plan.jobId,
    jobDir: plan.jobDir,
    configPath: plan.configPath,
    spec: plan.spec,
    payloadDir: PAYLOAD_DIR,
  };
  return plan.spec.backend === "k8s" ? { ...ctx, payloadDir: imagePayloadDir(ctx) } : ctx;
}

/** Writes a plan's artefacts (job.json, then the backend's scripts and manifests) into its job folder. */
export async function writeJobFolder(plan: JobPlan): Promise<void> {
  await mkdir(plan.jobDir, { recursive: true });
  for (const a of plan.artefacts) await writeFile(path.join(plan.jobDir, a.name), a.text, { mode: 0o755 });
}

/**
 * Writes a plan's artefacts into its job folder, submits it and records the job in the catalog. A Kubernetes dry
 * run goes to the API server but records nothing (the server persisted nothing either).
 */
export async function submitJob(
  catalog: Catalog,
  plan: JobPlan,
  backends: Backends = {},
  opts: { dryRun?: boolean } = {},
): Promise<JobRecord | null> {
  if (plan.inputs.problems.length > 0) {
    throw new UsageError(
      `soro train: the export ${plan.inputs.exportDir} differs from its manifest (${plan.inputs.problems[0]})`,
      "re-export it; a job reads exactly what its manifest lists",
    );
  }
  await writeJobFolder(plan);
  const backend = backendFor(plan.spec, backends.k8s);
  const schedulerId = await backend.submit(contextOf(plan), plan.artefacts);
  if (opts.dryRun) return null;
  await ensureJobTables(catalog);
  const record = {
    jobId: plan.jobId,
    kind: plan.spec.kind,
    backend: plan.spec.backend,
    schedulerId,
    state: "submitted" as const,
    exportDir: plan.inputs.exportDir,
    manifestSha256: plan.inputs.manifestSha256,
    jobDir: plan.jobDir,
    configHash: plan.configHash,
    spec: plan.spec,
    tokensPerStep: plan.tokensPerStep,
    steps: plan.steps,
    gpuHours: plan.gpuHours,
  };
  await insertJob(catalog, record);
  return getJob(catalog, plan.jobId);
}

/** One job by id or unique id prefix, or an error naming it. */
export async function getJob(catalog: Catalog, id: string): Promise<JobRecord> {
  const found = await listJobs(catalog, id);
  const exact = found.find((j) => j.jobId === id);
  if (exact) return exact;
  const [only] = found;
  if (only && found.length === 1) return only;
  throw new UsageError(
    found.length === 0 ? `soro train: no job ${id}` : `soro train: ${id} names ${found.length} jobs`,
    "see `soro train status` for the job ids",
  );
}

/** Asks the job's scheduler for its state and records it; a failed job's detail carries its log tail. */
export async function refreshJob(
  catalog: Catalog,
  job: JobRecord,
  backends: Backends = {},
): Promise<JobRecord> {
  if (isFinal(job.state)) return job;
  const backend: JobBackend = backendFor(job.spec, backends.k8s);
  const seen = await backend.observe(job);
  let detail = seen.detail ?? null;
  if (seen.state === "failed") {
    const log = tail(await backend.logs(job).catch(() => ""), 20);
    detail = [detail, log].filter(Boolean).join("\n") || null;
  }
  await updateJobState(catalog, job.jobId, seen.state, seen.exitCode ?? null, detail);
  return getJob(catalog, job.jobId);
}

/** Refreshes jobs until every one is final (or the timeout passes), returning their last records. */
export async function waitForJobs(
  catalog: Catalog,
  ids: string[],
  opts: { pollMs?: number; timeoutMs?: number; backends?: Backends } = {},
): Promise<JobRecord[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const jobs = await Promise.all(
      ids.map(async (id) => refreshJob(catalog, await getJob(catalog, id), opts.backends)),
    );
    if (jobs.every((j) => isFinal(j.state)) || Date.now() > deadline) return jobs;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
  }
}

/** The job's log as its backend keeps it. */
export async function jobLogs(job: JobRecord, backends: Backends = {}): Promise<string> {
  return backendFor(job.spec, backends.k8s).logs(job);
}

/** Cancels a job that has not finished and records it as cancelled. */
export async function cancelJob(
  catalog: Catalog,
  job: JobRecord,
  backends: Backends = {},
): Promise<JobRecord> {
  if (isFinal(job.state)) {
    throw new UsageError(`soro train: job ${job.jobId} is already ${job.state}`, "nothing to cancel");
  }
  await backendFor(job.spec, backends.k8s).cancel(job);
  await updateJobState(catalog, job.jobId, "cancelled", null, "cancelled by soro train cancel");
  return getJob(catalog, job.jobId);
}
