import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SoroError, shellQuote } from "@soro/core";
import {
  type Artefact,
  type JobBackend,
  type JobContext,
  type JobHandle,
  type Observed,
  readExitCode,
} from "./backend.js";
import { payloadCommand } from "./launch.js";

/** The local run script: the payload (torchrun standalone for training on this machine's GPUs), exit code kept. */
export function localScript(ctx: JobContext): string {
  return [
    "#!/bin/bash",
    "set -uo pipefail",
    `cd ${shellQuote(ctx.jobDir)}`,
    `export SORO_JOB_ID=${shellQuote(ctx.jobId)}`,
    payloadCommand(ctx.spec, ctx.payloadDir, ctx.configPath, { kind: "standalone" }),
    "rc=$?",
    `echo "$rc" > ${shellQuote(path.join(ctx.jobDir, "exit_code"))}`,
    'exit "$rc"',
    "",
  ].join("\n");
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** This machine: the run script is spawned detached in its own process group; its pid is the scheduler id. */
export class LocalJobs implements JobBackend {
  readonly name = "local";

  render(ctx: JobContext): Artefact[] {
    return [{ name: "run.sh", text: localScript(ctx) }];
  }

  async submit(ctx: JobContext): Promise<string> {
    const log = openSync(path.join(ctx.jobDir, "job.log"), "a");
    const child = spawn("bash", [path.join(ctx.jobDir, "run.sh")], {
      detached: true,
      stdio: ["ignore", log, log],
      cwd: ctx.jobDir,
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once("spawn", () =>
        child.pid === undefined
          ? reject(new SoroError("soro train: bash started without a process id", "run the job again", 7))
          : resolve(child.pid),
      );
      child.once("error", (err) =>
        reject(new SoroError(`soro train: cannot start bash (${err.message})`, "install bash", 7)),
      );
    });
    // The job outlives this process: `soro train status` finds it by pid and exit code file.
    child.unref();
    return String(pid);
  }

  async observe(job: JobHandle): Promise<Observed> {
    const rc = await readExitCode(job.jobDir);
    if (rc !== null) return { state: rc === 0 ? "completed" : "failed", exitCode: rc };
    if (job.schedulerId && alive(Number(job.schedulerId))) return { state: "running" };
    // The pid may have been reaped between the two checks: look for the exit code once more.
    const again = await readExitCode(job.jobDir);
    if (again !== null) return { state: again === 0 ? "completed" : "failed", exitCode: again };
    return { state: "failed", detail: "the job's process is gone and left no exit code (killed?)" };
  }

  async logs(job: JobHandle): Promise<string> {
    return readFile(path.join(job.jobDir, "job.log"), "utf8").catch(() => "");
  }

  async cancel(job: JobHandle): Promise<void> {
    const pid = Number(job.schedulerId);
    // The whole process group: torchrun's workers with it.
    if (alive(pid)) process.kill(-pid, "SIGTERM");
  }
}
