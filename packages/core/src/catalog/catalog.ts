import { mkdir, readdir, unlink } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from "@duckdb/node-api";
import { sqlString } from "../duck.js";
import { duckdb } from "../duckdb.js";
import { CatalogLockedError, CatalogVersionError, defined, firstLine, SoroError } from "../errors.js";
import { durableRename } from "../shards/files.js";
import type { ShardFile } from "../shards/writer.js";
import { resolveWorkspace, type Workspace } from "../workspace.js";
import {
  clearHolderFile,
  describeHolder,
  isLockConflict,
  type LockHolder,
  lockHolder,
  writeHolderFile,
} from "./lock.js";
import { CORE_MIGRATIONS } from "./migrations.js";

/** A registered shard as the catalog records it. */
export interface ShardRecord {
  shard_id: string;
  stage: string;
  path: string;
  source_key: string;
  parents: string[];
  config_hash: string;
  run_id: number;
  status: "pending" | "active" | "superseded";
  rows: number;
  bytes: number;
  chars: number;
  tokens: number | null;
  sha256: string;
  /** The shard's columns (as written). */
  columns?: string[];
}

/** What a stage did to one input (a parent shard or a source file). */
export interface InputStats {
  docsIn: number;
  charsIn: number;
  docsOut: number;
  charsOut: number;
  quarantined: number;
  /** Documents and characters removed, by rule name. */
  removed: Record<string, { docs: number; chars: number }>;
}

/** One batch of shards to register atomically for one input of a stage run. */
export interface ShardCommit {
  runId: number;
  stage: string;
  configHash: string;
  /** Identity of the input these shards came from, for resume (a parent shard id or a source file key). */
  sourceKey: string;
  parents: string[];
  files: ShardFile[];
  stats: InputStats;
  /** `pending` until the whole run completes (then `activateRun`), or `active` for incremental sources. */
  status: "pending" | "active";
  /** Further catalog writes that must land in the same transaction (a source's own bookkeeping). */
  within?: () => Promise<void>;
}

/** An input a stage could not use, kept with its reason instead of being dropped. */
export interface QuarantineEntry {
  runId: number | null;
  stage: string;
  input: string;
  reason: string;
  excerpt?: string;
}

const CORE_KEY = "schema_version";

/** How to open a catalog. */
export interface CatalogOpenOptions {
  /** Create the workspace and catalog if missing. */
  create?: boolean;
  readOnly?: boolean;
  /** Seconds to wait while another process holds the catalog (default 0: fail at once with exit code 6). */
  wait?: number;
  /** Called once when the catalog is found locked and the open starts waiting. */
  onWait?: (holder: LockHolder, file: string, waitSeconds: number) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The DuckDB catalog of one workspace: shards, runs, statistics, quarantine. One writer process at a time. */
export class Catalog {
  private constructor(
    readonly ws: Workspace,
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /**
   * Opens (and with `create`, initialises) the catalog of a workspace, migrating it to the current schema. While
   * another process holds it, waits up to `wait` seconds (polling, so writers queue instead of failing), then fails
   * naming the holder. A writer leaves a holder file with its PID and command line so waiters can say who it is.
   */
  static async open(dir: string, options: CatalogOpenOptions = {}): Promise<Catalog> {
    const ws = await resolveWorkspace(dir, options.create ?? false);
    const started = Date.now();
    const deadline = started + Math.max(0, options.wait ?? 0) * 1000;
    let instance: DuckDBInstance | null = null;
    for (let delay = 50, told = false; !instance; delay = Math.min(delay * 2, 1000)) {
      try {
        instance = await duckdb.DuckDBInstance.create(ws.catalogPath, {
          access_mode: options.readOnly ? "READ_ONLY" : "READ_WRITE",
          autoinstall_known_extensions: "false",
          temp_directory: ws.tmpDir,
        });
      } catch (err) {
        const msg = (err as Error).message;
        if (!isLockConflict(msg)) {
          throw new SoroError(
            `soro: cannot open catalog ${ws.catalogPath} (${firstLine(msg)})`,
            "check that the file is a soro catalog",
            6,
          );
        }
        const holder = lockHolder(ws, msg);
        const left = deadline - Date.now();
        if (left <= 0)
          throw new CatalogLockedError(ws.catalogPath, describeHolder(holder), (Date.now() - started) / 1000);
        if (!told) options.onWait?.(holder, ws.catalogPath, left / 1000);
        told = true;
        await sleep(Math.min(delay, left));
      }
    }
    if (!options.readOnly) writeHolderFile(ws);
    const conn = await instance.connect();
    const catalog = new Catalog(ws, instance, conn);
    try {
      await catalog.migrate(CORE_KEY, CORE_MIGRATIONS, options.readOnly ?? false);
    } catch (err) {
      catalog.close();
      throw err;
    }
    return catalog;
  }

  /** Closes the catalog. */
  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
    clearHolderFile(this.ws);
  }

