import { access, rm } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import type { Catalog } from "./catalog/catalog.js";
import { sqlString } from "./duck.js";
import { defined, UsageError } from "./errors.js";
import { durableRename, fileSha256 } from "./shards/files.js";
import { copyQueryToShard } from "./shards/writer.js";

/** What a takedown names: one URL, every URL of a host (and its subdomains), or one document id. */
export const TAKEDOWN_KINDS = ["url", "host", "doc_id"] as const;
export type TakedownKind = (typeof TAKEDOWN_KINDS)[number];

/** A takedown request. */
export interface TakedownRequest {
  kind: TakedownKind;
  value: string;
  reason?: string;
  /** Who asked (default: the `SORO_USER` environment variable, else the login name). */
  by?: string;
}

/** What a takedown did. */
export interface TakedownResult {
  takedownId: number;
  /** Distinct documents removed, and their copies across stages (one per shard row). */
  docs: number;
  rows: number;
  /** Shards rewritten, by stage. */
  shards: Record<string, number>;
}

/** The host of `url` in SQL (lowercase, no port or credentials). */
function hostOf(url: string): string {
  return `lower(regexp_extract(${url}, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]+)', 1))`;
}

/**
 * SQL true for a document (alias `d`) that a takedown row (alias `t`) names. The list lives in the catalog, so a
 * stage, an export or a new source consults the same list.
 */
function matchSql(d: string, t: string): string {
  const host = hostOf(`${d}.url`);
  return `((${t}.kind = 'url' AND ${d}.url = ${t}.value)
    OR (${t}.kind = 'host' AND (${host} = ${t}.value OR ${host} LIKE '%.' || ${t}.value))
    OR (${t}.kind = 'doc_id' AND ${d}.id = ${t}.value))`;
}

/** SQL true for a document (alias `d`) on the takedown list; only on the catalog's own connection. */
export function takenDownSql(d = "d"): string {
  return `EXISTS (SELECT 1 FROM takedowns t WHERE ${matchSql(d, "t")})`;
}

/** The takedown list in memory, for sources that check documents one by one as they make them. */
export class TakedownList {
  private constructor(
    private readonly urls: Set<string>,
    private readonly hosts: string[],
    private readonly ids: Set<string>,
  ) {}

  /** Loads the list from the catalog. */
  static async load(catalog: Catalog): Promise<TakedownList> {
    const rows = await catalog.rows(`SELECT kind, value FROM takedowns`);
    const of = (k: TakedownKind) => rows.filter((r) => r.kind === k).map((r) => String(r.value));
    return new TakedownList(new Set(of("url")), of("host"), new Set(of("doc_id")));
  }

  /** How many entries the list holds. */
  get size(): number {
    return this.urls.size + this.hosts.length + this.ids.size;
  }

  /** Whether a document (or a URL about to be fetched) is on the list. */
  has(doc: { id?: unknown; url?: unknown }): boolean {
    if (typeof doc.id === "string" && this.ids.has(doc.id)) return true;
    if (typeof doc.url !== "string") return false;
    if (this.urls.has(doc.url)) return true;
    if (this.hosts.length === 0) return false;
    let host: string;
    try {
      host = new URL(doc.url).hostname.toLowerCase();
    } catch {
      return false;
    }
    return this.hosts.some((h) => host === h || host.endsWith(`.${h}`));
  }
}

/** Checks and normalises a request's value (hosts lowercase; ids 32 hex digits; URLs absolute). */
function checkRequest(req: TakedownRequest): string {
  const value = req.value.trim();
  if (req.kind === "doc_id" && !/^[0-9a-f]{32}$/.test(value))
    throw new UsageError(
      `soro takedown: --doc-id ${value} is not a document id`,
      "give the 32 hex digits of the id column",
    );
  if (req.kind === "host" && !/^[a-z0-9.-]+$/i.test(value))
    throw new UsageError(
      `soro takedown: --host ${value} is not a host name`,
      "give a name such as news.example.tj",
    );
  if (req.kind === "url" && !URL.canParse(value))
    throw new UsageError(`soro takedown: --url ${value} is not an absolute URL`, "give the URL as crawled");
  return req.kind === "host" ? value.toLowerCase() : value;
}

