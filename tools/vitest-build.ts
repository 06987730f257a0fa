// vitest global setup: compiles the packages when a source changed since the last build, so the tests that spawn
// `soro` (through SORO_BIN in @soro/core/testing) run the built command as users do. One build before all test
// files, instead of one per test process racing on the same dist/ folders.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const script = fileURLToPath(new URL("./build.mjs", import.meta.url));
  const r = spawnSync(process.execPath, [script, "--if-stale"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${script} failed (exit ${r.status}): run \`pnpm build\` to see why`);
}
