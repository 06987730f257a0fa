import type { Catalog } from "@soro/core";
import { sqlString } from "@soro/core";

/** The crawl's catalog tables (prefix `crawl_`), applied in order by `ensureExtension("crawl", ...)`. */
export const CRAWL_MIGRATIONS = [
  `CREATE SEQUENCE crawl_seq;
   CREATE TABLE crawl_frontier (
     url VARCHAR PRIMARY KEY,
     seq BIGINT NOT NULL,
     host VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,            -- page | sitemap
     depth INTEGER NOT NULL,
     hops INTEGER NOT NULL,            -- redirects that led here
     parent VARCHAR,
     status VARCHAR NOT NULL,          -- queued | done | failed | skipped
     reason VARCHAR,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_at BIGINT NOT NULL DEFAULT 0 -- epoch ms before which a retry must not start
   );
   CREATE TABLE crawl_fetches (
     url VARCHAR NOT NULL,
     host VARCHAR NOT NULL,
     kind VARCHAR NOT NULL,            -- page | sitemap | robots
     depth INTEGER,
     fetched_at VARCHAR NOT NULL,
     status INTEGER,                   -- HTTP status, NULL when no response
     content_type VARCHAR,
     bytes BIGINT,
     truncated VARCHAR,
     elapsed_ms INTEGER,
     outcome VARCHAR NOT NULL,         -- what the crawler did with it
     error VARCHAR,
     warc_file VARCHAR,
     warc_offset BIGINT,
     warc_length BIGINT,
     batch INTEGER                     -- document batch (source key crawl-batch-N) when it gave a document
   );
   CREATE TABLE crawl_files (
     url VARCHAR PRIMARY KEY,
     path VARCHAR NOT NULL,            -- relative to the workspace
     content_type VARCHAR,
     bytes BIGINT,
     sha256 VARCHAR,
     truncated VARCHAR,
     fetched_at VARCHAR
   );
   CREATE TABLE crawl_state (key VARCHAR PRIMARY KEY, value VARCHAR);`,
  // The opt-out signals a fetch showed (X-Robots-Tag, meta robots, TDMRep, AI crawler groups), as JSON.
  `ALTER TABLE crawl_fetches ADD COLUMN opt_out VARCHAR;`,
];

/** One frontier row as the scheduler holds it. */
export interface FrontierItem {
  url: string;
  seq: number;
  host: string;
  kind: "page" | "sitemap";
  depth: number;
  hops: number;
  attempts: number;
  nextAt: number;
}

/** A URL to add: new URLs are queued, known ones ignored (the seen-URL dedup). */
export interface NewUrl {
  url: string;
  host: string;
  kind: "page" | "sitemap";
  depth: number;
  hops: number;
  parent: string | null;
}

/** A frontier row's new state after an attempt. */
export interface UrlUpdate {
  url: string;
  status: "queued" | "done" | "failed" | "skipped";
  reason: string | null;
  attempts: number;
  nextAt: number;
}

/** A fetch log row. */
export interface FetchLogRow {
  url: string;
  host: string;
  kind: "page" | "sitemap" | "robots";
  depth: number | null;
  fetchedAt: string;
  status: number | null;
  contentType: string | null;
  bytes: number | null;
  truncated: string | null;
  elapsedMs: number;
  outcome: string;
  error: string | null;
  warc: { file: string; offset: number; length: number } | null;
  batch: number | null;
  /** Opt-out signals seen (JSON object by where), null when none. */
  optOut?: string | null;
}

/** A document file kept for another stage (PDF and office formats). */
export interface FileRow {
  url: string;
  path: string;
  contentType: string | null;
  bytes: number;
  sha256: string;
  truncated: string | null;
  fetchedAt: string;
}

/** A frontier row as a scheduler item. */
function toItem(r: Record<string, unknown>): FrontierItem {
  return {
    url: String(r.url),
    seq: Number(r.seq),
    host: String(r.host),
    kind: r.kind as FrontierItem["kind"],
    depth: Number(r.depth),
    hops: Number(r.hops),
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
  };
}

const v = (x: string | number | null | undefined): string =>
  x === null || x === undefined ? "NULL" : typeof x === "number" ? String(x) : sqlString(x);

