import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { buildProgram } from "../src/program.js";

/** Runs the CLI in this process, returning the exit code and what it printed as errors. */
async function run(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const saved = process.exitCode;
  const code = await main(["node", "soro", ...args], (line) => lines.push(line));
  process.exitCode = saved;
  return { code, lines };
}

function leaves(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => c.name() !== "help")
    .flatMap((c) => (c.commands.length ? leaves(c, [...prefix, c.name()]) : [[...prefix, c.name()]]));
}

describe("usage errors", () => {
  it("every command answers a bad option with one line, a --help hint and exit code 2", async () => {
    const commands = leaves(await buildProgram());
    expect(commands.length).toBeGreaterThan(40);
    const bad: string[] = [];
    for (const words of commands) {
      const r = await run(...words, "--no-such-option");
      const ok =
        r.code === 2 &&
        r.lines.length === 1 &&
        // A missing required option is reported first where a command has one.
        /--no-such-option|required option/.test(r.lines[0]!) &&
        r.lines[0]!.includes(`soro ${words.join(" ")} --help`);
      if (!ok) bad.push(`${words.join(" ")}: ${r.code} ${JSON.stringify(r.lines)}`);
    }
    expect(bad).toEqual([]);
  });

  it("refuses bad numbers, a file as workspace and unknown commands in one line with exit code 2", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-usage-"));
    const file = path.join(dir, "not-a-folder");
    await writeFile(file, "x");
    for (const args of [
      ["-w", dir, "--workers", "abc", "status"],
      ["-w", dir, "--workers", "-3", "normalize"],
      ["-w", dir, "--wait", "soon", "status"],
      ["-w", dir, "status", "--runs", "many"],
      ["-w", dir, "sql", "select 1", "--max-width", "-1"],
      ["-w", dir, "sft", "generate", "--grade", "7-5"],
      ["-w", dir, "sft", "overlap", "--ngram", "0"],
      ["no-such-command"],
    ]) {
      const r = await run(...args);
      expect({ args, code: r.code, lines: r.lines.length }).toEqual({ args, code: 2, lines: 1 });
    }
    const init = await run("-w", file, "init");
    expect(init.code).toBe(2);
    expect(init.lines).toHaveLength(1);
    expect(init.lines[0]).toContain(file);
    expect(init.lines[0]).toMatch(/not a folder/);
    expect(init.lines[0]).not.toMatch(/unexpected|ENOTDIR/);
  });
});
