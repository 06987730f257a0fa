import type { Catalog, CatalogOpenOptions } from "@soro/core";
import { defaultWorkspaceDir, describeHolder, UsageError } from "@soro/core/base";
import type { Command } from "commander";

/** Options every command inherits from the root program. */
export interface GlobalOptions {
  workspace?: string;
  workers?: string;
  quiet?: boolean;
  /** Seconds to wait for a catalog another process holds; false with --no-wait. */
  wait?: string | false;
}

/** How long a command waits for a locked catalog unless told otherwise: a day, so queued scripts do not fail. */
export const DEFAULT_WAIT_SECONDS = 24 * 3600;

/** The root program's options as seen from any subcommand. */
export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** A whole number option ≥ `min`, or a usage error naming the option. */
export function intOption(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(
      `soro: ${name} ${value} is not a whole number ≥ ${min}`,
      `give e.g. ${name} ${min + 1}`,
    );
  return n;
}

/** A number option ≥ `min` (fractions allowed), or a usage error naming the option. */
export function numberOption(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min)
    throw new UsageError(`soro: ${name} ${value} is not a number ≥ ${min}`, `give e.g. ${name} ${min + 1}`);
  return n;
}

/** Worker threads from --workers (undefined: one per core). */
export function workerCount(cmd: Command): number | undefined {
  const w = globals(cmd).workers;
  return w === undefined ? undefined : intOption("--workers", w, 0);
}

/** Placeholders that mark a whole-number option (`--runs <n>`) and a fractional one (`--threshold <j>`). */
const INTEGER_VALUE = /<(n|k|port|ms|seconds)>/;
const NUMBER_VALUE = /<(x|score|j|p|s|t)>/;

/**
 * Checks every numeric option of a command before it runs, by its value placeholder, so `--workers abc` or
 * `--runs -3` is a usage error at once instead of a NaN deep inside a stage.
 */
export function checkNumericOptions(cmd: Command): void {
  const values = cmd.opts() as Record<string, unknown>;
  for (const option of cmd.options) {
    const value = values[option.attributeName()];
    if (typeof value !== "string") continue;
    const name = option.long ?? option.short ?? option.flags;
    if (INTEGER_VALUE.test(option.flags)) intOption(name, value, 0);
    else if (NUMBER_VALUE.test(option.flags)) numberOption(name, value, 0);
  }
}

/** Seconds to wait for a locked catalog, from --wait / --no-wait. */
export function waitSeconds(cmd: Command): number {
  const w: unknown = globals(cmd).wait;
  if (w === false) return 0;
  // A subcommand's own boolean --wait (`soro run --wait`: follow the tasks) is not the catalog wait.
  return typeof w === "string" ? numberOption("--wait", w, 0) : DEFAULT_WAIT_SECONDS;
}

/** The command's --wait, and one line on stderr when it has to wait. */
export function catalogWaitOptions(cmd: Command): Pick<CatalogOpenOptions, "wait" | "onWait"> {
  return {
    wait: waitSeconds(cmd),
    onWait: (holder, file, seconds) =>
      console.error(
        `soro: catalog ${file} is in use by ${describeHolder(holder)}; waiting up to ${Math.round(seconds)} s for it (--no-wait fails at once)`,
      ),
  };
}

/** Catalog.open of the command's workspace with its --wait. */
export async function openCatalog(cmd: Command, options: CatalogOpenOptions = {}): Promise<Catalog> {
  const { Catalog } = await import("@soro/core/catalog");
  return Catalog.open(defaultWorkspaceDir(globals(cmd).workspace), {
    ...catalogWaitOptions(cmd),
    ...options,
  });
}

/** Opens the workspace catalog for the duration of `fn`, closing it whatever happens. */
export async function withCatalog<T>(
  cmd: Command,
  fn: (catalog: Catalog) => Promise<T>,
  options: { create?: boolean; readOnly?: boolean } = {},
): Promise<T> {
  const catalog = await openCatalog(cmd, options);
  try {
    return await fn(catalog);
  } finally {
    catalog.close();
  }
}
