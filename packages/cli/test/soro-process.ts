import { spawn } from "node:child_process";
import { SORO_BIN as BIN } from "@soro/core/testing";

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
