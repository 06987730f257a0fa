import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Workspace } from "../workspace.js";

/** The process that holds a catalog's lock, as far as it can be told. */
export interface LockHolder {
  pid: number | null;
  /** Its command line (from the holder file the writer left, else from /proc), when known. */
  command: string | null;
}

interface HolderFile {
  pid: number;
  command: string;
  since: string;
}

/**
 * The file a writing process leaves beside the catalog while it holds it. DuckDB's lock error names only a PID
 * and "node"; this file says which soro command that is. It is advisory: the holder is trusted only when its PID
 * is the one DuckDB reports, so a file left by a killed process is ignored.
 */
export function holderFilePath(ws: Workspace): string {
  return path.join(ws.dir, "catalog.holder.json");
}

/** This process's command line as a user typed it (`soro quality select ...`). */
export function ownCommandLine(argv = process.argv): string {
  const script = argv[1] ? path.basename(argv[1]) : "";
  const name = /^(soro(\.mjs)?|main\.ts)$/.test(script) ? "soro" : script || "node";
  return [name, ...argv.slice(2)].join(" ");
}

/** Records this process as the catalog's writer. */
export function writeHolderFile(ws: Workspace): void {
  const info: HolderFile = { pid: process.pid, command: ownCommandLine(), since: new Date().toISOString() };
  try {
    writeFileSync(holderFilePath(ws), `${JSON.stringify(info)}\n`);
  } catch {
    // Only a friendlier message depends on it.
  }
}

/** Removes the holder file if this process wrote it. */
export function clearHolderFile(ws: Workspace): void {
  if (readHolderFile(ws)?.pid !== process.pid) return;
  try {
    unlinkSync(holderFilePath(ws));
  } catch {
    // Already gone.
  }
}

function readHolderFile(ws: Workspace): HolderFile | null {
  try {
    const info = JSON.parse(readFileSync(holderFilePath(ws), "utf8")) as HolderFile;
    return typeof info.pid === "number" ? info : null;
  } catch {
    return null;
  }
}

/** Whether a DuckDB open error is a conflicting file lock. */
export function isLockConflict(message: string): boolean {
  return /could not set lock|conflicting lock/i.test(message);
}

/** Who holds the lock, from DuckDB's error (its PID), the holder file and /proc. */
export function lockHolder(ws: Workspace, message: string): LockHolder {
  const pid = Number(/PID (\d+)/.exec(message)?.[1] ?? Number.NaN);
  const info = readHolderFile(ws);
  if (!Number.isInteger(pid)) return { pid: info?.pid ?? null, command: info?.command ?? null };
  if (info?.pid === pid) return { pid, command: info.command };
  return { pid, command: procCommandLine(pid) };
}

function procCommandLine(pid: number): string | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return argv.length ? ownCommandLine(argv) : null;
  } catch {
    return null;
  }
}

/** "PID 123 (soro quality select)" or what is known of it. */
export function describeHolder(h: LockHolder): string {
  if (h.pid === null) return "another process";
  return h.command ? `PID ${h.pid} (${h.command})` : `PID ${h.pid}`;
}
