// `pnpm bench`: runs every packages/*/bench/*.bench.ts in turn (each prints its own ratios against a peer tool).
// `pnpm bench -- core` runs only the benches whose path contains "core"; options (and a numeric value after
// one, as in `--size 1GB`) pass through.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const filters: string[] = [];
const passthrough: string[] = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  // `pnpm bench -- e2e` hands the bare `--` on: it separates nothing here.
  if (a === "--") continue;
  if (!a.startsWith("--")) filters.push(a);
  else {
    passthrough.push(a);
    // `--size 1GB`: a value that starts with a digit belongs to the option before it, not to the filters.
    if (!a.includes("=") && /^\d/.test(args[i + 1] ?? "")) passthrough.push(args[++i]!);
  }
}
const benches = readdirSync(path.join(root, "packages"))
  .flatMap((pkg) => {
    const dir = path.join(root, "packages", pkg, "bench");
    try {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".bench.ts"))
        .map((f) => path.join(dir, f));
    } catch {
      return [];
    }
  })
  .filter((file) => filters.length === 0 || filters.some((f) => path.relative(root, file).includes(f)));
// Benches that run the `soro` command run the built one: compile first when a source changed.
const built = spawnSync(process.execPath, [path.join(root, "tools", "build.mjs"), "--if-stale"], {
  stdio: "inherit",
});
if (built.status !== 0) throw new Error("bench: tools/build.mjs failed: run `pnpm build` to see why");
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${path.relative(root, file)} ===`);
  const r = spawnSync(process.execPath, ["--import", "tsx", file, ...passthrough], {
    stdio: "inherit",
    cwd: root,
  });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
