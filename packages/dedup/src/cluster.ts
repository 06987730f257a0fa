import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  addRemoved,
  type Catalog,
  configHash,
  copyQueryToShard,
  defined,
  hostSql,
  type InputStats,
  openScratchDb,
  repairBeforeRun,
  type ShardRecord,
  StageRun,
  sqlIdent,
  sqlString,
  UsageError,
} from "@soro/core";
import { DEDUP_MIGRATIONS } from "./migrations.js";
import { exactJaccard } from "./minhash.js";
import type { DedupOptions } from "./options.js";
import { UnionFind } from "./union-find.js";

/** Bump when the global step's output for the same input and options changes. */
const CLUSTER_VERSION = "1";

/** What the global dedup step did. */
export interface ClusterSummary {
  configHash: string;
  docsIn: number;
  docsOut: number;
  clusters: number;
  /** Documents removed (and characters removed) per rule: exact_duplicate, near_duplicate, repeated_lines. */
  removed: Record<string, { docs: number; chars: number }>;
  /** Candidate pairs from the LSH buckets (0 when a finished configuration was reused instead of recomputed). */
  candidatePairs: number;
  verifiedPairs: number;
  repeatedLines: number;
  skipped: number;
  seconds: number;
}

/** The ORDER BY that ranks a cluster's members, survivor first: source priority, quality, length, fetch time, id. */
function survivorOrder(priority: string[]): string {
  const list = `[${priority.map(sqlString).join(", ")}]`;
  return `coalesce(list_position(${list}, source), 1000), quality DESC NULLS LAST, len DESC, fetched_at ASC NULLS LAST, id, idx`;
}

/** The config hash of the global step: its options and the exact signature shards it reads. */
export function clusterConfigHash(options: DedupOptions, inputs: ShardRecord[]): string {
  return configHash({
    stage: "dedup",
    version: CLUSTER_VERSION,
    options,
    inputs: inputs.map((s) => s.shard_id).sort(),
  });
}

// SORO_DEDUP_TRACE=1 prints each SQL step's time to stderr, to see where a large run spends it.
const TRACE = process.env.SORO_DEDUP_TRACE === "1";

async function exec(conn: DuckDBConnection, sql: string): Promise<void> {
  const t = Date.now();
  await conn.run(sql);
  if (TRACE) console.error(`dedup: ${Date.now() - t} ms ${(sql.trim().split("\n")[0] ?? "").slice(0, 90)}`);
}

async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  const r = await conn.runAndReadAll(sql);
  return Number(r.getRows()[0]?.[0] ?? 0);
}

/**
 * The global dedup step over the active `minhash` shards, as SQL in a private DuckDB that spills to disk: exact
 * groups, LSH band buckets, verified candidate pairs, union-find clusters, survivors, repeated lines. Writes stage
 * `dedup` (one output shard per signature shard, survivors only, with `dup_cluster` and `dup_cluster_size`) and the
 * `dedup_*` catalog tables. The same inputs and options again resume: committed outputs are skipped.
 */
