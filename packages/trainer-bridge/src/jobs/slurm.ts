import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SoroError, shellQuote } from "@soro/core";
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

const run = promisify(execFile);

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

/** Slurm's job states as soro tells them apart. */
export function slurmState(state: string): JobState {
  const s = state.split(/\s/)[0]!.replace(/\+$/, "");
  if (["PENDING", "CONFIGURING", "REQUEUED", "RESIZING", "SUSPENDED", "REQUEUE_HOLD"].includes(s))
    return "pending";
  if (["RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING"].includes(s)) return "running";
  if (s === "COMPLETED") return "completed";
  if (s === "CANCELLED") return "cancelled";
  if (["FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"].includes(s))
    return "failed";
  return "unknown";
}

async function quiet(cmd: string, args: string[]): Promise<string> {
  try {
    return (await run(cmd, args)).stdout;
  } catch {
    return "";
  }
}

function slurmError(what: string, err: unknown): SoroError {
  const e = err as NodeJS.ErrnoException & { stderr?: string };
  return new SoroError(
    `soro train: ${what}: ${e.code === "ENOENT" ? "Slurm's client tools are not installed" : (e.stderr ?? e.message).trim()}`,
    "check that the controller answers (`sinfo`); on a test machine start one with packages/scale/scripts/start-slurm.sh",
    7,
  );
}

/** Slurm: `sbatch --parsable`, `squeue` while it is known, then `sacct`, `scontrol` and the exit code the script wrote. */
export class SlurmJobs implements JobBackend {
  readonly name = "slurm";

  render(ctx: JobContext): Artefact[] {
    return [{ name: "job.sbatch", text: sbatchScript(ctx) }];
  }

  async submit(ctx: JobContext): Promise<string> {
    const script = path.join(ctx.jobDir, "job.sbatch");
    try {
      const { stdout } = await run("sbatch", ["--parsable", ...ctx.spec.sbatchArgs, script]);
      return stdout.trim().split(";")[0]!;
    } catch (err) {
      throw slurmError(`sbatch ${script} failed`, err);
    }
  }

  async observe(job: JobHandle): Promise<Observed> {
    const id = job.schedulerId!;
    const queued = (await quiet("squeue", ["-h", "-j", id, "-o", "%T"])).trim();
    if (queued) return { state: slurmState(queued) };
    // Gone from the queue: accounting knows how it ended when it is configured; scontrol until MinJobAge.
    const acct = (await quiet("sacct", ["-n", "-X", "-P", "-j", id, "-o", "State,ExitCode"]))
      .trim()
      .split("\n")[0];
    if (acct) {
      const [state, code] = acct.split("|");
      const s = slurmState(state ?? "");
      if (s !== "unknown") return { state: s, exitCode: code ? Number(code.split(":")[0]) : null };
    }
    const shown = await quiet("scontrol", ["show", "job", "-o", id]);
    const m = /JobState=(\S+)/.exec(shown);
    const exit = /ExitCode=(\d+):/.exec(shown);
    if (m) return { state: slurmState(m[1]!), exitCode: exit ? Number(exit[1]) : null };
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
    try {
      await run("scancel", [job.schedulerId!]);
    } catch (err) {
      throw slurmError(`scancel ${job.schedulerId} failed`, err);
    }
  }
}
