import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Backend, type SchedulerState, type SubmitRequest, waitUntilGone } from "./backend.js";

/**
 * Tasks as child processes on this machine, all started at once: no scheduler needed. For a single big machine,
 * for tests and for the scaling bench; the job is known only to the process that started it.
 */
export class ProcessBackend implements Backend {
  readonly name = "process";
  private readonly jobs = new Map<string, ChildProcess[]>();
  private seq = 0;

  async submit(req: SubmitRequest): Promise<string> {
    await mkdir(req.logDir, { recursive: true });
    const jobId = `${process.pid}.${++this.seq}`;
    const [cmd, ...args] = req.taskCommand;
    if (!cmd) throw new Error(`soro run: job ${req.name} has an empty task command (a bug: report it)`);
    const children = Array.from({ length: req.tasks }, (_, i) => {
      // The task writes its log file itself, so it outlives a coordinator that submits without waiting.
      const log = openSync(path.join(req.logDir, `${req.name}-${jobId}_${i}.log`), "a");
      try {
        return spawn(cmd, [...args, "--plan", req.planUri, "--index", String(i)], {
          cwd: req.cwd,
          stdio: ["ignore", log, log],
        });
      } finally {
        closeSync(log);
      }
    });
    this.jobs.set(jobId, children);
    return jobId;
  }

  async states(jobId: string, tasks: number): Promise<Map<number, SchedulerState>> {
    const children = this.jobs.get(jobId);
    const out = new Map<number, SchedulerState>();
    for (let i = 0; i < tasks; i++) {
      const c = children?.[i];
      out.set(i, !c ? "unknown" : c.exitCode === null && c.signalCode === null ? "running" : "gone");
    }
    return out;
  }

  wait(jobId: string, tasks: number, pollMs = 100): Promise<void> {
    return waitUntilGone(this, jobId, tasks, pollMs);
  }
}