/**
 * Finishes rewrites a killed takedown left: a shard whose file already holds the new content only needs its
 * catalog row; one whose temporary file is complete is moved into place first; anything else is planned again.
 */
async function resumeRewrites(catalog: Catalog): Promise<void> {
  const open = await catalog.rows(
    `SELECT r.*, s.path FROM takedown_rewrites r JOIN shards s USING (shard_id) WHERE NOT r.done`,
  );
  for (const r of open) {
    const target = path.join(catalog.ws.dir, String(r.path));
    const tmp = String(r.tmp_path);
    const present = async (f: string) =>
      access(f).then(
        () => true,
        () => false,
      );
    if ((await present(target)) && (await fileSha256(target)) === r.sha256) {
      // renamed before the crash
    } else if ((await present(tmp)) && (await fileSha256(tmp)) === r.sha256) await durableRename(tmp, target);
    else {
      await catalog.conn.run(`DELETE FROM takedown_rewrites WHERE takedown_id = $1 AND shard_id = $2`, [
        Number(r.takedown_id),
        String(r.shard_id),
      ]);
      continue;
    }
    await applyRewrite(catalog, r);
  }
}

/** Registers one rewritten shard: its new size and hash, the removal as rule `takedown`, the rewrite done. */
async function applyRewrite(catalog: Catalog, r: Record<string, unknown>): Promise<void> {
  const id = String(r.shard_id);
  await catalog.transaction(async () => {
    const [old] = await catalog.rows(
      `SELECT stage, config_hash, source_key, rows, chars FROM shards WHERE shard_id = $1`,
      [id],
    );
    if (!old) return;
    const docs = Number(old.rows) - Number(r.rows);
    const chars = Number(old.chars) - Number(r.chars);
    // Token counts of the old content no longer hold; the bridge counts the shard again.
    await catalog.conn.run(
      `UPDATE shards SET rows = $1, bytes = $2, chars = $3, sha256 = $4, tokens = NULL WHERE shard_id = $5`,
      [Number(r.rows), Number(r.bytes), Number(r.chars), String(r.sha256), id],
    );
    const key = [String(old.stage), String(old.config_hash), String(old.source_key)];
    await catalog.conn.run(
      `UPDATE stage_io SET docs_out = docs_out - $4, chars_out = chars_out - $5
       WHERE stage = $1 AND config_hash = $2 AND source_key = $3`,
      [...key, docs, chars],
    );
    await catalog.conn.run(
      `INSERT INTO rule_stats VALUES ($6, $1, $2, $3, 'takedown', $4, $5, NULL)
       ON CONFLICT DO UPDATE SET docs_removed = docs_removed + EXCLUDED.docs_removed,
         chars_removed = chars_removed + EXCLUDED.chars_removed`,
      [...key, docs, chars, Number(r.run_id ?? 0)],
    );
    await catalog.conn.run(
      `UPDATE takedown_rewrites SET done = true WHERE takedown_id = $1 AND shard_id = $2`,
      [Number(r.takedown_id), id],
    );
  });
}

/**
 * Takes documents down: records the request (who, when, why) so every later source, stage and export leaves
 * them out, then rewrites every shard that holds one (active, pending or superseded, so no rerun brings it back)
 * without it. Each new file is complete and fsynced under the temporary folder before anything moves; the plan is
 * recorded in the catalog, the files are renamed over the old ones, and each shard's row, statistics (rule
 * `takedown`) and the plan's progress are committed together, so a killed takedown is finished by the next.
 */
