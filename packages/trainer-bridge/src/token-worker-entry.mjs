// Piscina worker entry: plain JS so it loads in any worker. Built, the compiled task module sits beside it in dist/;
// run from the sources (tests, `pnpm soro`), it registers tsx first so the TypeScript module loads.
import { existsSync } from "node:fs";

const built = existsSync(new URL("./token-worker.js", import.meta.url));
if (!built) (await import("tsx/esm/api")).register();
const { runTokenTask } = await import(built ? "./token-worker.js" : "./token-worker.ts");

/** Runs one token task (see token-worker.ts). */
export default function run(task) {
  return runTokenTask(task);
}
