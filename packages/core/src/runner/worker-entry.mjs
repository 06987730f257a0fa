// Piscina worker entry: plain JS so it loads in any worker. Built, the compiled module sits beside it in dist/; run
// from the sources (tests, `pnpm soro`), it registers tsx first so the TypeScript module loads.
import { existsSync } from "node:fs";

const built = existsSync(new URL("./process-shard.js", import.meta.url));
if (!built) (await import("tsx/esm/api")).register();
const { processShardSafely } = await import(built ? "./process-shard.js" : "./process-shard.ts");

/** Processes one shard task (see process-shard.ts); failures come back as data so their hint survives the thread. */
export default function run(task) {
  return processShardSafely(task);
}