export async function clusterDuplicates(catalog: Catalog, options: DedupOptions): Promise<ClusterSummary> {
  const started = Date.now();
  await catalog.ensureExtension("dedup", DEDUP_MIGRATIONS);
  // Missing or damaged dedup or minhash shards are turned back into work first (core's repair).
  await repairBeforeRun(catalog, "dedup", ["minhash"]);
  const inputs = await catalog.activeShards(["minhash"]);
  if (inputs.length === 0)
    throw new UsageError(
      `soro dedup: no active minhash shards in ${catalog.ws.dir}`,
      "run `soro dedup signatures` (or `soro dedup run`) first",
    );
  const hash = clusterConfigHash(options, inputs);
  const run = await StageRun.open(catalog, {
    stage: "dedup",
    configHash: hash,
    config: options,
    outputs: "replace",
  });
  if (run.covers(inputs)) {
    await run.activate();
    return recordedSummary(catalog, hash, inputs.length, started);
  }
  await run.begin(1);
  const summary = await run.complete(async () => {
    await mkdir(run.tmpDir, { recursive: true });
    const { instance, conn } = await openScratchDb(
      run.tmpDir,
      options.cluster.memoryLimit,
      options.cluster.threads,
    );
    try {
      return await computeAndWrite(catalog, conn, { run, hash, inputs, options });
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  });
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/** The summary of a configuration already computed in full: nothing is recomputed, the outputs are made active. */
async function recordedSummary(
  catalog: Catalog,
  hash: string,
  inputs: number,
  started: number,
): Promise<ClusterSummary> {
  const one = async (sql: string) => Number((await catalog.rows(sql, [hash]))[0]?.n ?? 0);
  const removed: ClusterSummary["removed"] = {};
  const rules = await catalog.rows(
    `SELECT rule, sum(docs_removed) AS docs, sum(chars_removed) AS chars FROM rule_stats
     WHERE stage = 'dedup' AND config_hash = $1 GROUP BY rule`,
    [hash],
  );
  for (const r of rules) removed[String(r.rule)] = { docs: Number(r.docs), chars: Number(r.chars) };
  return {
    configHash: hash,
    docsIn: await one("SELECT sum(docs_in) AS n FROM stage_io WHERE stage = 'dedup' AND config_hash = $1"),
    docsOut: await one("SELECT sum(docs_out) AS n FROM stage_io WHERE stage = 'dedup' AND config_hash = $1"),
    clusters: await one("SELECT count(*) AS n FROM dedup_clusters WHERE config_hash = $1"),
    removed,
    candidatePairs: 0,
    verifiedPairs: await one("SELECT count(*) AS n FROM dedup_pairs WHERE config_hash = $1"),
    repeatedLines: await one("SELECT count(*) AS n FROM dedup_lines WHERE config_hash = $1"),
    skipped: inputs,
    seconds: (Date.now() - started) / 1000,
  };
}

interface StepContext {
  run: StageRun;
  hash: string;
  inputs: ShardRecord[];
  options: DedupOptions;
}

async function computeAndWrite(
  catalog: Catalog,
  conn: DuckDBConnection,
  ctx: StepContext,
): Promise<ClusterSummary> {
  const { signature: sig, cluster: opt } = ctx.options;
  const files = ctx.inputs.map((s) => catalog.shardPath(s));
  // Dense document numbers: each shard's rows follow the previous shards', so no sort is needed to number them.
  let base = 0;
  const offsets = ctx.inputs.map((s) => {
    const row = `(${sqlString(catalog.shardPath(s))}, ${base}::BIGINT)`;
    base += Number(s.rows);
    return row;
  });
  const total = base;
  await exec(conn, `CREATE TABLE files AS SELECT * FROM (VALUES ${offsets.join(", ")}) t(file, base)`);
  const fileList = `[${files.map(sqlString).join(", ")}]`;
  await exec(
    conn,
    `CREATE VIEW src AS SELECT f.base + s.file_row_number AS idx, s.*
     FROM read_parquet(${fileList}, filename = true, file_row_number = true, union_by_name = true) s
     JOIN files f ON f.file = s.filename`,
  );
  const cols = new Set(
    (await conn.runAndReadAll("DESCRIBE SELECT * FROM src"))
      .getRowObjectsJS()
      .map((r) => String(r.column_name)),
  );
  for (const col of ["dedup_exact", "minhash", "minhash_bands", "line_hashes"]) {
    if (!cols.has(col))
      throw new UsageError(
        `soro dedup: the minhash shards of ${catalog.ws.dir} have no column ${col} (written by an older soro)`,
        "rerun `soro dedup signatures` (or `soro dedup run`)",
      );
  }
  const quality = cols.has(opt.qualityColumn)
    ? `TRY_CAST(${sqlIdent(opt.qualityColumn)} AS DOUBLE)`
    : "NULL::DOUBLE";
  await exec(
    conn,
    `CREATE TABLE docs AS SELECT idx, id, dedup_exact AS exact, source, length(text) AS len, ${quality} AS quality,
       fetched_at, url, path, filename AS file,
       ${hostSql("url")} AS host
     FROM src`,
  );

  // Exact duplicates: every member links to its group's first document; only that one enters the LSH buckets.
  await exec(
    conn,
    `CREATE TABLE exact_groups AS SELECT exact, min(idx) AS rep, count(*) AS n FROM docs GROUP BY exact`,
  );
  await exec(
    conn,
    `CREATE TABLE edges AS SELECT d.idx AS a, g.rep AS b FROM docs d JOIN exact_groups g USING (exact)
     WHERE g.n > 1 AND d.idx <> g.rep`,
  );

  // LSH: one bucket key per band (made by the signature stage); documents sharing any bucket are candidates.
  await exec(
    conn,
    `CREATE TABLE bands AS SELECT s.idx, unnest(range(${sig.bands})) AS b, unnest(s.minhash_bands) AS bucket
     FROM src s JOIN exact_groups g ON g.rep = s.idx WHERE s.minhash_bands IS NOT NULL`,
  );
  await exec(
    conn,
    `CREATE TABLE buckets AS SELECT b, bucket, count(*) AS n, min(idx) AS first FROM bands
     GROUP BY b, bucket HAVING count(*) > 1`,
  );
  await exec(
    conn,
    `CREATE TABLE bucket_members AS SELECT x.b, x.bucket, x.idx, k.n, k.first FROM bands x JOIN buckets k USING (b, bucket)`,
  );
  await exec(
    conn,
    `CREATE TABLE pairs AS SELECT DISTINCT a, b FROM (
       SELECT first AS a, idx AS b FROM bucket_members WHERE n > ${opt.maxBucketPairs} AND idx <> first
       UNION ALL
       SELECT x.idx AS a, y.idx AS b FROM bucket_members x JOIN bucket_members y USING (b, bucket)
       WHERE x.n <= ${opt.maxBucketPairs} AND x.idx < y.idx)`,
  );
  const candidatePairs = await scalar(conn, "SELECT count(*) FROM pairs");

  // Signatures of every document that may end up in a cluster, for verification and the explain table.
  await exec(
    conn,
    `CREATE TABLE sigs AS SELECT idx, minhash FROM src WHERE idx IN (
       SELECT a FROM pairs UNION SELECT b FROM pairs UNION SELECT a FROM edges UNION SELECT b FROM edges)`,
  );
  const n = sig.bands * sig.rows;
  const estimate = (x: string, y: string) =>
    `len(list_filter(list_zip(${x}.minhash, ${y}.minhash), lambda p: p[1] = p[2])) / ${n}`;
  await exec(
    conn,
    `CREATE TABLE scored AS SELECT p.a, p.b, ${estimate("sa", "sb")} AS est
     FROM pairs p JOIN sigs sa ON sa.idx = p.a JOIN sigs sb ON sb.idx = p.b`,
  );
  if (opt.exactJaccard) await scoreExactly(conn, sig.ngram);
  else await exec(conn, "ALTER TABLE scored ADD COLUMN exact DOUBLE");
  const verdict = opt.exactJaccard ? "exact" : "est";
  await exec(
    conn,
    `CREATE TABLE verified AS SELECT a, b, est, exact FROM scored WHERE ${verdict} >= ${opt.threshold}`,
  );
  await exec(conn, "INSERT INTO edges SELECT a, b FROM verified");
  const verifiedPairs = await scalar(conn, "SELECT count(*) FROM verified");

  await unionClusters(conn, total);

  // Members of clusters with more than one document, ranked: rank 1 survives.
  await exec(
    conn,
    `CREATE TABLE ranked AS SELECT d.*, c.root,
       row_number() OVER (PARTITION BY c.root ORDER BY ${survivorOrder(opt.priority)}) AS rank,
       count(*) OVER (PARTITION BY c.root) AS size,
       min(d.id) OVER (PARTITION BY c.root) AS cluster_id
     FROM docs d JOIN comp c USING (idx)`,
  );
  await exec(
    conn,
    `CREATE TABLE members AS SELECT m.*,
       CASE WHEN m.rank = 1 THEN 'survivor' WHEN m.exact = s.exact THEN 'exact_duplicate' ELSE 'near_duplicate' END AS rule,
       CASE WHEN m.exact = s.exact THEN 1.0 ELSE ${estimate("sm", "ss")} END AS jaccard_est
     FROM ranked m JOIN ranked s ON s.root = m.root AND s.rank = 1
     LEFT JOIN sigs sm ON sm.idx = m.idx LEFT JOIN sigs ss ON ss.idx = s.idx`,
  );

  const repeatedLines = opt.lines.enabled ? await findRepeatedLines(conn, opt.lines) : 0;
  if (!opt.lines.enabled) await exec(conn, "CREATE TABLE line_drops (idx BIGINT, ps BIGINT[])");

  const summary: ClusterSummary = {
    configHash: ctx.hash,
    docsIn: total,
    docsOut: 0,
    clusters: await scalar(conn, "SELECT count(DISTINCT root) FROM members"),
    removed: {},
    candidatePairs,
    verifiedPairs,
    repeatedLines,
    skipped: 0,
    seconds: 0,
  };
  // Tables first: once every output is committed, a rerun of this configuration can trust them and skip all work.
  await recordTables(catalog, conn, ctx);
  const hasOriginal = cols.has("text_original");
  for (const input of ctx.inputs) {
    if (ctx.run.has(input.shard_id)) {
      summary.skipped++;
      continue;
    }
    const stats = await writeOutput(conn, ctx, input, catalog.shardPath(input), hasOriginal);
    summary.docsOut += stats.docsOut;
    addRemoved(summary.removed, stats.removed);
  }
  return summary;
}

/** Adds the exact Jaccard of each candidate pair's shingle sets to `scored` (only candidates' texts are read). */
async function scoreExactly(conn: DuckDBConnection, ngram: number): Promise<void> {
  await exec(conn, "CREATE TABLE exact_scores (a BIGINT, b BIGINT, exact DOUBLE)");
  const texts = new Map<number, string>();
  const reader = await conn.runAndReadAll(
    "SELECT idx, text FROM src WHERE idx IN (SELECT a FROM scored UNION SELECT b FROM scored)",
  );
  for (const [idx, text] of reader.getRows()) texts.set(Number(idx), String(text));
  const appender = await conn.createAppender("exact_scores");
  const pairs = await conn.runAndReadAll("SELECT a, b FROM scored");
  for (const [a, b] of pairs.getRows()) {
    appender.appendBigInt(BigInt(a as bigint));
    appender.appendBigInt(BigInt(b as bigint));
    const textA = defined(texts.get(Number(a)), `the text of scored document ${a}`);
    const textB = defined(texts.get(Number(b)), `the text of scored document ${b}`);
    appender.appendDouble(exactJaccard(textA, textB, ngram));
    appender.endRow();
  }
  appender.closeSync();
  await exec(
    conn,
    "CREATE OR REPLACE TABLE scored AS SELECT s.*, e.exact FROM scored s JOIN exact_scores e USING (a, b)",
  );
}

/** Joins the edges into connected components with union-find over dense numbers; writes `comp(idx, root)`. */
async function unionClusters(conn: DuckDBConnection, total: number): Promise<void> {
  const t = Date.now();
  const uf = new UnionFind(total);
  const touched = new Set<number>();
  const result = await conn.stream("SELECT a, b FROM edges");
  for await (const rows of result.yieldRows()) {
    for (const [a, b] of rows) {
      const x = Number(a);
      const y = Number(b);
      uf.union(x, y);
      touched.add(x);
      touched.add(y);
    }
  }
  await exec(conn, "CREATE TABLE comp (idx BIGINT, root BIGINT)");
  const appender = await conn.createAppender("comp");
  for (const idx of touched) {
    appender.appendBigInt(BigInt(idx));
    appender.appendBigInt(BigInt(uf.find(idx)));
    appender.endRow();
  }
  appender.closeSync();
  if (TRACE) console.error(`dedup: ${Date.now() - t} ms union-find over ${touched.size} documents`);
}

/**
 * Lines (by folded hash) that recur in at least `minDocs` surviving documents, or in `minHostDocs` surviving
 * documents of one host (rules `corpus` and `host`: removed wherever they stand), and lines within `edgeLines` of the
 * start or end of `minHostEdgeDocs` surviving documents of one host (rule `host_edge`: removed from those edges of
 * that host's documents); counted over survivors so that a republished article does not count its own copies.
 */
async function findRepeatedLines(
  conn: DuckDBConnection,
  lines: DedupOptions["cluster"]["lines"],
): Promise<number> {
  const edge = (t = "") => `(${t}pos <= ${lines.edgeLines} OR ${t}pos > ${t}n - ${lines.edgeLines})`;
  await exec(
    conn,
    `CREATE TABLE surv_lines AS SELECT idx, host, h, pos, n FROM (
       SELECT s.idx, d.host, unnest(s.line_hashes) AS h, generate_subscripts(s.line_hashes, 1) AS pos,
         len(s.line_hashes) AS n
       FROM src s JOIN docs d USING (idx) LEFT JOIN members m USING (idx)
       WHERE m.rank IS NULL OR m.rank = 1) WHERE h <> 0`,
  );
  await exec(
    conn,
    `CREATE TABLE boiler AS SELECT h, max(docs) AS docs, min(rule) AS rule FROM (
       SELECT h, count(DISTINCT idx) AS docs, 'corpus' AS rule FROM surv_lines GROUP BY h
       HAVING count(DISTINCT idx) >= ${lines.minDocs}
       UNION ALL
       SELECT h, count(DISTINCT idx) AS docs, 'host' AS rule FROM surv_lines WHERE host IS NOT NULL GROUP BY host, h
       HAVING count(DISTINCT idx) >= ${lines.minHostDocs})
     GROUP BY h`,
  );
  await exec(
    conn,
    `CREATE TABLE edge_boiler AS SELECT host, h, count(DISTINCT idx) AS docs FROM surv_lines
     WHERE host IS NOT NULL AND ${edge()} GROUP BY host, h HAVING count(DISTINCT idx) >= ${lines.minHostEdgeDocs}`,
  );
  await exec(
    conn,
    `CREATE TABLE line_drops AS SELECT l.idx, list(l.pos ORDER BY l.pos) AS ps FROM surv_lines l
     LEFT JOIN edge_boiler e ON e.host = l.host AND e.h = l.h
     WHERE l.h IN (SELECT h FROM boiler) OR (e.h IS NOT NULL AND ${edge("l.")})
     GROUP BY l.idx`,
  );
  return scalar(conn, "SELECT count(*) FROM (SELECT h FROM boiler UNION SELECT h FROM edge_boiler)");
}

/** Writes one input shard's survivors (lines removed, cluster columns added) and commits it with its statistics. */
async function writeOutput(
  conn: DuckDBConnection,
  ctx: StepContext,
  input: ShardRecord,
  file: string,
  hasOriginal: boolean,
): Promise<InputStats> {
  const newText = `CASE WHEN ld.ps IS NULL THEN s.text ELSE trim(array_to_string(
      list_filter(string_split(s.text, chr(10)), lambda x, i: NOT list_contains(ld.ps, i)), chr(10)), chr(10)) END`;
  await exec(
    conn,
    `CREATE OR REPLACE TEMP TABLE out_rows AS SELECT *, (trimmed AND new_text = '') AS emptied FROM (
       SELECT s.* EXCLUDE (file_row_number), ${newText} AS new_text, ld.ps IS NOT NULL AS trimmed,
         m.rule, m.cluster_id, m.size
       FROM read_parquet(${sqlString(file)}, file_row_number = true) s
       JOIN files f ON f.file = ${sqlString(file)}
       LEFT JOIN members m ON m.idx = f.base + s.file_row_number
       LEFT JOIN line_drops ld ON ld.idx = f.base + s.file_row_number)`,
  );
  const removedRows = (
    await conn.runAndReadAll(
      `SELECT rule, count(*) AS docs, sum(length(text)) AS chars FROM (
         SELECT CASE WHEN rule IN ('exact_duplicate', 'near_duplicate') THEN rule
                     WHEN emptied THEN 'repeated_lines' END AS rule, text FROM out_rows)
       WHERE rule IS NOT NULL GROUP BY rule`,
    )
  ).getRowObjectsJS();
  const original = hasOriginal ? "" : ", text AS text_original";
  const shard = await copyQueryToShard(
    conn,
    `SELECT * EXCLUDE (new_text, trimmed, emptied, rule, cluster_id, size) REPLACE (new_text AS text)${original},
       coalesce(cluster_id, id) AS dup_cluster, coalesce(size, 1)::BIGINT AS dup_cluster_size
     FROM out_rows WHERE coalesce(rule, 'survivor') = 'survivor' AND NOT emptied ORDER BY id`,
    {
      tmpDir: ctx.run.tmpDir,
      name: `dedup/${ctx.hash.slice(0, 8)}/${path.basename(input.shard_id, ".parquet")}.parquet`,
    },
  );
  const totals = defined(
    (
      await conn.runAndReadAll(
        `SELECT count(*) AS docs, coalesce(sum(length(text)), 0) AS chars,
         coalesce(sum(length(text) - length(new_text)) FILTER (WHERE coalesce(rule, 'survivor') = 'survivor'), 0) AS cut
       FROM out_rows`,
      )
    ).getRowObjectsJS()[0],
    "the output totals row",
  );
  const removed: InputStats["removed"] = {};
  for (const r of removedRows) removed[String(r.rule)] = { docs: Number(r.docs), chars: Number(r.chars) };
  // Lines cut from documents that survive still count as removed characters of the repeated_lines rule.
  const lineChars = Number(totals.cut) - (removed.repeated_lines?.chars ?? 0);
  if (lineChars > 0 || removed.repeated_lines) {
    removed.repeated_lines = {
      docs: removed.repeated_lines?.docs ?? 0,
      chars: (removed.repeated_lines?.chars ?? 0) + lineChars,
    };
  }
  const stats: InputStats = {
    docsIn: Number(totals.docs),
    charsIn: Number(totals.chars),
    docsOut: shard.rows,
    charsOut: shard.chars,
    quarantined: 0,
    removed,
  };
  await ctx.run.commit({ sourceKey: input.shard_id, files: shard.rows > 0 ? [shard] : [], stats });
  return stats;
}

/** Replaces this configuration's rows of the dedup tables with the clusters and repeated lines just computed. */
async function recordTables(catalog: Catalog, conn: DuckDBConnection, ctx: StepContext): Promise<void> {
  const membersFile = path.join(ctx.run.tmpDir, "members.parquet");
  const clustersFile = path.join(ctx.run.tmpDir, "clusters.parquet");
  const pairsFile = path.join(ctx.run.tmpDir, "pairs.parquet");
  await exec(
    conn,
    `COPY (SELECT da.id AS a_id, db.id AS b_id, v.est::DOUBLE AS jaccard_est, v.exact::DOUBLE AS jaccard_exact
       FROM verified v JOIN docs da ON da.idx = v.a JOIN docs db ON db.idx = v.b)
     TO ${sqlString(pairsFile)} (FORMAT parquet)`,
  );
  const linesFile = path.join(ctx.run.tmpDir, "lines.parquet");
  await exec(
    conn,
    `COPY (SELECT cluster_id, count(*)::BIGINT AS size, any_value(id) FILTER (WHERE rank = 1) AS survivor_id,
       count(*) FILTER (WHERE rule <> 'near_duplicate')::BIGINT AS exact_members FROM members GROUP BY cluster_id)
     TO ${sqlString(clustersFile)} (FORMAT parquet)`,
  );
  await exec(
    conn,
    `COPY (SELECT cluster_id, id AS doc_id, rank::INTEGER AS rank, rule, jaccard_est::DOUBLE AS jaccard_est, source, url,
       path, len AS length, quality, fetched_at, exact AS exact_key,
       replace(file, ${sqlString(`${catalog.ws.dir}/`)}, '') AS shard FROM members)
     TO ${sqlString(membersFile)} (FORMAT parquet)`,
  );
  const hasBoiler =
    (await scalar(conn, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'boiler'")) > 0;
  await exec(
    conn,
    hasBoiler
      ? // One occurrence per repeated line is split out of its document for the example, not every occurrence.
        `COPY (WITH b AS (SELECT h, max(docs) AS docs, min(rule) AS rule FROM (
             SELECT h, docs, rule FROM boiler UNION ALL SELECT h, docs, 'host_edge' AS rule FROM edge_boiler)
             GROUP BY h),
           one AS (SELECT h, min(idx) AS idx, arg_min(pos, idx) AS pos FROM surv_lines WHERE h IN (SELECT h FROM b)
             GROUP BY h)
           SELECT b.h AS line_hash, b.docs, string_split(s.text, chr(10))[one.pos] AS example, b.rule
           FROM b JOIN one USING (h) JOIN src s ON s.idx = one.idx)
         TO ${sqlString(linesFile)} (FORMAT parquet)`
      : `COPY (SELECT NULL::UBIGINT AS line_hash, 0::BIGINT AS docs, NULL AS example, NULL AS rule WHERE false)
         TO ${sqlString(linesFile)} (FORMAT parquet)`,
  );
  const h = sqlString(ctx.hash);
  await catalog.transaction(async () => {
    for (const t of ["dedup_clusters", "dedup_members", "dedup_pairs", "dedup_lines"])
      await catalog.conn.run(`DELETE FROM ${t} WHERE config_hash = ${h}`);
    await catalog.conn.run(
      `INSERT INTO dedup_members SELECT ${h}, * FROM read_parquet(${sqlString(membersFile)})`,
    );
    await catalog.conn.run(
      `INSERT INTO dedup_clusters SELECT ${h}, * FROM read_parquet(${sqlString(clustersFile)})`,
    );
    await catalog.conn.run(
      `INSERT INTO dedup_pairs SELECT ${h}, * FROM read_parquet(${sqlString(pairsFile)})`,
    );
    await catalog.conn.run(
      `INSERT INTO dedup_lines SELECT ${h}, * FROM read_parquet(${sqlString(linesFile)})`,
    );
  });
}
