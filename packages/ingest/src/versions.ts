import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, defined, REPLAY_SOURCE } from "@soro/core";

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
  // v4: a version read in a batch has its documents in the batch's shard (shard_key, the batch's source key), under
  // the path its documents name (doc_path); a version committed on its own has no row. (A table of its own: DuckDB
  // 1.5 cannot replay an ALTER of a table with a primary key from its WAL after a kill.)
  `CREATE TABLE ingest_batched (
    path VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    shard_key VARCHAR NOT NULL,
    doc_path VARCHAR NOT NULL
  )`,
];

/** Source keys of batches start so (a file's key starts with its absolute path). */
export const BATCH_PREFIX = "batch:";

/** The current version of an ingested file. */
export interface FileVersion {
  version: number;
  source_key: string;
  docs: number;
  /** The batch whose shard holds its documents, and the path they carry there (null when committed alone). */
  shard_key: string | null;
  doc_path: string | null;
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
  /** For a version read in a batch: the batch's key and the path its documents carry. */
  shardKey?: string;
  docPath?: string;
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
      `SELECT path, version, source_key, docs, shard_key, doc_path FROM ingest_files LEFT JOIN ingest_batched USING (path, version)
       QUALIFY row_number() OVER (PARTITION BY path ORDER BY version DESC) = 1`,
    );
    const current = new Map<string, FileVersion>();
    for (const r of rows)
      current.set(String(r.path), {
        version: Number(r.version),
        source_key: String(r.source_key),
        docs: Number(r.docs),
        shard_key: r.shard_key === null ? null : String(r.shard_key),
        doc_path: r.doc_path === null ? null : String(r.doc_path),
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

  /**
   * Documents left behind in batch shards by files that have since changed: per active batch key, the paths its
   * stale documents carry (a version read in a batch whose file has a later version that yielded documents).
   */
  async staleInBatches(): Promise<Map<string, string[]>> {
    const rows = await this.catalog.rows(
      `SELECT DISTINCT o.shard_key, o.doc_path FROM ingest_batched o
       WHERE EXISTS (SELECT 1 FROM ingest_files n WHERE n.path = o.path AND n.version > o.version AND n.docs > 0)
         AND EXISTS (SELECT 1 FROM shards s WHERE s.source_key = o.shard_key AND s.status = 'active')
       ORDER BY 1, 2`,
    );
    const out = new Map<string, string[]>();
    for (const r of rows) {
      const key = String(r.shard_key);
      out.set(key, [...(out.get(key) ?? []), String(r.doc_path)]);
    }
    return out;
  }

  /**
   * Inside the commit of a batch rewritten without stale documents: the versions still in it move to the new key,
   * and the old batch's shards are superseded.
   */
  async moveBatchIn(from: string, to: string, stale: string[]): Promise<void> {
    await this.catalog.conn.run(
      `UPDATE ingest_batched SET shard_key = $2 WHERE shard_key = $1 AND NOT list_contains(from_json($3, '["VARCHAR"]'), doc_path)`,
      [from, to, JSON.stringify(stale)],
    );
    await this.catalog.conn.run(`UPDATE shards SET status = 'superseded' WHERE source_key = $1`, [from]);
    for (const v of this.current.values())
      if (v.shard_key === from && (v.doc_path === null || !stale.includes(v.doc_path))) v.shard_key = to;
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
    return defined(
      (await this.catalog.transaction(() => this.recordBatch([v])))[0],
      `the new version of ${v.path}`,
    );
  }

  /**
   * Records new versions inside a transaction the caller holds (a batch's commit), in a few statements (one per
   * file costs more than reading a small file). Earlier versions committed alone are superseded with their shards;
   * one read in a batch leaves that batch's shard after the commit (`staleInBatches`).
   */
  async recordBatch(vs: NewVersion[]): Promise<Array<{ version: number; replaces: FileVersion | null }>> {
    const next = vs.map((v) => {
      const prev = this.current.get(v.path) ?? null;
      return { v, version: (prev?.version ?? 0) + 1, replaces: prev };
    });
    const rows = next.map(({ v, version, replaces }) => ({
      path: v.path,
      version,
      source_key: v.sourceKey,
      sha256: v.sha256,
      bytes: v.bytes,
      format: v.format,
      docs: v.docs,
      quarantined: v.quarantined,
      replaces: replaces?.source_key ?? null,
      run_id: v.runId,
      shard_key: v.shardKey ?? null,
      doc_path: v.docPath ?? v.path,
    }));
    const shape = `[{"path":"VARCHAR","version":"INTEGER","source_key":"VARCHAR","sha256":"VARCHAR","bytes":"BIGINT","format":"VARCHAR","docs":"BIGINT","quarantined":"BIGINT","replaces":"VARCHAR","run_id":"BIGINT","shard_key":"VARCHAR","doc_path":"VARCHAR"}]`;
    const rowsSql = `SELECT unnest(from_json($1, '${shape}'), recursive := true)`;
    await this.catalog.conn.run(
      `INSERT INTO ingest_files (path, version, source_key, sha256, bytes, format, docs, quarantined, replaces, run_id)
       SELECT path, version, source_key, sha256, bytes, format, docs, quarantined, replaces, run_id FROM (${rowsSql})`,
      [JSON.stringify(rows)],
    );
    await this.catalog.conn.run(
      `INSERT INTO ingest_batched SELECT path, version, shard_key, doc_path FROM (${rowsSql}) WHERE shard_key IS NOT NULL`,
      [JSON.stringify(rows)],
    );
    const read = vs.filter((v) => v.docs > 0);
    if (read.length > 0)
      await this.catalog.conn.run(
        `UPDATE shards SET status = 'superseded' WHERE stage IN ('ingest', $3)
           AND NOT starts_with(source_key, '${BATCH_PREFIX}')
           AND NOT list_contains(from_json($2, '["VARCHAR"]'), source_key)
           AND source_key IN (SELECT source_key FROM ingest_files WHERE list_contains(from_json($1, '["VARCHAR"]'), path))`,
        [
          JSON.stringify(read.map((v) => v.path)),
          JSON.stringify(read.map((v) => v.sourceKey)),
          REPLAY_SOURCE,
        ],
      );
    for (const { v, version } of next)
      this.current.set(v.path, {
        version,
        source_key: v.sourceKey,
        docs: v.docs,
        shard_key: v.shardKey ?? null,
        doc_path: v.shardKey ? (v.docPath ?? v.path) : null,
      });
    return next.map(({ version, replaces }) => ({ version, replaces }));
  }
}
