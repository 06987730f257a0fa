// Runs one command of the e2e bench and measures its whole process tree: wall seconds, CPU seconds (user + sys)
// and peak RSS, children and worker processes included, with the output kept in a log file.
import { spawn } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";

export interface Measure {
  stage: string;
  wall: number;
  /** User + system CPU seconds of the command and every process under it. */
  cpu: number;
  /** Peak of the summed resident memory of the process tree, MB. */
  rssMb: number;
  exitCode: number | null;
  /** How many runs the numbers add up (a stage resumed after a failure). */
  attempts?: number;
  /** The log's last lines when the command failed. */
  error?: string;
}

// /proc reports CPU in clock ticks (USER_HZ, 100 on Linux) and RSS in pages (4 KiB on x86-64 and arm64).
const TICK_S = 0.01;
const PAGE_MB = 4096 / 2 ** 20;

interface ProcSample {
  ppid: number;
  cpuTicks: number;
  rssPages: number;
}

/** utime + stime and RSS of every process now running, by pid. */
function readProcs(): Map<number, ProcSample> {
  const out = new Map<number, ProcSample>();
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // it ended between the listing and the read
    }
    // Fields after the command name (which may hold spaces) start at field 3 (state).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    out.set(pid, { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]), rssPages: Number(f[21]) });
  }
  return out;
}

/**
 * Runs `cmd args` under /usr/bin/time with its output appended to `logFile`, sampling its process tree every
 * `everyMs`. CPU is the larger of what `wait` reports (the command and the children it reaped) and the sum of each
 * descendant's last sampled CPU time (pool workers that no parent reaps, as Python's multiprocessing leaves them,
 * escape `wait`; a process that ends between samples loses at most its last `everyMs` from this second count).
 * Peak RSS is the larger of the biggest single process and the biggest sampled sum over the tree.
 */
export function measure(
  stage: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string; everyMs?: number },
): Promise<Measure> {
  const log = openSync(opts.logFile, "a");
  const started = performance.now();
  const statsFile = `${opts.logFile}.time`;
  const child = spawn("/usr/bin/time", ["-o", statsFile, "-f", "%e %U %S %M", cmd, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", log, log],
  });
  const lastCpu = new Map<number, number>();
  let peakPages = 0;
  const sample = () => {
    if (child.pid === undefined) return;
    const procs = readProcs();
    const tree = new Set([child.pid]);
    // Parents usually have lower pids than their children, but not always: repeat until the tree stops growing.
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, p] of procs)
        if (!tree.has(pid) && tree.has(p.ppid)) {
          tree.add(pid);
          grew = true;
        }
    }
    let pages = 0;
    for (const pid of tree) {
      const p = procs.get(pid);
      if (!p) continue;
      pages += p.rssPages;
      lastCpu.set(pid, p.cpuTicks);
    }
    peakPages = Math.max(peakPages, pages);
  };
  const timer = setInterval(sample, opts.everyMs ?? 250);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(timer);
      closeSync(log);
      let sampled = 0;
      for (const t of lastCpu.values()) sampled += t;
      const wall = (performance.now() - started) / 1000;
      // /usr/bin/time's last line: wall, user, sys (seconds), max RSS of one process (KiB).
      let timed = [0, 0, 0, 0];
      try {
        timed = readFileSync(statsFile, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
      } catch {}
      // A killed /usr/bin/time leaves no line: the samples stand alone.
      const [, user, sys, maxKb] = timed.map((x) => (Number.isFinite(x) ? x : 0)) as [
        number,
        number,
        number,
        number,
      ];
      const m: Measure = {
        stage,
        wall,
        cpu: Math.max(user + sys, sampled * TICK_S),
        rssMb: Math.max(maxKb / 1024, peakPages * PAGE_MB),
        exitCode: code,
      };
      if (code !== 0) {
        const tail = readFileSync(opts.logFile, "utf8").trim().split("\n").slice(-6).join("\n    ");
        m.error = `${signal ? `killed by ${signal}` : `exit ${code}`}; last lines of ${opts.logFile}:\n    ${tail}`;
      }
      resolve(m);
    });
  });
}
