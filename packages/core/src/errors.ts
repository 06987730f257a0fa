/** Errors a user can act on: each names its input and says what to do, and carries the CLI exit code. */
export class SoroError extends Error {
  /** What the user should do about it, shown after the message. */
  readonly hint: string;
  /** Process exit code the CLI maps this error to. */
  readonly exitCode: number;

  constructor(message: string, hint: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.hint = hint;
    this.exitCode = exitCode;
  }

  /** The one-line form printed by the CLI. */
  oneLine(): string {
    return `${this.message}: ${this.hint}`.replace(/\s*\n\s*/g, " ");
  }
}

/** The workspace folder or its catalog does not exist. */
export class WorkspaceMissingError extends SoroError {
  constructor(dir: string) {
    super(
      `soro: no workspace at ${dir} (no catalog.duckdb)`,
      "create it with `soro init --workspace DIR` or pass --workspace pointing at an existing one",
      3,
    );
  }
}

/** The catalog was written by a newer soro than this one. */
export class CatalogVersionError extends SoroError {
  constructor(file: string, found: number, known: number) {
    super(
      `soro: catalog ${file} has schema version ${found}, newer than this soro knows (${known})`,
      "upgrade soro-data to a version that knows this schema; do not edit the catalog by hand",
      4,
    );
  }
}

/** A Parquet shard cannot be read: truncated, corrupt or not Parquet. */
export class ShardCorruptError extends SoroError {
  constructor(file: string, detail: string, cause?: unknown) {
    super(
      `soro: shard ${file} is corrupt or truncated (${firstLine(detail)})`,
      "run `soro verify --repair`: it takes back the input that produced the shard and names the commands that rebuild it",
      5,
      { cause },
    );
  }
}

/** Another process holds the catalog (DuckDB allows one writer, and no reader beside it). */
export class CatalogLockedError extends SoroError {
  constructor(file: string, holder: string, waitedSeconds: number) {
    super(
      `soro: catalog ${file} is in use by ${holder}${waitedSeconds > 0 ? ` (waited ${Math.round(waitedSeconds)} s)` : ""}`,
      "wait for it to finish or stop it, then rerun; `--wait SECONDS` waits longer",
      6,
    );
  }
}

/** Bad command-line or configuration input. */
export class UsageError extends SoroError {
  constructor(message: string, hint: string) {
    super(message, hint, 2);
  }
}

/** The disk is full: nothing about the input is wrong, so nothing is quarantined and the run stops. */
export class DiskFullError extends SoroError {
  constructor(
    readonly path: string,
    cause?: unknown,
  ) {
    super(
      `soro: no space left on the device writing ${path}`,
      "free space (or move the workspace to a larger disk) and rerun: finished work is kept and the run resumes",
      8,
      { cause },
    );
  }
}

/**
 * A full disk behind an error from Node (ENOSPC, with its path) or DuckDB (`Could not write file "…": No space left
 * on device`), as a DiskFullError naming the path; null for any other error.
 */
export function diskFullError(err: unknown): DiskFullError | null {
  if (err instanceof DiskFullError) return err;
  const e = err as { code?: string; path?: string; message?: string } | null;
  const message = String(e?.message ?? err);
  if (e?.code !== "ENOSPC" && !/no space left on device|ENOSPC/i.test(message)) return null;
  const where =
    e?.path ??
    /(?:file|directory|path) "([^"]+)"/i.exec(message)?.[1] ??
    /ENOSPC[^']*'([^']+)'/.exec(message)?.[1];
  return new DiskFullError(where ?? "(path not given)", err);
}

/** The first line of a possibly multi-line message, trimmed to a readable length. */
export function firstLine(text: string, max = 200): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * A thrown value as one readable line: an Error's message, a string as is, an object's `message` or its JSON.
 * Never "[object Object]": whatever was thrown (a worker's plain object, a rejected value) reads as text.
 */
export function describeError(err: unknown, max = 200): string {
  if (err instanceof SoroError) return firstLine(err.oneLine(), max);
  if (err instanceof Error) return firstLine(err.message || err.name, max);
  if (typeof err === "string") return firstLine(err, max);
  if (err && typeof err === "object") {
    const m = (err as { message?: unknown }).message;
    if (typeof m === "string" && m) return firstLine(m, max);
    try {
      return firstLine(JSON.stringify(err) ?? "unknown error", max);
    } catch {
      return "unknown error (an object that cannot be shown)";
    }
  }
  return firstLine(String(err), max);
}

/**
 * A DuckDB error about a Parquet file (a damaged or deleted shard read by a view, a report or `soro sql`) as the
 * ShardCorruptError that names the shard and the repair; null for anything else.
 */
export function asShardError(err: unknown): ShardCorruptError | null {
  if (err instanceof ShardCorruptError) return err;
  const message = describeError(err, 2000);
  const file = /['"]?([^'"\s]+\.parquet)['"]?/.exec(message)?.[1];
  if (
    !file ||
    !/magic bytes|parquet|no files found|no such file|does not exist|IO Error|corrupt/i.test(message)
  )
    return null;
  return new ShardCorruptError(file, message, err);
}

/**
 * `value`, or an error naming what was promised and is missing: for values the code's own invariants guarantee
 * (the row an aggregate query returns, a regex group that matched), where `!` would hide the broken promise.
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`soro: ${what} is missing (a bug: report it)`);
  return value;
}
