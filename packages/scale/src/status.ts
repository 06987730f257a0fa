import type { Catalog } from "@soro/core";
import type { Backend } from "./backends/backend.js";
import { openPlans } from "./coordinator.js";
import { finishedSourceKeys, planInput, planKey, type TaskPlan } from "./plan.js";
import { openStorage } from "./storage/storage.js";

/** A task's state: its results are all in storage (done), or the scheduler's word, or failed when it left without them. */
export type TaskState = "done" | "pending" | "running" | "failed" | "waiting";

/** The tasks of one open plan. */
export interface PlanStatus {
  planId: string;
  stage: string;
  backend: string;
  jobId: string | null;
  tasks: Array<{ index: number; state: TaskState; inputs: number; finished: number }>;
  counts: Record<TaskState, number>;
}

/**
 * Tasks done/running/failed of every open plan: `done` from the result manifests in storage, `pending`/`running`
 * from the scheduler, `failed` when the scheduler no longer has a task whose results are missing (rerun
 * `soro run` to resubmit those), `waiting` when the scheduler cannot be asked (Kubernetes without kubectl).
 */
export async function taskStatus(
  catalog: Catalog,
  backends: Record<string, Backend | undefined>,
  stage?: string,
): Promise<PlanStatus[]> {
  const out: PlanStatus[] = [];
  for (const p of await openPlans(catalog, stage)) {
    const storage = openStorage(p.storage);
    const plan = await storage.getJson<TaskPlan>(planKey(p.stage, p.config_hash, p.plan_id));
    if (!plan) continue;
    const finished = await finishedSourceKeys(storage, p.stage, p.config_hash);
    const backend = backends[p.backend];
    const states = backend && p.job_id ? await backend.states(p.job_id, p.tasks) : new Map();
    const counts: Record<TaskState, number> = { done: 0, pending: 0, running: 0, failed: 0, waiting: 0 };
    const tasks = plan.tasks.map((slice, index) => {
      const n = slice.filter((i) => finished.has(planInput(plan, i).sourceKey)).length;
      const s = states.get(index) ?? "unknown";
      const state: TaskState =
        n === slice.length
          ? "done"
          : s === "pending" || s === "running"
            ? s
            : s === "gone"
              ? "failed"
              : "waiting";
      counts[state]++;
      return { index, state, inputs: slice.length, finished: n };
    });
    out.push({ planId: p.plan_id, stage: p.stage, backend: p.backend, jobId: p.job_id, tasks, counts });
  }
  return out;
}

/** One line for a plan: its tasks done, running, pending, failed (and waiting, if any). */
export function planStatusLine(p: PlanStatus): string {
  const c = p.counts;
  const parts = [`${c.done} done`, `${c.running} running`, `${c.pending} pending`, `${c.failed} failed`];
  if (c.waiting) parts.push(`${c.waiting} waiting`);
  return `${p.planId} (${p.backend} job ${p.jobId}): ${parts.join(", ")}`;
}

/** One line per open plan, for `soro status`. */
export async function taskStatusLines(
  catalog: Catalog,
  backends: Record<string, Backend | undefined>,
): Promise<string[]> {
  return (await taskStatus(catalog, backends)).map(planStatusLine);
}
