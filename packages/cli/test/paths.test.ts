import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SORO_BIN } from "@soro/core/testing";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");

/** The built `soro` run in `cwd`, with SORO_WORKSPACE as given (unset by default). */
function soro(cwd: string, args: string[], workspaceEnv?: string) {
  const env = { ...process.env };
  delete env.SORO_WORKSPACE;
  if (workspaceEnv) env.SORO_WORKSPACE = workspaceEnv;
  const r = spawnSync(process.execPath, [SORO_BIN, ...args], { cwd, env, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr.trim() };
}

describe("soro finds its workspace from the current folder", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "soro-paths-"));
  const ws = path.join(dir, "ws");
  const inside = path.join(ws, "shards");
  const beside = path.join(dir, "notes");
  mkdirSync(beside);

  it("resolves -w against the current folder", { timeout: 60_000 }, () => {
    expect(soro(dir, ["-w", "ws", "init"]).out).toBe(`workspace ready: ${ws}\n`);
    const r = soro(beside, ["-w", "../ws", "status"]);
    expect(r.err).toBe("");
    expect(r.out).toContain(`workspace ${ws} `);
  });

  it("walks up to the workspace from inside it, before $SORO_WORKSPACE", { timeout: 60_000 }, () => {
    const r = soro(inside, ["status"], path.join(dir, "elsewhere"));
    expect(r.err).toBe("");
    expect(r.out).toContain(`workspace ${ws} `);
  });

  it("then takes $SORO_WORKSPACE (relative to the current folder), then ./workspace", {
    timeout: 60_000,
  }, () => {
    expect(soro(beside, ["status"], "../ws").out).toContain(`workspace ${ws} `);
    const missing = soro(beside, ["status"]);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain(`no workspace at ${path.join(beside, "workspace")}`);
  });

  it("`pnpm -s soro` run outside the repository root resolves paths there too", { timeout: 120_000 }, () => {
    const r = spawnSync("pnpm", ["--dir", ROOT, "-s", "soro", "-w", "../ws", "status"], {
      cwd: beside,
      encoding: "utf8",
    });
    expect(r.stderr.trim()).toBe("");
    expect(r.stdout).toContain(`workspace ${ws} `);
  });

  it("`pnpm -w -s soro` runs from a package folder, with paths relative to that folder", {
    timeout: 120_000,
  }, () => {
    const pkg = path.join(ROOT, "packages", "normalize");
    const r = spawnSync("pnpm", ["-w", "-s", "soro", "-w", path.relative(pkg, ws), "status"], {
      cwd: pkg,
      encoding: "utf8",
    });
    expect(r.stderr.trim()).toBe("");
    expect(r.stdout).toContain(`workspace ${ws} `);
  });
});