/** URLs this process has committed to the frontier, the most recent ones only: two generations of `size` each. */
class RecentUrls {
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly size: number) {}

  has(url: string): boolean {
    return this.current.has(url) || this.previous.has(url);
  }

  add(url: string): void {
    if (this.current.size >= this.size) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(url);
  }
}

/** The crawl's persistent state in the catalog: frontier, fetch log, kept files and settings. */
export class Frontier {
  /**
   * Links repeat from page to page (menus, headers, footers): those committed lately are dropped before they reach
   * DuckDB, whose primary key would refuse them anyway. Bounded, so a long crawl's memory does not grow with it.
   */
  private readonly recent = new RecentUrls(50_000);

  private constructor(readonly catalog: Catalog) {}

  /** Opens (creating if needed) the crawl tables of a catalog. */
  static async open(catalog: Catalog): Promise<Frontier> {
    await catalog.ensureExtension("crawl", CRAWL_MIGRATIONS);
    return new Frontier(catalog);
  }

  /** A saved setting (JSON), e.g. the config a crawl was started with. */
  async getState<T>(key: string): Promise<T | null> {
    const rows = await this.catalog.rows("SELECT value FROM crawl_state WHERE key = $1", [key]);
    const [row] = rows;
    return row ? (JSON.parse(String(row.value)) as T) : null;
  }

  /** Saves a setting. */
  async setState(key: string, value: unknown): Promise<void> {
    await this.catalog.conn.run("INSERT OR REPLACE INTO crawl_state VALUES ($1, $2)", [
      key,
      JSON.stringify(value),
    ]);
  }

  /** Queued URLs after `afterSeq`, oldest first (breadth-first, since links get higher sequence numbers). */
  async queued(afterSeq: number, limit: number): Promise<FrontierItem[]> {
    const rows = await this.catalog.rows(
      `SELECT url, seq, host, kind, depth, hops, attempts, next_at FROM crawl_frontier
       WHERE status = 'queued' AND seq > $1 ORDER BY seq LIMIT ${limit}`,
      [afterSeq],
    );
    return rows.map(toItem);
  }

  /** The queued frontier row of a URL, if it is queued. */
  async queuedItem(url: string): Promise<FrontierItem | null> {
    const rows = await this.catalog.rows(
      "SELECT url, seq, host, kind, depth, hops, attempts, next_at FROM crawl_frontier WHERE url = $1 AND status = 'queued'",
      [url],
    );
    const [row] = rows;
    return row ? toItem(row) : null;
  }

  /**
   * Records attempts, fetch log rows, kept files and discovered URLs in one transaction; returns how many of the
   * discovered URLs were new to this process (0 means the frontier surely gained nothing).
   */
  async commit(updates: UrlUpdate[], log: FetchLogRow[], files: FileRow[], found: NewUrl[]): Promise<number> {
    const conn = this.catalog.conn;
    // The first of each URL wins (its depth and parent), as the order of discovery is the crawl order.
    const offered = new Set<string>();
    const discovered = found.filter((u) => {
      if (offered.has(u.url) || this.recent.has(u.url)) return false;
      offered.add(u.url);
      return true;
    });
    await this.catalog.transaction(async () => {
      if (discovered.length > 0) {
        // Bulk-load through an appender into a scratch table, then one set-based insert: parsing thousands of
        // VALUES tuples per commit cost more than the crawl's fetches. The table is made anew each commit: rows
        // deleted (or truncated) from a temp table keep their memory, about 80 bytes a URL for the whole crawl.
        await conn.run(
          "CREATE OR REPLACE TEMP TABLE crawl_new (ord INTEGER, url VARCHAR, host VARCHAR, kind VARCHAR, depth INTEGER, hops INTEGER, parent VARCHAR)",
        );
        const app = await conn.createAppender("crawl_new", "main", "temp");
        discovered.forEach((u, i) => {
          app.appendInteger(i);
          app.appendVarchar(u.url);
          app.appendVarchar(u.host);
          app.appendVarchar(u.kind);
          app.appendInteger(u.depth);
          app.appendInteger(u.hops);
          if (u.parent === null) app.appendNull();
          else app.appendVarchar(u.parent);
          app.endRow();
        });
        app.closeSync();
        await conn.run(
          `INSERT INTO crawl_frontier (url, seq, host, kind, depth, hops, parent, status)
           SELECT url, nextval('crawl_seq'), host, kind, depth, hops, parent, 'queued' FROM (
             SELECT * FROM crawl_new ORDER BY ord)
           ON CONFLICT DO NOTHING`,
        );
      }
      // One UPDATE per commit: per-row statements would cost more than the fetches they record.
      for (let i = 0; i < updates.length; i += 1000) {
        const values = updates
          .slice(i, i + 1000)
          .map((u) => `(${v(u.url)}, ${v(u.status)}, ${v(u.reason)}, ${u.attempts}, ${u.nextAt})`);
        await conn.run(
          `UPDATE crawl_frontier SET status = u.status, reason = u.reason, attempts = u.attempts, next_at = u.next_at
           FROM (VALUES ${values.join(",")}) AS u(url, status, reason, attempts, next_at)
           WHERE crawl_frontier.url = u.url`,
        );
      }
      if (log.length > 0) {
        const values = log.map(
          (l) =>
            `(${[
              v(l.url),
              v(l.host),
              v(l.kind),
              v(l.depth),
              v(l.fetchedAt),
              v(l.status),
              v(l.contentType),
              v(l.bytes),
              v(l.truncated),
              v(l.elapsedMs),
              v(l.outcome),
              v(l.error),
              v(l.warc?.file),
              v(l.warc?.offset),
              v(l.warc?.length),
              v(l.batch),
              v(l.optOut ?? null),
            ].join(", ")})`,
        );
        await conn.run(`INSERT INTO crawl_fetches VALUES ${values.join(",")}`);
      }
      for (const f of files) {
        await conn.run("INSERT OR REPLACE INTO crawl_files VALUES ($1, $2, $3, $4, $5, $6, $7)", [
          f.url,
          f.path,
          f.contentType,
          f.bytes,
          f.sha256,
          f.truncated,
          f.fetchedAt,
        ]);
      }
    });
    for (const u of discovered) this.recent.add(u.url);
    return discovered.length;
  }

