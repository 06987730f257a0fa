import { spawn } from "node:child_process";

/** How a child run by `runKillable` ended: its exit code, and whether `killWhen` had it SIGKILLed. */
export interface KillableExit {
  code: number | null;
  killed: boolean;
}

/**
 * Runs a TypeScript script in a child Node process (through tsx) and SIGKILLs it the first time `killWhen`
 * holds, checked every `pollMs`; crash tests use it to stop a stage mid-write.
 */
export function runKillable(
  script: string,
  args: string[],
  options: { killWhen?: () => boolean; pollMs?: number } = {},
): Promise<KillableExit> {
  const { killWhen, pollMs = 10 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    let killed = false;
    const timer = killWhen
      ? setInterval(() => {
          if (!killed && killWhen()) {
            killed = true;
            child.kill("SIGKILL");
          }
        }, pollMs)
      : null;
    child.on("error", reject);
    child.on("exit", (code) => {
      if (timer) clearInterval(timer);
      resolve({ code, killed });
    });
  });
}
