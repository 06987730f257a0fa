import { existsSync } from "node:fs";
import path from "node:path";
import { Catalog, type CatalogOpenOptions, defined, describeError, sqlIdent, sqlString } from "@soro/core";
import { ensureReviewTables } from "./schema.js";

/*
 * Why review state has its own database.
 *
 * DuckDB lets one process hold a database file for writing and no other process read it meanwhile. Annotators work
 * for days, so a review server holding the catalog stopped every other command. Three ways out were weighed:
 *  - A server that owns the catalog and that the CLI talks to: every stage, `soro sql` and the worker pools would
 *    need a remote protocol for each catalog call, and a crashed server would stop everything again.
 *  - Short write transactions, opening and closing the catalog between them: a stage run holds the catalog for
 *    minutes, so every review would wait behind it, far past the 50 ms goal; and reopening costs a checkpoint.
 *  - Review state in its own DuckDB file (chosen): the server holds `<workspace>/review/catalog.duckdb` and never
 *    the catalog, so stages, `soro status`, `soro sql` and reports run beside it and no review waits for them. The
 *    catalog cannot attach the review file read-only while the server holds it (same lock), so the server instead
 *    publishes: every few seconds, when the catalog is free, it attaches the catalog for one short transaction that
 *    copies what changed (sample status, version, edited text; reviews, assignments, originals, audit) and pulls
 *    what others added (new samples, accounts). When the catalog is busy the publish waits for the next tick;
 *    reviews are already durable in the review file. `soro sft export` merges the review file first when no
 *    server holds it, so a server that died before its last publish loses nothing.
 */

/** A DuckDB connection (the type through core, which owns the DuckDB dependency). */
type DuckDBConnection = Awaited<ReturnType<Catalog["connect"]>>;

/** Where the review server keeps its state: a soro catalog of its own inside the workspace. */
export function reviewDbDir(workspaceDir: string): string {
  return path.join(workspaceDir, "review");
}

/** Tables whose rows the review database owns and publishes, each with its key (rows are never deleted). */
const PUBLISHED: Array<{ table: string; key: string[] }> = [
  { table: "sft_review_reviews", key: ["sample_id", "username"] },
  { table: "sft_review_assignments", key: ["sample_id", "username"] },
  { table: "sft_review_originals", key: ["sample_id"] },
  { table: "sft_review_audit", key: ["audit_id"] },
];

/**
 * SQL copying review state from database `src` to `dst` (both attached to one connection): rows that differ are
 * replaced, samples take the review's status, version and text. Only `dst` is written.
 */
export function publishSql(src: string, dst: string): string[] {
  const s = sqlIdent(src);
  const d = sqlIdent(dst);
  const statements = PUBLISHED.flatMap(({ table, key }) => {
    const t = sqlIdent(table);
    const changed = `SELECT * FROM ${s}.${t} EXCEPT SELECT * FROM ${d}.${t}`;
    const on = key.map((k) => `x.${sqlIdent(k)} = y.${sqlIdent(k)}`).join(" AND ");
    // Rows that differ are deleted first, so the same difference then yields the changed and the new rows.
    return [
      `DELETE FROM ${d}.${t} AS y WHERE EXISTS (SELECT 1 FROM (${changed}) AS x WHERE ${on})`,
      `INSERT INTO ${d}.${t} BY NAME ${changed}`,
    ];
  });
  statements.push(
    `UPDATE ${d}.sft_samples AS y SET status = x.status, version = x.version, messages = x.messages,
       updated_at = x.updated_at
     FROM ${s}.sft_samples AS x
     WHERE x.sample_id = y.sample_id AND (x.version <> y.version OR x.status <> y.status)`,
  );
  return statements;
}

