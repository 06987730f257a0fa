import { type Catalog, readShard } from "@soro/core";

/** All rows of a stage's active shards (optionally some columns), sorted by id. */
export async function stageRows(
  catalog: Catalog,
  stage: string,
  columns?: string[],
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const shard of await catalog.activeShards([stage]))
    for await (const batch of readShard(catalog.shardPath(shard), { columns })) rows.push(...batch);
  return rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** What a dedup run decided, in a form independent of shard layout and worker count. */
export async function dedupOutcome(catalog: Catalog): Promise<unknown> {
  const out = await stageRows(catalog, "dedup", ["id", "text", "dup_cluster", "dup_cluster_size"]);
  const members = await catalog.rows(
    `SELECT doc_id, cluster_id, rank, rule, round(jaccard_est, 6) AS j FROM dedup_members
     WHERE config_hash IN (SELECT config_hash FROM shards WHERE stage = 'dedup' AND status = 'active')
     ORDER BY doc_id`,
  );
  const removed = await catalog.rows(
    `SELECT rule, sum(docs_removed) AS docs, sum(chars_removed) AS chars FROM rule_stats
     WHERE stage = 'dedup' AND config_hash IN (SELECT config_hash FROM shards WHERE stage = 'dedup' AND status = 'active')
     GROUP BY rule ORDER BY rule`,
  );
  return { out, members, removed };
}
