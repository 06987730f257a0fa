import {
  type Catalog,
  FINAL_STAGES,
  firstActiveStage,
  REPLAY_SOURCE,
  type ShardRecord,
  UsageError,
} from "@soro/core";

/**
 * The stage to read and its active shards: the requested stage, else the finished corpus (`decontam`, else
 * `dedup`), else the stage whose active shards
 * were created last (so the bridge works on a corpus that is not yet deduplicated).
 */
export async function resolveStage(
  catalog: Catalog,
  requested?: string,
): Promise<{ stage: string; shards: ShardRecord[] }> {
  if (requested) {
    const shards = await catalog.activeShards([requested]);
    if (shards.length === 0) {
      throw new UsageError(
        `soro bridge: stage ${requested} has no active shards in ${catalog.ws.dir}`,
        "run that stage first, or pick another with --stage (see `soro status`)",
      );
    }
    return { stage: requested, shards };
  }
  const final = await firstActiveStage(catalog, FINAL_STAGES);
  if (final) return { stage: final, shards: await catalog.activeShards([final]) };
  const latest = await catalog.rows(
    // Replay text is no stage of the Tajik corpus: exports carry it beside the corpus.
    `SELECT stage FROM shards WHERE status = 'active' AND stage <> $1 GROUP BY stage ORDER BY max(created_at) DESC LIMIT 1`,
    [REPLAY_SOURCE],
  );
  const [newest] = latest;
  if (!newest) {
    throw new UsageError(
      `soro bridge: no active shards in ${catalog.ws.dir}`,
      "ingest or crawl documents and run the pipeline first",
    );
  }
  const stage = String(newest.stage);
  return { stage, shards: await catalog.activeShards([stage]) };
}