/** SQL bringing into `dst` (the review database) what others added to `src` (the catalog): new samples, accounts. */
function pullSql(src: string, dst: string): string[] {
  const s = sqlIdent(src);
  const d = sqlIdent(dst);
  return [
    `INSERT INTO ${d}.sft_samples BY NAME SELECT * FROM ${s}.sft_samples AS x
     WHERE NOT EXISTS (SELECT 1 FROM ${d}.sft_samples AS y WHERE y.sample_id = x.sample_id)`,
    // Accounts are made with `soro sft users add` on the catalog; the review database follows it.
    `DELETE FROM ${d}.sft_review_users AS y WHERE NOT EXISTS
       (SELECT 1 FROM ${s}.sft_review_users AS x WHERE x.username = y.username AND x.password_hash = y.password_hash
          AND x.role = y.role AND x.display_name = y.display_name)`,
    // A removed account or a reset password ends that person's sessions, as `soro sft users add --replace` does.
    `DELETE FROM ${d}.sft_review_sessions AS y WHERE NOT EXISTS
       (SELECT 1 FROM ${d}.sft_review_users AS x WHERE x.username = y.username)`,
    `INSERT INTO ${d}.sft_review_users BY NAME SELECT * FROM ${s}.sft_review_users AS x
     WHERE NOT EXISTS (SELECT 1 FROM ${d}.sft_review_users AS y WHERE y.username = x.username)`,
  ];
}

async function currentDatabase(conn: DuckDBConnection): Promise<string> {
  const reader = await conn.runAndReadAll("SELECT current_database() AS db");
  return String(defined(reader.getRowObjectsJS()[0], "the current database").db);
}