  /** Another connection to the same database, for work that must not wait behind `conn` (close it before `close`). */
  connect(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Applies a package's own migrations (tables it owns) under its own version key, e.g. `ext:crawl`. */
  async ensureExtension(name: string, migrations: string[]): Promise<void> {
    await this.migrate(`ext:${name}`, migrations, false);
  }

  private async migrate(key: string, migrations: string[], readOnly: boolean): Promise<void> {
    if (!readOnly)
      await this.conn.run("CREATE TABLE IF NOT EXISTS soro_meta (key VARCHAR PRIMARY KEY, value VARCHAR)");
    const found = await this.version(key);
    if (found > migrations.length)
      throw new CatalogVersionError(this.ws.catalogPath, found, migrations.length);
    if (found === migrations.length) return;
    if (readOnly) {
      throw new SoroError(
        `soro: catalog ${this.ws.catalogPath} needs migration ${found}→${migrations.length}`,
        "run any writing soro command (e.g. `soro status`) once without --read-only",
        4,
      );
    }
    await this.transaction(async () => {
      for (const sql of migrations.slice(found)) await this.conn.run(sql);
      await this.conn.run("INSERT OR REPLACE INTO soro_meta VALUES ($1, $2)", [
        key,
        String(migrations.length),
      ]);
    });
  }

  /** The schema version recorded under `key` (0 when none). */
  async version(key = CORE_KEY): Promise<number> {
    const exists = await this.rows("SELECT 1 FROM duckdb_tables() WHERE table_name = 'soro_meta'");
    if (exists.length === 0) return 0;
    const rows = await this.rows("SELECT value FROM soro_meta WHERE key = $1", [key]);
    return Number(rows[0]?.value ?? 0);
  }

  /** Runs `fn` inside one transaction, rolling back on any error. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.conn.run("BEGIN TRANSACTION");
    try {
      const out = await fn();
      await this.conn.run("COMMIT");
      return out;
    } catch (err) {
      // A failed COMMIT (a full disk) has already ended the transaction: its ROLLBACK error must not hide the cause.
      await this.conn.run("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  /** A query's rows as plain JS objects (BIGINT counts as numbers). */
  async rows(sql: string, params?: DuckDBValue[]): Promise<Record<string, unknown>[]> {
    const reader = await this.conn.runAndReadAll(sql, params);
    return reader.getRowObjectsJS().map((row) => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) out[k] = typeof v === "bigint" ? Number(v) : v;
      return out;
    });
  }

  /** Records the start of a stage run and returns its id. */
  async beginRun(stage: string, configHash: string, config: unknown, workers: number): Promise<number> {
    const rows = await this.rows(
      `INSERT INTO stage_runs (run_id, stage, config_hash, config, status, workers, pid)
       VALUES (nextval('run_seq'), $1, $2, $3, 'running', $4, $5) RETURNING run_id`,
      [stage, configHash, JSON.stringify(config ?? null), workers, process.pid],
    );
    return Number(defined(rows[0], "the run id INSERT ... RETURNING gave").run_id);
  }

  /** Records the end of a stage run. */
  async finishRun(runId: number, status: "done" | "failed" | "interrupted", error?: string): Promise<void> {
    await this.conn.run(
      "UPDATE stage_runs SET status = $1, error = $2, finished_at = current_timestamp WHERE run_id = $3",
      [status, error ?? null, runId],
    );
  }

  /** Marks runs left 'running' by a process that died as interrupted (called before a new run starts). */
  async markStaleRuns(stage: string): Promise<void> {
    await this.conn.run(
      `UPDATE stage_runs SET status = 'interrupted', error = 'process ended before the run finished',
       finished_at = current_timestamp WHERE stage = $1 AND status = 'running'`,
      [stage],
    );
  }

