import { spawn, spawnSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { SORO_BIN as BIN } from "@soro/core/testing";
import { udhrParagraphs } from "@soro/samples";

/** Runs the real `soro` binary to the end and returns its exit code and output. */
export function runSoro(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

/** Writes `dir/tgk.jsonl`: the Tajik UDHR paragraphs as records with URLs https://udhr.example/N. */
export async function udhrJsonl(dir: string): Promise<{ file: string; paragraphs: string[] }> {
  const paragraphs = await udhrParagraphs("tgk");
  const file = path.join(dir, "tgk.jsonl");
  await writeFile(
    file,
    paragraphs.map((text, i) => JSON.stringify({ text, url: `https://udhr.example/${i}` })).join("\n"),
  );
  return { file, paragraphs };
}

/** A `soro` child process: its output so far and how it ended. */
export interface SoroChild {
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts the real `soro` binary without waiting for it. */
export function startSoro(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): SoroChild {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  if (options.input !== undefined) child.stdin.end(options.input);
  const exited = new Promise<number | string>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err.trim(),
    exited,
    kill: (signal) => child.kill(signal),
  };
}

/** Polls `check` until it holds or `ms` pass. */
export async function until(check: () => boolean, ms = 30_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
