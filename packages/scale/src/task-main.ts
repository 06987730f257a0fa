import { parseArgs } from "node:util";
import { firstLine, SoroError } from "@soro/core";
import { runTask, taskIndexFromEnv } from "./task.js";

/**
 * The lean task entry point a job runs (`node --import tsx task-main.ts --plan URI [--index N]`): the same work as
 * `soro run-task`, without loading the whole CLI, so each task starts faster.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { plan: { type: "string" }, index: { type: "string" } } });
  const index = values.index !== undefined ? Number.parseInt(values.index, 10) : taskIndexFromEnv();
  if (!values.plan || index === undefined || Number.isNaN(index)) {
    console.error(
      "soro run-task: needs --plan URI and --index N (or SLURM_ARRAY_TASK_ID / JOB_COMPLETION_INDEX)",
    );
    return 2;
  }
  try {
    const s = await runTask({
      plan: values.plan,
      index,
      onInput: (key, outcome, docs) =>
        console.error(`${outcome.padEnd(12)} ${key}${docs ? ` (${docs} docs)` : ""}`),
    });
    console.log(
      `run-task ${index}: ${s.processed} inputs processed, ${s.skipped} already done; ${s.docsIn} docs in, ${s.docsOut} out`,
    );
    return 0;
  } catch (err) {
    if (err instanceof SoroError) {
      console.error(err.oneLine());
      return err.exitCode;
    }
    console.error(`soro run-task: ${firstLine((err as Error).message ?? String(err))}`);
    console.error((err as Error).stack);
    return 1;
  }
}

process.exitCode = await main();
