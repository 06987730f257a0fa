import type { Catalog } from "@soro/core";

/** Catalog tables the ingest package owns, by migration step (never edit a released step). */
const INGEST_MIGRATIONS = [
  // v1: every version of every ingested file, and which earlier version it replaced.
  `CREATE TABLE ingest_files (
    path VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    source_key VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    format VARCHAR NOT NULL,
    docs BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    replaces VARCHAR,
    run_id BIGINT NOT NULL,
    ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (path, version)
  )`,
  // v2: files being read now; a row left behind by a run that died names the file that killed it.
  `CREATE TABLE ingest_reading (
    source_key VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    started_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  )`,
];

/** The current version of an ingested file. */
export interface FileVersion {
  version: number;
  source_key: string;
  docs: number;
}

/** What to record about one file's new version. */
export interface NewVersion {
  path: string;
  sourceKey: string;
  sha256: string;
  bytes: number;
  format: string;
  docs: number;
  quarantined: number;
  runId: number;
}

/** The versions of ingested files: a changed file's new version supersedes the shards of the one it replaces. */
export class FileVersions {
  private constructor(
    private readonly catalog: Catalog,
    private readonly current: Map<string, FileVersion>,
    private readonly crashed: Map<string, number>,
  ) {}

  /** Loads the current version of every ingested file (creating the table on first use). */
  static async load(catalog: Catalog): Promise<FileVersions> {
    await catalog.ensureExtension("ingest", INGEST_MIGRATIONS);
    const rows = await catalog.rows(
      `SELECT path, version, source_key, docs FROM ingest_files QUALIFY row_number() OVER (PARTITION BY path ORDER BY version DESC) = 1`,
    );
    const current = new Map<string, FileVersion>();
    for (const r of rows)
      current.set(String(r.path), {
        version: Number(r.version),
        source_key: String(r.source_key),
        docs: Number(r.docs),
      });
    const crashed = new Map<string, number>();
    for (const r of await catalog.rows("SELECT source_key, run_id FROM ingest_reading"))
      crashed.set(String(r.source_key), Number(r.run_id));
    return new FileVersions(catalog, current, crashed);
  }

  /** The run that died while reading this source key (its "reading" mark was never cleared), if any. */
  crashedIn(sourceKey: string): number | undefined {
    return this.crashed.get(sourceKey);
  }

  /** Marks a file as being read, before reading it: if this process dies, the next run quarantines the file. */
  async startReading(sourceKey: string, path: string, runId: number): Promise<void> {
    await this.catalog.conn.run(
      "INSERT OR REPLACE INTO ingest_reading (source_key, path, run_id) VALUES ($1, $2, $3)",
      [sourceKey, path, runId],
    );
  }

  /** Clears the mark once the file's outcome is recorded. */
  async doneReading(sourceKey: string): Promise<void> {
    await this.catalog.conn.run("DELETE FROM ingest_reading WHERE source_key = $1", [sourceKey]);
    this.crashed.delete(sourceKey);
  }

  /** The current version of a file (by absolute path), if it was ingested before. */
  of(path: string): FileVersion | undefined {
    return this.current.get(path);
  }

  /**
   * Records a file's new version. When it yielded documents, the shards of every earlier version of the file are
   * marked superseded in the same transaction; a version that yielded none (now unreadable) leaves the last
   * readable one active.
   */
  async record(v: NewVersion): Promise<{ version: number; replaces: FileVersion | null }> {
    const prev = this.current.get(v.path) ?? null;
    const version = (prev?.version ?? 0) + 1;
    await this.catalog.transaction(async () => {
      await this.catalog.conn.run(
        `INSERT INTO ingest_files (path, version, source_key, sha256, bytes, format, docs, quarantined, replaces, run_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          v.path,
          version,
          v.sourceKey,
          v.sha256,
          v.bytes,
          v.format,
          v.docs,
          v.quarantined,
          prev?.source_key ?? null,
          v.runId,
        ],
      );
      if (v.docs > 0)
        await this.catalog.conn.run(
          `UPDATE shards SET status = 'superseded' WHERE stage = 'ingest' AND source_key <> $2
             AND source_key IN (SELECT source_key FROM ingest_files WHERE path = $1)`,
          [v.path, v.sourceKey],
        );
    });
    this.current.set(v.path, { version, source_key: v.sourceKey, docs: v.docs });
    return { version, replaces: prev };
  }
}
