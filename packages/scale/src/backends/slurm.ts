import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SoroError, shellQuote } from "@soro/core";
import { type Backend, type SchedulerState, type SubmitRequest, waitUntilGone } from "./backend.js";

const run = promisify(execFile);

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

/** Maps a Slurm job state to the states soro tells apart. */
function slurmState(state: string): SchedulerState {
  if (["PENDING", "CONFIGURING", "REQUEUED", "RESIZING", "SUSPENDED"].includes(state)) return "pending";
  if (["RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING"].includes(state)) return "running";
  return "gone";
}

/** Slurm job arrays through sbatch/squeue (the environment, AWS credentials included, is passed to the tasks). */
export class SlurmBackend implements Backend {
  readonly name = "slurm";

  constructor(private readonly opts: { cpusPerTask?: number; sbatchArgs?: string[] } = {}) {}

  async submit(req: SubmitRequest): Promise<string> {
    await mkdir(req.logDir, { recursive: true });
    const script = path.join(req.logDir, `${req.name}.sbatch`);
    await writeFile(script, slurmScript(req, this.opts.cpusPerTask ?? 1), { mode: 0o755 });
    try {
      const { stdout } = await run("sbatch", ["--parsable", ...(this.opts.sbatchArgs ?? []), script]);
      return stdout.trim().split(";")[0]!;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      throw new SoroError(
        `soro run: sbatch failed for ${script}: ${e.code === "ENOENT" ? "sbatch not found" : (e.stderr ?? e.message).trim()}`,
        "check that Slurm's client tools are installed and the controller answers (`sinfo`)",
        7,
      );
    }
  }

  async states(jobId: string, tasks: number): Promise<Map<number, SchedulerState>> {
    const out = new Map<number, SchedulerState>();
    let stdout = "";
    let known: SchedulerState = "gone";
    try {
      ({ stdout } = await run("squeue", ["-h", "-r", "-j", jobId, "-o", "%K %T"]));
    } catch (err) {
      // squeue fails for a job the controller has already forgotten (its tasks are gone); without squeue, or with
      // the controller down, nothing can be said.
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT" || !/invalid job id/i.test(e.stderr ?? "")) known = "unknown";
    }
    for (let i = 0; i < tasks; i++) out.set(i, known);
    for (const line of stdout.split("\n")) {
      const [index, state] = line.trim().split(/\s+/);
      if (index !== undefined && state !== undefined && /^\d+$/.test(index))
        out.set(Number(index), slurmState(state));
    }
    return out;
  }

  wait(jobId: string, tasks: number, pollMs = 1000): Promise<void> {
    return waitUntilGone(this, jobId, tasks, pollMs);
  }
}

/** Cancels one task of a Slurm job array (or the whole job without an index). */
export async function scancel(jobId: string, index?: number): Promise<void> {
  await run("scancel", [index === undefined ? jobId : `${jobId}_${index}`]);
}
