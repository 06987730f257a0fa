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
      "delete the file and rerun the stage that wrote it (`soro status` names it); a rerun rewrites only missing shards",
      5,
      { cause },
    );
  }
}

/** Bad command-line or configuration input. */
export class UsageError extends SoroError {
  constructor(message: string, hint: string) {
    super(message, hint, 2);
  }
}

/** The first line of a possibly multi-line message, trimmed to a readable length. */
export function firstLine(text: string, max = 200): string {
  const line = text.split("\n")[0]?.trim() ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
