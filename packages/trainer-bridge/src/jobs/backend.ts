import { readFile } from "node:fs/promises";
import type { JobSpec } from "./spec.js";

/** A job's life: submitted, then pending/running as the scheduler says, then one of the three final states. */
export const JOB_STATES = [
  "submitted",
  "pending",
  "running",
  "completed",
  "failed",
  "cancelled",
  "unknown",
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States a job never leaves. */
export function isFinal(state: JobState): boolean {
  return state === "completed" || state === "failed" || state === "cancelled";
}

/** What a backend needs to render and submit one job. */
export interface JobContext {
  jobId: string;
  /** Folder of the job's config, rendered artefacts, logs and exit code (shared with the nodes). */
  jobDir: string;
  configPath: string;
  spec: JobSpec;
  /** Where the payloads are on the machines that run them. */
  payloadDir: string;
}

/** One rendered file of a job: written into the job folder at submission, printed verbatim by `plan`. */
export interface Artefact {
  name: string;
  text: string;
}

/** A job as the catalog holds it, as far as backends care. */
export interface JobHandle {
  jobId: string;
  jobDir: string;
  schedulerId: string | null;
  spec: JobSpec;
}

/** What a backend says about a job now. */
export interface Observed {
  state: JobState;
  exitCode?: number | null;
  detail?: string;
}

/** A scheduler: renders a job, submits it, observes it, reads its log and cancels it. */
export interface JobBackend {
  readonly name: string;
  render(ctx: JobContext): Artefact[];
  /** Submits the rendered job; returns the scheduler's id for it. */
  submit(ctx: JobContext, artefacts: Artefact[]): Promise<string>;
  observe(job: JobHandle): Promise<Observed>;
  /** The job's log (all of it; callers take the tail). */
  logs(job: JobHandle): Promise<string>;
  cancel(job: JobHandle): Promise<void>;
}

/** The exit code a job script wrote on finishing, or null while it has not. */
export async function readExitCode(jobDir: string): Promise<number | null> {
  try {
    const text = (await readFile(`${jobDir}/exit_code`, "utf8")).trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** The last `lines` lines of a log. */
export function tail(text: string, lines = 20): string {
  const all = text.replace(/\n$/, "").split("\n");
  return all.slice(-lines).join("\n");
}
