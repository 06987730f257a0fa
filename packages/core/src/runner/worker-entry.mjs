// Piscina worker entry: plain JS so it loads in any worker, then registers tsx so stage modules may be TypeScript.
import { register } from "tsx/esm/api";

register();
const { processShardSafely } = await import("./process-shard.ts");

/** Processes one shard task (see process-shard.ts); failures come back as data so their hint survives the thread. */
export default function run(task) {
  return processShardSafely(task);
}
