// Piscina worker entry: plain JS so it loads in any worker, then registers tsx so the TypeScript task module loads.
import { register } from "tsx/esm/api";

register();
const { runTokenTask } = await import("./token-worker.ts");

/** Runs one token task (see token-worker.ts). */
export default function run(task) {
  return runTokenTask(task);
}
