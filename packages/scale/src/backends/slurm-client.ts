import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { SoroError } from "@soro/core";

const run = promisify(execFile);

/** A Slurm job's state as soro tells them apart (the scale tasks fold the ended ones into "gone"). */
export type SlurmJobState = "pending" | "running" | "completed" | "cancelled" | "failed" | "unknown";

/** Slurm's state names (squeue, sacct, scontrol; `CANCELLED by 0` and `FAILED+` included) in soro's terms. */
export function slurmJobState(state: string): SlurmJobState {
  const s = (state.split(/\s/)[0] ?? "").replace(/\+$/, "");
  if (["PENDING", "CONFIGURING", "REQUEUED", "RESIZING", "SUSPENDED", "REQUEUE_HOLD"].includes(s))
    return "pending";
  if (["RUNNING", "COMPLETING", "STAGE_OUT", "SIGNALING"].includes(s)) return "running";
  if (s === "COMPLETED") return "completed";
  if (s === "CANCELLED") return "cancelled";
  if (["FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED"].includes(s))
    return "failed";
  return "unknown";
}

type ExecError = NodeJS.ErrnoException & { stderr?: string };

/**
 * Submits, polls and cancels Slurm jobs through its client tools (sbatch, squeue, sacct, scontrol, scancel). One
 * client for the stage task arrays of `soro run` and the GPU jobs of `soro train`; `command` names the soro command
 * in its errors.
 */
export class SlurmClient {
  constructor(private readonly command: string) {}

  private error(what: string, err: unknown): SoroError {
    const e = err as ExecError;
    const tool = what.split(" ")[0];
    return new SoroError(
      `${this.command}: ${what} failed: ${e.code === "ENOENT" ? `${tool} not found (Slurm's client tools are not installed)` : (e.stderr ?? e.message).trim()}`,
      "check that the controller answers (`sinfo`); on a test machine start one with packages/scale/scripts/start-slurm.sh",
      7,
    );
  }

  /** `sbatch --parsable ARGS SCRIPT`: the job id. */
  async submit(script: string, args: string[] = []): Promise<string> {
    try {
      const { stdout } = await run("sbatch", ["--parsable", ...args, script]);
      const id = stdout.trim().split(";")[0];
      if (!id) throw new Error("sbatch printed no job id");
      return id;
    } catch (err) {
      throw this.error(`sbatch ${script}`, err);
    }
  }

  /**
   * The queued states of a job (by array index with `array`; index 0 otherwise), or null when squeue cannot say
   * (no client tools, no controller). A job the controller has forgotten has no entries.
   */
  async queued(jobId: string, array = false): Promise<Map<number, SlurmJobState> | null> {
    let stdout: string;
    try {
      ({ stdout } = await run("squeue", [
        "-h",
        ...(array ? ["-r"] : []),
        "-j",
        jobId,
        "-o",
        array ? "%K %T" : "%T",
      ]));
    } catch (err) {
      const e = err as ExecError;
      if (e.code === "ENOENT" || !/invalid job id/i.test(e.stderr ?? "")) return null;
      return new Map();
    }
    const out = new Map<number, SlurmJobState>();
    for (const line of stdout.split("\n")) {
      const fields = line.trim().split(/\s+/);
      if (!array && fields[0] && !out.has(0)) out.set(0, slurmJobState(fields[0]));
      else if (array && fields[0] && fields[1] !== undefined && /^\d+$/.test(fields[0]))
        out.set(Number(fields[0]), slurmJobState(fields[1]));
    }
    return out;
  }

  /**
   * How a job that left the queue ended: sacct when accounting is configured, else scontrol until the controller
   * forgets it (MinJobAge); null when neither knows.
   */
  async ended(jobId: string): Promise<{ state: SlurmJobState; exitCode: number | null } | null> {
    const acct = (await quiet("sacct", ["-n", "-X", "-P", "-j", jobId, "-o", "State,ExitCode"]))
      .trim()
      .split("\n")[0];
    if (acct) {
      const [state, code] = acct.split("|");
      const s = slurmJobState(state ?? "");
      if (s !== "unknown") return { state: s, exitCode: code ? Number(code.split(":")[0]) : null };
    }
    const shown = await quiet("scontrol", ["show", "job", "-o", jobId]);
    const m = /JobState=(\S+)/.exec(shown);
    const exit = /ExitCode=(\d+):/.exec(shown);
    if (m?.[1]) return { state: slurmJobState(m[1]), exitCode: exit ? Number(exit[1]) : null };
    return null;
  }

  /** Cancels a job, or one task of a job array. */
  async cancel(jobId: string, index?: number): Promise<void> {
    const target = index === undefined ? jobId : `${jobId}_${index}`;
    try {
      await run("scancel", [target]);
    } catch (err) {
      throw this.error(`scancel ${target}`, err);
    }
  }
}

async function quiet(cmd: string, args: string[]): Promise<string> {
  try {
    return (await run(cmd, args)).stdout;
  } catch {
    return "";
  }
}
