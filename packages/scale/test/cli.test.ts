import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, seedWorkspace, stageRows, tempDir } from "./helpers.js";

const run = promisify(execFile);

/** Runs the soro CLI's workspace and scale commands in the repository root. */
async function soro(ws: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", path.join(import.meta.dirname, "fixtures/scale-cli.ts"), "-w", ws, ...args],
    { cwd: REPO_ROOT },
  );
  return stdout;
}

describe("soro run --backend, tasks, push, pull", () => {
  it("runs a stage as 2 task processes, registers it, publishes it and pulls it back", async () => {
    const ws = await tempDir();
    await seedWorkspace(ws, 3, 30);
    const stage = ["--module", "packages/core/test/fixtures/length-stage.ts#lengthStage"];
    const options = ["--options", '{"minChars": 40}'];
    const out = await soro(
      ws,
      "run",
      "length",
      ...stage,
      ...options,
      "--backend",
      "process",
      "--tasks",
      "2",
      "--wait",
    );
    expect(out).toContain("3 input shards in 2 process tasks");
    expect(out).toContain("3 registered, 0 already registered, 0 missing; run activated");
    expect(await soro(ws, "tasks")).toContain("no open cluster runs");
    expect(
      await soro(ws, "run", "length", ...stage, ...options, "--backend", "process", "--tasks", "2"),
    ).toContain("nothing to submit (3 inputs done, 0 in flight)");
    const storage = await tempDir("soro-published-");
    expect(await soro(ws, "push", "length", "--storage", storage)).toContain("3 shards published");
    const table = await soro(
      ws,
      "pull",
      "length",
      "--storage",
      storage,
      "--to",
      path.join(storage, "pulled"),
    );
    expect(table).toMatch(/^read_parquet\(\[/);
    expect((await stageRows(ws, "length")).length).toBeGreaterThan(0);
  });
});
