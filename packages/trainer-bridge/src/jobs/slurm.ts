import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { SoroError, shellQuote } from "@soro/core";
import { SlurmClient, slurmJobState } from "@soro/scale";
import {
  type Artefact,
  type JobBackend,
  type JobContext,
  type JobHandle,
  type JobState,
  type Observed,
  readExitCode,
} from "./backend.js";
import { isDistributed, payloadCommand } from "./launch.js";

const slurm = new SlurmClient("soro train");

/** The sbatch script: one task per node, `srun torchrun` with a c10d rendezvous on the first node, exit code kept. */
export function sbatchScript(ctx: JobContext): string {
  const r = ctx.spec.resources;
  const dist = isDistributed(ctx.spec);
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=soro-${ctx.jobId}`,
    `#SBATCH --nodes=${r.nodes}`,
    "#SBATCH --ntasks-per-node=1",
    `#SBATCH --cpus-per-task=${r.cpusPerTask}`,
    ...(r.gpusPerNode > 0 && !ctx.spec.dataCheck ? [`#SBATCH --gpus-per-node=${r.gpusPerNode}`] : []),
    `#SBATCH --time=${r.time}`,
    ...(r.partition ? [`#SBATCH --partition=${r.partition}`] : []),
    `#SBATCH --chdir=${ctx.jobDir}`,
    `#SBATCH --output=${path.join(ctx.jobDir, "slurm-%j.log")}`,
    "set -uo pipefail",
    `export SORO_JOB_ID=${shellQuote(ctx.jobId)}`,
  ];
  if (dist) {
    lines.push(
      // Every node's torchrun meets the others at the first node of the allocation.
      'head_node=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)',
      "export OMP_NUM_THREADS=1",
    );
  }
  const cmd = payloadCommand(ctx.spec, ctx.payloadDir, ctx.configPath, {
    kind: "c10d",
    endpoint: "PLACEHOLDER_ENDPOINT",
    id: "PLACEHOLDER_ID",
  })
    // Left unquoted on purpose: the shell expands them on the node.
    .replace("PLACEHOLDER_ENDPOINT", '"$head_node:29500"')
    .replace("PLACEHOLDER_ID", '"$SLURM_JOB_ID"');
  lines.push(
    `srun --kill-on-bad-exit=1 ${cmd}`,
    "rc=$?",
    // The exit code outlives the controller's memory of the job (no accounting database is needed).
    `echo "$rc" > ${shellQuote(path.join(ctx.jobDir, "exit_code"))}`,
    'exit "$rc"',
    "",
  );
  return lines.join("\n");
}

/** Slurm's job states as soro tells them apart (scale's Slurm client reads them). */
export const slurmState = (state: string): JobState => slurmJobState(state);

/** The Slurm job id of a submitted job, or an error naming the job that has none. */
function slurmId(job: JobHandle): string {
  if (!job.schedulerId)
    throw new SoroError(
      `soro train: job ${job.jobId} has no Slurm job id: it was never submitted`,
      "submit it with `soro train submit`",
      2,
    );
  return job.schedulerId;
}

/** Slurm: `sbatch --parsable`, `squeue` while it is known, then `sacct`, `scontrol` and the exit code the script wrote. */
export class SlurmJobs implements JobBackend {
  readonly name = "slurm";

  render(ctx: JobContext): Artefact[] {
    return [{ name: "job.sbatch", text: sbatchScript(ctx) }];
  }

  async submit(ctx: JobContext): Promise<string> {
    return slurm.submit(path.join(ctx.jobDir, "job.sbatch"), ctx.spec.sbatchArgs);
  }

  async observe(job: JobHandle): Promise<Observed> {
    const id = slurmId(job);
    const queued = (await slurm.queued(id))?.get(0);
    if (queued) return { state: queued };
    // Gone from the queue: accounting knows how it ended when it is configured; scontrol until MinJobAge.
    const ended = await slurm.ended(id);
    if (ended && ended.state !== "unknown") return ended;
    const rc = await readExitCode(job.jobDir);
    if (rc !== null) return { state: rc === 0 ? "completed" : "failed", exitCode: rc };
    return { state: "unknown", detail: `Slurm no longer knows job ${id} and it left no exit code` };
  }

  async logs(job: JobHandle): Promise<string> {
    const names = (await readdir(job.jobDir).catch(() => [] as string[])).filter((n) =>
      n.startsWith(`slurm-${job.schedulerId}`),
    );
    const parts = await Promise.all(names.sort().map((n) => readFile(path.join(job.jobDir, n), "utf8")));
    return parts.join("");
  }

  async cancel(job: JobHandle): Promise<void> {
    await slurm.cancel(slurmId(job));
  }
}