export async function takedown(catalog: Catalog, req: TakedownRequest): Promise<TakedownResult> {
  const value = checkRequest(req);
  await resumeRewrites(catalog);
  const by = req.by ?? process.env.SORO_USER ?? userInfo().username;
  const [row] = await catalog.rows(
    `INSERT INTO takedowns (takedown_id, kind, value, reason, requested_by) VALUES (nextval('takedown_seq'), $1, $2, $3, $4)
     RETURNING takedown_id`,
    [req.kind, value, req.reason ?? null, by],
  );
  const takedownId = Number(defined(row, "the takedown id INSERT ... RETURNING gave").takedown_id);
  const shards = await catalog.rows(
    `SELECT shard_id, stage, path, run_id FROM shards ORDER BY stage, shard_id`,
  );
  const tmpDir = path.join(catalog.ws.tmpDir, `takedown-${takedownId}`);
  const result: TakedownResult = { takedownId, docs: 0, rows: 0, shards: {} };
  const planned: Array<Record<string, unknown>> = [];
  try {
    for (const s of shards) {
      const file = path.join(catalog.ws.dir, String(s.path));
      if (
        !(await access(file).then(
          () => true,
          () => false,
        ))
      )
        continue;
      const lit = `(SELECT ${sqlString(req.kind)} AS kind, ${sqlString(value)} AS value) t`;
      const from = `read_parquet(${sqlString(file)}) d, ${lit}`;
      // Set-based per shard (no row-by-row inserts): a host can hold a large share of the corpus.
      const [hit] = await catalog.rows(
        `SELECT count(*)::BIGINT AS n FROM ${from} WHERE ${matchSql("d", "t")}`,
      );
      const n = Number(hit?.n ?? 0);
      if (n === 0) continue;
      await catalog.conn.run(
        `INSERT INTO takedown_docs SELECT $1, d.id, d.url, $2, $3 FROM ${from} WHERE ${matchSql("d", "t")}`,
        [takedownId, String(s.stage), String(s.shard_id)],
      );
      // COPY takes no parameters: the kind and value are inlined as escaped literals (`lit`).
      const keep = `SELECT d.* FROM ${from} WHERE NOT coalesce(${matchSql("d", "t")}, false)`;
      const f = await copyQueryToShard(catalog.conn, keep, { tmpDir, name: String(s.shard_id) });
      planned.push({
        takedown_id: takedownId,
        shard_id: String(s.shard_id),
        tmp_path: f.tmpPath,
        rows: f.rows,
        bytes: f.bytes,
        chars: f.chars,
        sha256: f.sha256,
        run_id: Number(s.run_id),
        target: file,
      });
      result.rows += n;
      result.shards[String(s.stage)] = (result.shards[String(s.stage)] ?? 0) + 1;
    }
    await catalog.transaction(async () => {
      for (const p of planned) {
        await catalog.conn.run(
          `INSERT INTO takedown_rewrites VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false)`,
          [
            takedownId,
            String(p.shard_id),
            String(p.tmp_path),
            Number(p.rows),
            Number(p.bytes),
            Number(p.chars),
            String(p.sha256),
            Number(p.run_id),
          ],
        );
      }
    });
    for (const p of planned) {
      await durableRename(String(p.tmp_path), String(p.target));
      await applyRewrite(catalog, p);
    }
    const [distinct] = await catalog.rows(
      `SELECT count(DISTINCT doc_id)::BIGINT AS n FROM takedown_docs WHERE takedown_id = $1`,
      [takedownId],
    );
    result.docs = Number(distinct?.n ?? 0);
    await catalog.conn.run(
      `UPDATE takedowns SET docs_removed = $1, shards_rewritten = $2, finished_at = current_timestamp WHERE takedown_id = $3`,
      [result.docs, planned.length, takedownId],
    );
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  return result;
}

/** One recorded takedown, for `soro takedown --list`, the report and the card. */
export interface TakedownRecord {
  takedown_id: number;
  kind: TakedownKind;
  value: string;
  reason: string | null;
  requested_by: string;
  requested_at: string;
  docs_removed: number | null;
  shards_rewritten: number | null;
}

/** Every takedown, oldest first. */
export async function listTakedowns(catalog: Catalog): Promise<TakedownRecord[]> {
  return (await catalog.rows(
    `SELECT takedown_id, kind, value, reason, requested_by, strftime(requested_at, '%Y-%m-%d %H:%M:%S') AS requested_at,
            docs_removed, shards_rewritten FROM takedowns ORDER BY takedown_id`,
  )) as unknown as TakedownRecord[];
}