  /**
   * Moves finished shard files into the shards folder and registers them, their input's statistics and rule
   * removals in one transaction: a crash before COMMIT leaves only unregistered files, which `removeOrphans` clears.
   */
  async commitShards(commit: ShardCommit): Promise<ShardRecord[]> {
    const placed: Array<{ file: ShardFile; rel: string }> = [];
    for (const file of commit.files) {
      const rel = path.join("shards", file.name);
      const abs = path.join(this.ws.dir, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await durableRename(file.tmpPath, abs);
      placed.push({ file, rel });
    }
    const s = commit.stats;
    await this.transaction(async () => {
      // A retried input replaces what an earlier attempt of the same config registered.
      for (const table of ["shards", "stage_io", "rule_stats"]) {
        await this.conn.run(
          `DELETE FROM ${table} WHERE stage = $1 AND config_hash = $2 AND source_key = $3`,
          [commit.stage, commit.configHash, commit.sourceKey],
        );
      }
      for (const { file, rel } of placed) {
        await this.conn.run(
          `INSERT OR REPLACE INTO shards (shard_id, stage, path, source_key, parents, config_hash, run_id, status,
             rows, bytes, chars, sha256, columns)
           VALUES ($1, $2, $3, $4, from_json($5, '["VARCHAR"]'), $6, $7, $8, $9, $10, $11, $12, from_json($13, '["VARCHAR"]'))`,
          [
            file.name,
            commit.stage,
            rel,
            commit.sourceKey,
            JSON.stringify(commit.parents),
            commit.configHash,
            commit.runId,
            commit.status,
            file.rows,
            file.bytes,
            file.chars,
            file.sha256,
            JSON.stringify(file.columns),
          ],
        );
      }
      await this.conn.run(`INSERT INTO stage_io VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        commit.runId,
        commit.stage,
        commit.configHash,
        commit.sourceKey,
        s.docsIn,
        s.charsIn,
        s.docsOut,
        s.charsOut,
        s.quarantined,
      ]);
      for (const [rule, r] of Object.entries(s.removed)) {
        await this.conn.run(`INSERT INTO rule_stats VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`, [
          commit.runId,
          commit.stage,
          commit.configHash,
          commit.sourceKey,
          rule,
          r.docs,
          r.chars,
        ]);
      }
      await this.resolveQuarantine(commit.stage, commit.sourceKey, commit.runId);
      await commit.within?.();
    });
    return (await this.rows(
      `SELECT * FROM shards WHERE stage = $1 AND config_hash = $2 AND source_key = $3 ORDER BY shard_id`,
      [commit.stage, commit.configHash, commit.sourceKey],
    )) as unknown as ShardRecord[];
  }

  /** Makes a completed run's shards the stage's current output, superseding those of other configurations. */
  async activateRun(stage: string, configHash: string): Promise<void> {
    await this.transaction(async () => {
      await this.conn.run(`UPDATE shards SET status = 'superseded' WHERE stage = $1 AND config_hash <> $2`, [
        stage,
        configHash,
      ]);
      await this.conn.run(`UPDATE shards SET status = 'active' WHERE stage = $1 AND config_hash = $2`, [
        stage,
        configHash,
      ]);
    });
  }

  /** The current (active) shards of the given stages, in a stable order. */
  async activeShards(stages: string[]): Promise<ShardRecord[]> {
    if (stages.length === 0) return [];
    return (await this.rows(
      `SELECT * FROM shards WHERE status = 'active' AND list_contains(from_json($1, '["VARCHAR"]'), stage) ORDER BY stage, shard_id`,
      [JSON.stringify(stages)],
    )) as unknown as ShardRecord[];
  }

  /** Input keys already committed by a stage under a configuration: a rerun skips them. */
  async committedSourceKeys(stage: string, configHash: string): Promise<Set<string>> {
    const rows = await this.rows(`SELECT source_key FROM stage_io WHERE stage = $1 AND config_hash = $2`, [
      stage,
      configHash,
    ]);
    return new Set(rows.map((r) => String(r.source_key)));
  }

  /** Deletes files under a stage's shard folder that the catalog does not know (left by a crash before COMMIT). */
  async removeOrphans(stage: string): Promise<string[]> {
    const dir = path.join(this.ws.shardsDir, stage);
    let names: string[];
    try {
      names = await readdir(dir, { recursive: true });
    } catch {
      return [];
    }
    const known = new Set(
      (await this.rows(`SELECT path FROM shards WHERE stage = $1`, [stage])).map((r) => String(r.path)),
    );
    const removed: string[] = [];
    for (const name of names) {
      if (!name.endsWith(".parquet")) continue;
      const rel = path.join("shards", stage, name);
      if (!known.has(rel)) {
        await unlink(path.join(this.ws.dir, rel));
        removed.push(rel);
      }
    }
    return removed;
  }

  /** Records a shard's exact token count (set by the trainer bridge's tokenizer). */
  async setShardTokens(shardId: string, tokens: number): Promise<void> {
    await this.conn.run(`UPDATE shards SET tokens = $1 WHERE shard_id = $2`, [tokens, shardId]);
  }

  /** Keeps a bad input with its reason. */
  async quarantine(entries: QuarantineEntry[]): Promise<void> {
    for (const e of entries) {
      await this.conn.run(
        `INSERT INTO quarantine (run_id, stage, input, reason, excerpt) VALUES ($1, $2, $3, $4, $5)`,
        [e.runId, e.stage, e.input, e.reason, e.excerpt?.slice(0, 500) ?? null],
      );
    }
  }

  /** Marks what earlier runs quarantined for an input (a whole shard, a whole file) resolved: it has now been read. */
  async resolveQuarantine(stage: string, input: string | string[], runId: number): Promise<void> {
    const inputs = typeof input === "string" ? [input] : input;
    if (inputs.length === 0) return;
    await this.conn.run(
      `INSERT INTO quarantine_resolved (quarantine_id)
       SELECT quarantine_id FROM quarantine_open WHERE stage = $1 AND list_contains(from_json($2, '["VARCHAR"]'), input) AND run_id <> $3`,
      [stage, JSON.stringify(inputs), runId],
    );
  }

  /** The absolute path of a shard record's file. */
  shardPath(shard: Pick<ShardRecord, "path">): string {
    return path.join(this.ws.dir, shard.path);
  }

  /** A SQL expression reading the active shards of a stage as one table, for selections and reports. */
  async stageTableSql(stage: string): Promise<string | null> {
    const shards = await this.activeShards([stage]);
    if (shards.length === 0) return null;
    return `read_parquet([${shards.map((s) => sqlString(this.shardPath(s))).join(", ")}], union_by_name = true)`;
  }
}
