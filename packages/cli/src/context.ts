import { Catalog, defaultWorkspaceDir } from "@soro/core";
import type { Command } from "commander";

/** Options every command inherits from the root program. */
export interface GlobalOptions {
  workspace?: string;
  workers?: string;
  quiet?: boolean;
}

/** The root program's options as seen from any subcommand. */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** Worker threads from --workers (undefined: one per core). */
export function workerCount(cmd: Command): number | undefined {
  const w = globals(cmd).workers;
  return w === undefined ? undefined : Math.max(0, Number.parseInt(w, 10));
}

/** Opens the workspace catalog for the duration of `fn`, closing it whatever happens. */
export async function withCatalog<T>(
  cmd: Command,
  fn: (catalog: Catalog) => Promise<T>,
  options: { create?: boolean; readOnly?: boolean } = {},
): Promise<T> {
  const catalog = await Catalog.open(defaultWorkspaceDir(globals(cmd).workspace), options);
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}