  /** Pages fetched so far, in all and per host (for --max-pages and the per-host cap after a resume). */
  async fetchedCounts(): Promise<{ total: number; perHost: Map<string, number> }> {
    const rows = await this.catalog.rows(
      "SELECT host, count(*) AS n FROM crawl_fetches WHERE kind <> 'robots' AND status IS NOT NULL GROUP BY host",
    );
    const perHost = new Map(rows.map((r) => [String(r.host), Number(r.n)]));
    let total = 0;
    for (const n of perHost.values()) total += n;
    return { total, perHost };
  }

  /** The end of the last recorded record of each WARC file (anything after it was never committed). */
  async warcEnds(): Promise<Map<string, number>> {
    const rows = await this.catalog.rows(
      "SELECT warc_file, max(warc_offset + warc_length) AS e FROM crawl_fetches WHERE warc_file IS NOT NULL GROUP BY warc_file",
    );
    return new Map(rows.map((r) => [String(r.warc_file), Number(r.e)]));
  }

  /** Document batches recorded in the fetch log, with the highest batch number. */
  async batches(): Promise<number[]> {
    const rows = await this.catalog.rows(
      "SELECT DISTINCT batch FROM crawl_fetches WHERE batch IS NOT NULL ORDER BY batch",
    );
    return rows.map((r) => Number(r.batch));
  }

  /** The fetch log rows of one document batch (to rebuild its documents from the WARCs). */
  async batchRows(batch: number): Promise<
    Array<{
      url: string;
      depth: number;
      fetchedAt: string;
      warc: { file: string; offset: number; length: number };
    }>
  > {
    const rows = await this.catalog.rows(
      `SELECT url, depth, fetched_at, warc_file, warc_offset, warc_length FROM crawl_fetches
       WHERE batch = $1 ORDER BY fetched_at, url`,
      [batch],
    );
    return rows.map((r) => ({
      url: String(r.url),
      depth: Number(r.depth),
      fetchedAt: String(r.fetched_at),
      warc: { file: String(r.warc_file), offset: Number(r.warc_offset), length: Number(r.warc_length) },
    }));
  }

  /** Frontier size by status. */
  async summary(): Promise<Record<string, number>> {
    const rows = await this.catalog.rows("SELECT status, count(*) AS n FROM crawl_frontier GROUP BY status");
    return Object.fromEntries(rows.map((r) => [String(r.status), Number(r.n)]));
  }
}
