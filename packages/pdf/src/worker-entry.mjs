// Worker-thread entry: plain JS so it loads in any worker, then registers tsx so the TypeScript worker loads.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
