/** What a backend needs to start the tasks of one plan. */
export interface SubmitRequest {
  /** Short name for the job (letters, digits, dashes). */
  name: string;
  planUri: string;
  tasks: number;
  /** The command that runs one task, without `--plan`/`--index` (e.g. node, tsx, the soro entry, `run-task`). */
  taskCommand: string[];
  /** Working folder of the tasks (the same path on every node). */
  cwd: string;
  /** Folder for job scripts, manifests and task logs. */
  logDir: string;
}

/** A task's state as the scheduler sees it; `gone` means it left the queue (finished, failed or cancelled). */
export type SchedulerState = "pending" | "running" | "gone" | "unknown";

/** A way to run the tasks of a plan: a scheduler, or plain processes on this machine. */
export interface Backend {
  readonly name: string;
  /** Starts the tasks and returns the scheduler's job id. */
  submit(req: SubmitRequest): Promise<string>;
  /** The scheduler's view of each task index still known to it. */
  states(jobId: string, tasks: number): Promise<Map<number, SchedulerState>>;
  /** Resolves when no task of the job is pending or running any more. */
  wait(jobId: string, tasks: number, pollMs?: number): Promise<void>;
}

/** Polls `states` until every task has left the queue (or the scheduler no longer knows them). */
export async function waitUntilGone(
  backend: Backend,
  jobId: string,
  tasks: number,
  pollMs: number,
): Promise<void> {
  for (;;) {
    const states = await backend.states(jobId, tasks);
    if (![...states.values()].some((s) => s === "pending" || s === "running")) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
