import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";

const packagesDir = path.resolve(import.meta.dirname, "../..");

/** Every module a package exports, as the built file plain Node loads (`./src/x.ts` → `dist/x.js`). */
function builtExports(): string[] {
  return readdirSync(packagesDir).flatMap((name) => {
    const dir = path.join(packagesDir, name);
    const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
      exports?: Record<string, string>;
    };
    return Object.values(manifest.exports ?? {})
      .filter((target) => target.startsWith("./src/") && !target.includes("testing"))
      .map((target) => path.join(dir, target.replace("./src/", "dist/").replace(/\.ts$/, ".js")));
  });
}

it("every exported module loads from dist/ on plain Node, without tsx", { timeout: 120_000 }, () => {
  const files = builtExports();
  expect(files.length).toBeGreaterThan(10);
  const script = `for (const f of ${JSON.stringify(files.map((f) => pathToFileURL(f).href))}) await import(f);`;
  // vitest's global setup built dist/; a fresh node with no loader imports each module and what it imports.
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
});
