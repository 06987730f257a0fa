import path from "node:path";
import { type Catalog, sqlString, UsageError } from "@soro/core";
import { lineHashes } from "./lines.js";
import { DEDUP_MIGRATIONS } from "./migrations.js";
import { exactJaccard, xxhashApi } from "./minhash.js";
import { DEFAULT_CLUSTER, type DedupOptions } from "./options.js";
import { DEFAULT_SIGNATURE } from "./signature-stage.js";

/** One member of a cluster as `soro dedup explain` shows it. */
export interface ExplainedMember {
  docId: string;
  rank: number;
  rule: string;
  source: string | null;
  url: string | null;
  path: string | null;
  length: number;
  quality: number | null;
  fetchedAt: string | null;
  /** Estimated (signature) and exact (shingle set) Jaccard to the survivor. */
  jaccardEstimated: number | null;
  jaccardExact: number | null;
}

/** The cluster of one document in the active dedup output, and why its survivor won. */
export interface Explanation {
  docId: string;
  configHash: string;
  clusterId: string | null;
  members: ExplainedMember[];
  reason: string;
  /** Lines cut from the document as repeated, each with the rule that cut it and how many documents it was in. */
  removedLines: RemovedLine[];
}

/** A line the repeated-line rules cut: `corpus` (many documents), `host` (many of one host) or `host_edge` (at the
 * start or end of several documents of one host). */
export interface RemovedLine {
  line: string;
  rule: string;
  docs: number;
}

