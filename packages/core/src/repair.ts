import { stat, unlink } from "node:fs/promises";
import type { Catalog } from "./catalog/catalog.js";
import { PIPELINE_ORDER } from "./pipeline.js";
import type { ShardProblem } from "./verify.js";

/** The command that rebuilds a stage's shards (source stages need their inputs named again). */
export const STAGE_COMMANDS: Record<string, string> = {
  crawl: "soro crawl extract",
  pdf: "soro pdf ingest (the same folders)",
  ingest: "soro ingest (the same paths)",
  replay: "soro ingest --source replay (the same paths)",
  normalize: "soro normalize",
  quality: "soro quality signals",
  select: "soro quality select",
  select_removed: "soro quality select",
  minhash: "soro dedup signatures",
  dedup: "soro dedup run",
  decontam: "soro dedup decontam",
};

/** The command to run for a stage, in backquotes. */
export function rerunCommand(stage: string): string {
  return `\`${STAGE_COMMANDS[stage] ?? `soro ${stage}`}\``;
}

/** One stage input whose commit a repair took back, so the stage's next run builds it again. */
export interface Uncommitted {
  stage: string;
  sourceKey: string;
  configHash: string;
  /** The shards that commit had registered (their files are deleted). */
  shards: string[];
  /** Why: the shard found broken, or the broken shard it was built from (stale). */
  reason: string;
}

/** What a repair did, and what to run now, in pipeline order. */
export interface RepairResult {
  uncommitted: Uncommitted[];
  rerun: string[];
}

/**
 * Turns broken shards back into work. For each broken shard, the input that produced it is uncommitted (its
 * shards, stage_io and rule_stats rows go, with the shards' files), so rerunning the stage rebuilds it instead of
 * reporting everything done. Every shard built from an uncommitted shard, at any distance, is stale and is
 * uncommitted the same way. One catalog transaction: a crash leaves the catalog as it was.
 */
export async function repairShards(catalog: Catalog, problems: ShardProblem[]): Promise<RepairResult> {
  const commits = new Map<string, Uncommitted>();
  const queue = problems.map((p) => ({ shard: p.shard, reason: `${p.shard}: ${p.problem}` }));
  const seen = new Set<string>();
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { shard, reason } = next;
    if (seen.has(shard)) continue;
    seen.add(shard);
    const [row] = await catalog.rows(
      "SELECT stage, config_hash, source_key FROM shards WHERE shard_id = $1",
      [shard],
    );
    if (!row) continue;
    const key = `${row.config_hash}\n${row.source_key}`;
    if (!commits.has(key)) {
      // Shards committed with it (select and select_removed share a commit) go with it.
      const siblings = await catalog.rows(
        "SELECT shard_id, stage FROM shards WHERE config_hash = $1 AND source_key = $2 ORDER BY shard_id",
        [row.config_hash as string, row.source_key as string],
      );
      commits.set(key, {
        stage: String(row.stage),
        sourceKey: String(row.source_key),
        configHash: String(row.config_hash),
        shards: siblings.map((s) => String(s.shard_id)),
        reason,
      });
      for (const s of siblings) queue.push({ shard: String(s.shard_id), reason });
    }
    const children = await catalog.rows(
      "SELECT shard_id FROM shards WHERE list_contains(parents, $1) AND status <> 'superseded'",
      [shard],
    );
    for (const c of children) queue.push({ shard: String(c.shard_id), reason: `stale: built from ${shard}` });
  }
  const list = [...commits.values()];
  const files: string[] = [];
  for (const u of list) {
    for (const s of await catalog.rows("SELECT path FROM shards WHERE config_hash = $1 AND source_key = $2", [
      u.configHash,
      u.sourceKey,
    ]))
      files.push(catalog.shardPath({ path: String(s.path) }));
  }
  await catalog.transaction(async () => {
    for (const u of list) {
      for (const table of ["shards", "stage_io", "rule_stats"])
        await catalog.conn.run(`DELETE FROM ${table} WHERE config_hash = $1 AND source_key = $2`, [
          u.configHash,
          u.sourceKey,
        ]);
    }
  });
  // Files go after the commit: a crash in between leaves unregistered files, which the next run deletes anyway.
  for (const f of files) await unlink(f).catch(() => undefined);
  const order = (stage: string) => {
    const i = (PIPELINE_ORDER as readonly string[]).indexOf(stage === "select_removed" ? "select" : stage);
    return i < 0 ? PIPELINE_ORDER.length : i;
  };
  const stages = [...new Set(list.map((u) => u.stage))].sort((a, b) => order(a) - order(b));
  return { uncommitted: list, rerun: [...new Set(stages.map(rerunCommand))] };
}

/**
 * The cheap check a stage makes of its own and its inputs' shards before it runs: each file is there with the
 * size the catalog registered (the full check, sha256 and Parquet footer, is `soro verify`).
 */
export async function quickCheckShards(catalog: Catalog, stages: string[]): Promise<ShardProblem[]> {
  if (stages.length === 0) return [];
  const rows = await catalog.rows(
    `SELECT shard_id, path, bytes FROM shards WHERE status <> 'superseded'
     AND list_contains(from_json($1, '["VARCHAR"]'), stage) ORDER BY shard_id`,
    [JSON.stringify(stages)],
  );
  const problems: ShardProblem[] = [];
  for (const r of rows) {
    const file = catalog.shardPath({ path: String(r.path) });
    const st = await stat(file).catch(() => null);
    const problem = !st
      ? "file missing"
      : st.size !== Number(r.bytes)
        ? `holds ${st.size} bytes, catalog says ${r.bytes}`
        : null;
    if (problem) problems.push({ shard: String(r.shard_id), path: file, problem });
  }
  return problems;
}