async function inTransaction(conn: DuckDBConnection, statements: string[]): Promise<void> {
  await conn.run("BEGIN TRANSACTION");
  try {
    for (const sql of statements) await conn.run(sql);
    await conn.run("COMMIT");
  } catch (err) {
    await conn.run("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** What one sync with the catalog did. */
export interface SyncResult {
  /** Samples added to the review database since the last sync (to show to reviewers). */
  newSamples: string[];
}

/**
 * Syncs a review database with its workspace catalog over `conn` (a connection of the review database): attaches
 * the catalog, publishes review state to it and pulls new samples and accounts, then detaches, so the catalog is
 * held only for these two short transactions. Throws when another process holds the catalog.
 */
export async function syncWithCatalog(conn: DuckDBConnection, catalogPath: string): Promise<SyncResult> {
  const review = await currentDatabase(conn);
  const alias = "soro_workspace_catalog";
  await conn.run(`ATTACH ${sqlString(catalogPath)} AS ${sqlIdent(alias)}`);
  try {
    await inTransaction(conn, publishSql(review, alias));
    const before = await conn.runAndReadAll(`SELECT sample_id FROM ${sqlIdent(review)}.sft_samples`);
    const known = new Set(before.getRowObjectsJS().map((r) => String(r.sample_id)));
    await inTransaction(conn, pullSql(alias, review));
    const after = await conn.runAndReadAll(
      `SELECT sample_id FROM ${sqlIdent(review)}.sft_samples ORDER BY created_at, sample_id`,
    );
    return {
      newSamples: after
        .getRowObjectsJS()
        .map((r) => String(r.sample_id))
        .filter((id) => !known.has(id)),
    };
  } finally {
    await conn.run(`DETACH ${sqlIdent(alias)}`);
  }
}

/**
 * Opens the review database of a workspace for the review server: migrates the catalog's review tables (waiting
 * for the catalog like any writer), creates the review database on first use with every review the catalog
 * already holds, and syncs it once. The catalog is closed again before this returns.
 */
export async function openReviewDb(workspaceDir: string, options: CatalogOpenOptions = {}): Promise<Catalog> {
  const main = await Catalog.open(workspaceDir, options);
  const catalogPath = main.ws.catalogPath;
  try {
    await ensureReviewTables(main);
  } finally {
    main.close();
  }
  const fresh = !existsSync(path.join(reviewDbDir(workspaceDir), "catalog.duckdb"));
  const review = await Catalog.open(reviewDbDir(workspaceDir), { create: true });
  try {
    await ensureReviewTables(review);
    const conn = review.conn;
    if (fresh) {
      // Reviews made before review state had its own file come along once.
      const alias = "soro_workspace_catalog";
      await conn.run(`ATTACH ${sqlString(catalogPath)} AS ${sqlIdent(alias)} (READ_ONLY)`);
      try {
        await inTransaction(conn, [
          ...publishSql(alias, await currentDatabase(conn)).filter((s) => !s.startsWith("UPDATE")),
          ...pullSql(alias, await currentDatabase(conn)),
        ]);
      } finally {
        await conn.run(`DETACH ${sqlIdent(alias)}`);
      }
    }
    await syncWithCatalog(conn, catalogPath);
    return review;
  } catch (err) {
    review.close();
    throw err;
  }
}

/**
 * Merges a workspace's review database into its open catalog (before an export), unless a running review server
 * holds it; then the catalog already has what that server published a few seconds ago. Returns whether it merged.
 */
export async function mergeReviewDb(catalog: Catalog): Promise<boolean> {
  const file = path.join(reviewDbDir(catalog.ws.dir), "catalog.duckdb");
  if (!existsSync(file)) return false;
  await ensureReviewTables(catalog);
  const alias = "soro_review_db";
  try {
    await catalog.conn.run(`ATTACH ${sqlString(file)} AS ${sqlIdent(alias)} (READ_ONLY)`);
  } catch (err) {
    if (/lock/i.test(describeError(err))) return false;
    throw err;
  }
  try {
    await inTransaction(catalog.conn, publishSql(alias, await currentDatabase(catalog.conn)));
  } finally {
    await catalog.conn.run(`DETACH ${sqlIdent(alias)}`);
  }
  return true;
}

/**
 * Publishes a running review server's state to the workspace catalog every `everyMs` while there is something new
 * (and pulls new samples and accounts at least every `pullEveryMs`, default six ticks), on a connection of its own so reviews never
 * wait for it. A busy catalog is tried again at the next tick.
 */
export class ReviewPublisher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private publishedAudit = -1;
  private lastSync = 0;
  private lastProblem = "";
  /** When the catalog last took everything the review database held. */
  publishedAt: Date | null = null;

  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly catalogPath: string,
    private readonly onNewSamples: (ids: string[]) => Promise<void>,
    private readonly everyMs: number,
    private readonly pullEveryMs: number,
  ) {}

  /** Starts publishing the review database `review` to the catalog file at `catalogPath`. */
  static async start(
    review: Catalog,
    catalogPath: string,
    onNewSamples: (ids: string[]) => Promise<void>,
    options: { everyMs?: number; pullEveryMs?: number } = {},
  ): Promise<ReviewPublisher> {
    const p = new ReviewPublisher(
      await review.connect(),
      catalogPath,
      onNewSamples,
      options.everyMs ?? 5000,
      options.pullEveryMs ?? 6 * (options.everyMs ?? 5000),
    );
    p.timer = setInterval(() => void p.tick(), p.everyMs);
    p.timer.unref();
    return p;
  }

  /** One attempt, unless one is running; resolves when it has ended (errors are reported, not thrown). */
  tick(force = false): Promise<void> {
    this.running ??= this.attempt(force).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer and publishes a last time; resolves with whether the catalog holds everything. */
  async close(): Promise<boolean> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.tick(true);
    const published = this.publishedAudit === (await this.latestAudit());
    this.conn.closeSync();
    return published;
  }

  private async latestAudit(): Promise<number> {
    const reader = await this.conn.runAndReadAll(
      "SELECT coalesce(max(audit_id), 0) AS n FROM sft_review_audit",
    );
    return Number(reader.getRowObjectsJS()[0]?.n ?? 0);
  }

  private async attempt(force: boolean): Promise<void> {
    try {
      const audit = await this.latestAudit();
      if (!force && audit === this.publishedAudit && Date.now() - this.lastSync < this.pullEveryMs) return;
      const { newSamples } = await syncWithCatalog(this.conn, this.catalogPath);
      this.publishedAudit = audit;
      this.lastSync = Date.now();
      this.publishedAt = new Date();
      this.lastProblem = "";
      if (newSamples.length) await this.onNewSamples(newSamples);
    } catch (err) {
      const problem = describeError(err);
      // A busy catalog is the normal case while a stage runs: say it once, not every tick.
      if (problem !== this.lastProblem)
        console.error(
          /lock/i.test(problem)
            ? "soro sft review: the catalog is busy; reviews are kept in review/catalog.duckdb and published when it is free"
            : `soro sft review: publishing reviews to the catalog failed: ${problem}`,
        );
      this.lastProblem = problem;
    }
  }
}
