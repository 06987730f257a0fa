import type { Catalog } from "@soro/core";
import type { JobHandle, JobState } from "./backend.js";
import type { BackendName, JobKind, JobSpec } from "./spec.js";

/** Tables of the GPU jobs (their own migration key, beside part 1's `trainer_bridge`): jobs and every state change. */
const JOB_MIGRATIONS = [
  `
  CREATE TABLE trainer_bridge_jobs (
    job_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    backend VARCHAR NOT NULL,
    scheduler_id VARCHAR,
    state VARCHAR NOT NULL,
    export_dir VARCHAR NOT NULL,
    manifest_sha256 VARCHAR,
    job_dir VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    spec JSON NOT NULL,
    tokens_per_step BIGINT,
    steps BIGINT,
    gpu_hours DOUBLE,
    exit_code INTEGER,
    detail VARCHAR,
    submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE trainer_bridge_job_events (
    job_id VARCHAR NOT NULL,
    event_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    state VARCHAR NOT NULL,
    detail VARCHAR
  );
  `,
];

/** Creates or migrates the job tables. */
export async function ensureJobTables(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("trainer-bridge-jobs", JOB_MIGRATIONS);
}

/** Whether the job tables exist (a plan reads them without creating anything). */
export async function jobTablesExist(catalog: Catalog): Promise<boolean> {
  const r = await catalog.rows(
    `SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE table_name = 'trainer_bridge_jobs'`,
  );
  return Number(r[0]?.n) > 0;
}

/** A job row of the catalog. */
export interface JobRecord extends JobHandle {
  kind: JobKind;
  backend: BackendName;
  state: JobState;
  exportDir: string;
  manifestSha256: string | null;
  configHash: string;
  tokensPerStep: number | null;
  steps: number | null;
  gpuHours: number | null;
  exitCode: number | null;
  detail: string | null;
  submittedAt: string;
  updatedAt: string;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

function toRecord(r: Record<string, unknown>): JobRecord {
  return {
    jobId: String(r.job_id),
    kind: r.kind as JobKind,
    backend: r.backend as BackendName,
    schedulerId: r.scheduler_id === null ? null : String(r.scheduler_id),
    state: r.state as JobState,
    exportDir: String(r.export_dir),
    manifestSha256: r.manifest_sha256 === null ? null : String(r.manifest_sha256),
    jobDir: String(r.job_dir),
    configHash: String(r.config_hash),
    spec: JSON.parse(String(r.spec)) as JobSpec,
    tokensPerStep: num(r.tokens_per_step),
    steps: num(r.steps),
    gpuHours: num(r.gpu_hours),
    exitCode: num(r.exit_code),
    detail: r.detail === null ? null : String(r.detail),
    submittedAt: String(r.submitted_at),
    updatedAt: String(r.updated_at),
  };
}

/** Records a submitted job and its first event. */
export async function insertJob(
  catalog: Catalog,
  job: Omit<JobRecord, "submittedAt" | "updatedAt" | "exitCode" | "detail">,
): Promise<void> {
  await ensureJobTables(catalog);
  await catalog.transaction(async () => {
    await catalog.conn.run(
      `INSERT INTO trainer_bridge_jobs (job_id, kind, backend, scheduler_id, state, export_dir, manifest_sha256, job_dir,
         config_hash, spec, tokens_per_step, steps, gpu_hours)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        job.jobId,
        job.kind,
        job.backend,
        job.schedulerId,
        job.state,
        job.exportDir,
        job.manifestSha256,
        job.jobDir,
        job.configHash,
        JSON.stringify(job.spec),
        job.tokensPerStep,
        job.steps,
        job.gpuHours,
      ],
    );
    await catalog.conn.run(
      `INSERT INTO trainer_bridge_job_events (job_id, state, detail) VALUES ($1, $2, $3)`,
      [job.jobId, job.state, `${job.backend} ${job.schedulerId ?? ""}`.trim()],
    );
  });
}

/** Records a job's new state (and an event when it changed). */
export async function updateJobState(
  catalog: Catalog,
  jobId: string,
  state: JobState,
  exitCode: number | null,
  detail: string | null,
): Promise<void> {
  await catalog.transaction(async () => {
    await catalog.conn.run(
      `INSERT INTO trainer_bridge_job_events (job_id, state, detail)
       SELECT $1, $2, $3 WHERE (SELECT state FROM trainer_bridge_jobs WHERE job_id = $1) IS DISTINCT FROM $2`,
      [jobId, state, detail],
    );
    await catalog.conn.run(
      `UPDATE trainer_bridge_jobs SET state = $2, exit_code = coalesce($3, exit_code), detail = coalesce($4, detail),
         updated_at = current_timestamp WHERE job_id = $1`,
      [jobId, state, exitCode, detail],
    );
  });
}

/** Jobs, newest first (all, or those whose id starts with a prefix). */
export async function listJobs(catalog: Catalog, prefix = ""): Promise<JobRecord[]> {
  if (!(await jobTablesExist(catalog))) return [];
  const rows = await catalog.rows(
    `SELECT * FROM trainer_bridge_jobs WHERE starts_with(job_id, $1) ORDER BY submitted_at DESC, job_id DESC`,
    [prefix],
  );
  return rows.map(toRecord);
}

/** A job's events, oldest first. */
export async function jobEvents(
  catalog: Catalog,
  jobId: string,
): Promise<Array<{ at: string; state: string; detail: string | null }>> {
  const rows = await catalog.rows(
    `SELECT event_at::VARCHAR AS at, state, detail FROM trainer_bridge_job_events WHERE job_id = $1 ORDER BY event_at, rowid`,
    [jobId],
  );
  return rows.map((r) => ({ at: String(r.at), state: String(r.state), detail: r.detail as string | null }));
}
