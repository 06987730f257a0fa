import { existsSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { UsageError, WorkspaceMissingError } from "./errors.js";

/** The folders and files of one corpus workspace. */
export interface Workspace {
  dir: string;
  catalogPath: string;
  shardsDir: string;
  tmpDir: string;
}

/** The workspace layout under `dir` (nothing is checked or created). */
export function workspacePaths(dir: string): Workspace {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    catalogPath: path.join(abs, "catalog.duckdb"),
    shardsDir: path.join(abs, "shards"),
    tmpDir: path.join(abs, "tmp"),
  };
}

/** Resolves a workspace; creates its folders when `create`, else fails with a clear error if it is missing. */
export async function resolveWorkspace(dir: string, create = false): Promise<Workspace> {
  const ws = workspacePaths(dir);
  // A file where the folder should be (or above it) would otherwise surface as a bare ENOTDIR.
  for (let p = ws.dir; ; p = path.dirname(p)) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (st && !st.isDirectory())
      throw new UsageError(
        `soro: workspace ${ws.dir} cannot be used: ${p} is a file, not a folder`,
        "pass --workspace a folder (it is created by `soro init`)",
      );
    if (st || path.dirname(p) === p) break;
  }
  if (!create && !existsSync(ws.catalogPath)) throw new WorkspaceMissingError(ws.dir);
  await mkdir(ws.shardsDir, { recursive: true });
  await mkdir(ws.tmpDir, { recursive: true });
  return ws;
}

/**
 * The workspace folder a command uses: the one `--workspace` names, else the nearest folder from `cwd` upward that
 * holds a catalog (as git finds its repository from anywhere inside it), else $SORO_WORKSPACE, else ./workspace.
 * Relative paths resolve against `cwd`.
 */
export function defaultWorkspaceDir(flag?: string, cwd = process.cwd()): string {
  if (flag !== undefined) return path.resolve(cwd, flag);
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(workspacePaths(dir).catalogPath)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return path.resolve(cwd, process.env.SORO_WORKSPACE ?? "workspace");
}