/** Why `a` (the survivor) ranks before `b` under the survivor policy: the first key on which they differ. */
export function survivorReason(a: ExplainedMember, b: ExplainedMember, priority: string[]): string {
  const pos = (s: string | null) => {
    const i = priority.indexOf(s ?? "");
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  if (pos(a.source) !== pos(b.source))
    return `source ${a.source} ranks before ${b.source} (priority ${priority.join(" > ")})`;
  if ((a.quality ?? null) !== (b.quality ?? null))
    return `higher quality score (${a.quality ?? "none"} vs ${b.quality ?? "none"})`;
  if (a.length !== b.length) return `longer text (${a.length} vs ${b.length} characters)`;
  if (a.fetchedAt !== b.fetchedAt) return `fetched earlier (${a.fetchedAt} vs ${b.fetchedAt})`;
  return "tie on every policy key: the smaller document id wins";
}

/** The active dedup configuration and its options, or a usage error when dedup has not run. */
async function activeDedup(catalog: Catalog): Promise<{ hash: string; options: DedupOptions | null }> {
  const rows = await catalog.rows(
    `SELECT s.config_hash, any_value(r.config) AS config FROM shards s LEFT JOIN stage_runs r
       ON r.stage = 'dedup' AND r.config_hash = s.config_hash AND r.status = 'done'
     WHERE s.stage = 'dedup' AND s.status = 'active' GROUP BY s.config_hash`,
  );
  const first = rows[0];
  if (first === undefined)
    throw new UsageError(`soro dedup: no dedup output in ${catalog.ws.dir}`, "run `soro dedup run` first");
  const config = first.config;
  return {
    hash: String(first.config_hash),
    options: config ? (JSON.parse(String(config)) as DedupOptions) : null,
  };
}

/**
 * Explains a document's dedup decision: its cluster's members (URL, length, source), their estimated and exact
 * Jaccard to the survivor (texts read back from the signature shards), and why the survivor won.
 */
export async function explainDocument(catalog: Catalog, docId: string): Promise<Explanation> {
  await catalog.ensureExtension("dedup", DEDUP_MIGRATIONS);
  const { hash, options } = await activeDedup(catalog);
  const priority = options?.cluster.priority ?? DEFAULT_CLUSTER.priority;
  const removedLines = await linesRemoved(catalog, hash, docId, options?.signature.lineMinChars);
  const found = await catalog.rows(
    "SELECT cluster_id FROM dedup_members WHERE config_hash = $1 AND doc_id = $2 LIMIT 1",
    [hash, docId],
  );
  const hit = found[0];
  if (hit === undefined) {
    return {
      docId,
      configHash: hash,
      clusterId: null,
      members: [],
      reason: "no duplicate found: the document is alone in its cluster (or not in the dedup input)",
      removedLines,
    };
  }
  const clusterId = String(hit.cluster_id);
  const rows = await catalog.rows(
    `SELECT * FROM dedup_members WHERE config_hash = $1 AND cluster_id = $2 ORDER BY rank`,
    [hash, clusterId],
  );
  const texts = await memberTexts(
    catalog,
    rows.map((r) => String(r.doc_id)),
    rows.map((r) => String(r.shard)),
  );
  const ngram = options?.signature.ngram ?? 5;
  const survivor = rows[0];
  const survivorText = survivor === undefined ? undefined : texts.get(String(survivor.doc_id));
  const members: ExplainedMember[] = rows.map((r) => {
    const text = texts.get(String(r.doc_id));
    return {
      docId: String(r.doc_id),
      rank: Number(r.rank),
      rule: String(r.rule),
      source: (r.source as string | null) ?? null,
      url: (r.url as string | null) ?? null,
      path: (r.path as string | null) ?? null,
      length: Number(r.length),
      quality: r.quality === null || r.quality === undefined ? null : Number(r.quality),
      fetchedAt: (r.fetched_at as string | null) ?? null,
      jaccardEstimated: r.jaccard_est === null ? null : Number(r.jaccard_est),
      jaccardExact:
        text !== undefined && survivorText !== undefined ? exactJaccard(text, survivorText, ngram) : null,
    };
  });
  const [kept, runnerUp] = members;
  const reason =
    kept && runnerUp
      ? `${kept.docId} survives: ${survivorReason(kept, runnerUp, priority)}`
      : "single member";
  return { docId, configHash: hash, clusterId, members, reason, removedLines };
}

/** The texts of some documents, read from the signature shards the dedup step recorded for them. */
async function memberTexts(catalog: Catalog, ids: string[], shards: string[]): Promise<Map<string, string>> {
  const files = [...new Set(shards)].map((s) => sqlString(path.resolve(catalog.ws.dir, s)));
  const texts = new Map<string, string>();
  try {
    const rows = await catalog.rows(
      `SELECT id, any_value(text) AS text FROM read_parquet([${files.join(", ")}])
       WHERE id IN (${ids.map(sqlString).join(", ")}) GROUP BY id`,
    );
    for (const r of rows) texts.set(String(r.id), String(r.text));
  } catch {
    // Shards superseded and removed since: the exact Jaccard is then shown as unknown.
  }
  return texts;
}

/** The lines of a document's text as it came in that the dedup output lacks and a repeated-line rule names. */
async function linesRemoved(
  catalog: Catalog,
  hash: string,
  docId: string,
  minChars = DEFAULT_SIGNATURE.lineMinChars,
): Promise<RemovedLine[]> {
  const files = (
    await catalog.rows(
      "SELECT path FROM shards WHERE stage = 'dedup' AND status = 'active' AND config_hash = $1",
      [hash],
    )
  ).map((r) => sqlString(path.resolve(catalog.ws.dir, String(r.path))));
  if (files.length === 0) return [];
  const rows = await catalog.rows(
    `SELECT text, text_original FROM read_parquet([${files.join(", ")}], union_by_name = true) WHERE id = $1 LIMIT 1`,
    [docId],
  );
  const row = rows[0];
  const before = row?.text_original;
  if (row === undefined || before === null || before === undefined) return [];
  const kept = new Set(String(row.text).split("\n"));
  const cut = String(before)
    .split("\n")
    .filter((l) => !kept.has(l));
  if (cut.length === 0) return [];
  const hashes = lineHashes(await xxhashApi(), cut.join("\n"), minChars);
  if (hashes.every((h) => h === 0n)) return [];
  const known = new Map<string, { rule: string; docs: number }>();
  for (const r of await catalog.rows(
    `SELECT line_hash::VARCHAR AS h, rule, docs FROM dedup_lines WHERE config_hash = $1 AND line_hash IN (${hashes
      .filter((h) => h !== 0n)
      .map((h) => `${h}::UBIGINT`)
      .join(", ")})`,
    [hash],
  ))
    known.set(String(r.h), { rule: String(r.rule ?? "host"), docs: Number(r.docs) });
  return cut.flatMap((line, i) => {
    const k = known.get(String(hashes[i]));
    return k ? [{ line, ...k }] : [];
  });
}
