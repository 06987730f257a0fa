import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, REPLAY_SOURCE } from "@soro/core";

/** What a mark of a file being read holds. */
interface ReadingMark {
  sourceKey: string;
  path: string;
  runId: number;
}

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
  // v2: marks of files being read (since moved to files under tmp/ingest-reading, which go even on a full disk).
  `CREATE TABLE ingest_reading (source_key VARCHAR PRIMARY KEY)`,
  // v3: the marks table is gone.
  `DROP TABLE ingest_reading`,
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
    private readonly marks: string,
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
    // A mark is a file: writing it fails before reading starts, and removing it works even on a full disk, so only a
    // process that died mid-file leaves one.
    const marks = path.join(catalog.ws.tmpDir, "ingest-reading");
    await mkdir(marks, { recursive: true });
    const crashed = new Map<string, number>();
    for (const name of await readdir(marks)) {
      const mark = JSON.parse(
        await readFile(path.join(marks, name), "utf8").catch(() => "{}"),
      ) as ReadingMark;
      if (mark.sourceKey) crashed.set(mark.sourceKey, mark.runId);
    }
    return new FileVersions(catalog, current, crashed, marks);
  }

  /** The run that died while reading this source key (its "reading" mark was never removed), if any. */
  crashedIn(sourceKey: string): number | undefined {
    return this.crashed.get(sourceKey);
  }

  /** Marks a file as being read, before reading it: if this process dies, the next run quarantines the file. */
  async startReading(sourceKey: string, file: string, runId: number): Promise<void> {
    const mark: ReadingMark = { sourceKey, path: file, runId };
    await writeFile(this.markFile(sourceKey), JSON.stringify(mark));
  }

  /** Removes the mark once the file's outcome is recorded, or its reading failed with an error (not a crash). */
  async doneReading(sourceKey: string): Promise<void> {
    await rm(this.markFile(sourceKey), { force: true });
    this.crashed.delete(sourceKey);
  }

  private markFile(sourceKey: string): string {
    return path.join(this.marks, `${createHash("sha256").update(sourceKey).digest("hex").slice(0, 32)}.json`);
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
          `UPDATE shards SET status = 'superseded' WHERE stage IN ('ingest', $3) AND source_key <> $2
             AND source_key IN (SELECT source_key FROM ingest_files WHERE path = $1)`,
          [v.path, v.sourceKey, REPLAY_SOURCE],
        );
    });
    this.current.set(v.path, { version, source_key: v.sourceKey, docs: v.docs });
    return { version, replaces: prev };
  }
}
