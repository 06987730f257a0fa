// Worker-thread entry: plain JS so it loads in any worker. Built, the compiled worker sits beside it in dist/; run
// from the sources (tests, `pnpm soro`), it registers tsx first so the TypeScript worker loads.
import { existsSync } from "node:fs";

const built = existsSync(new URL("./worker.js", import.meta.url));
if (!built) (await import("tsx/esm/api")).register();
await import(built ? "./worker.js" : "./worker.ts");
