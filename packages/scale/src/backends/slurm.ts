import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { shellQuote } from "@soro/core";
import { type Backend, type SchedulerState, type SubmitRequest, waitUntilGone } from "./backend.js";
import { SlurmClient } from "./slurm-client.js";

const slurm = new SlurmClient("soro run");

/** The sbatch script of a job array: every array task runs `soro run-task` with its own index. */
export function slurmScript(req: SubmitRequest, cpusPerTask: number): string {
  const cmd = [...req.taskCommand, "--plan", req.planUri].map(shellQuote).join(" ");
  return [
    "#!/bin/bash",
    `#SBATCH --job-name=${req.name}`,
    `#SBATCH --array=0-${req.tasks - 1}`,
    `#SBATCH --cpus-per-task=${cpusPerTask}`,
    `#SBATCH --chdir=${req.cwd}`,
    `#SBATCH --output=${path.join(req.logDir, `${req.name}-%A_%a.log`)}`,
    "set -euo pipefail",
    `exec ${cmd} --index "$SLURM_ARRAY_TASK_ID"`,
    "",
  ].join("\n");
}

/** Slurm job arrays through sbatch/squeue (the environment, AWS credentials included, is passed to the tasks). */
export class SlurmBackend implements Backend {
  readonly name = "slurm";

  constructor(private readonly opts: { cpusPerTask?: number; sbatchArgs?: string[] } = {}) {}

  async submit(req: SubmitRequest): Promise<string> {
    await mkdir(req.logDir, { recursive: true });
    const script = path.join(req.logDir, `${req.name}.sbatch`);
    await writeFile(script, slurmScript(req, this.opts.cpusPerTask ?? 1), { mode: 0o755 });
    return slurm.submit(script, this.opts.sbatchArgs ?? []);
  }

  async states(jobId: string, tasks: number): Promise<Map<number, SchedulerState>> {
    const queued = await slurm.queued(jobId, true);
    // Without squeue, or with the controller down, nothing can be said; a task not in the queue is gone.
    const out = new Map<number, SchedulerState>();
    for (let i = 0; i < tasks; i++) out.set(i, queued ? "gone" : "unknown");
    for (const [index, state] of queued ?? [])
      out.set(index, state === "pending" || state === "running" ? state : "gone");
    return out;
  }

  wait(jobId: string, tasks: number, pollMs = 1000): Promise<void> {
    return waitUntilGone(this, jobId, tasks, pollMs);
  }
}

/** Cancels one task of a Slurm job array (or the whole job without an index). */
export async function scancel(jobId: string, index?: number): Promise<void> {
  await slurm.cancel(jobId, index);
}
