import { Catalog, readShard } from "@soro/core";
import { describe, expect, it } from "vitest";
import { exactJaccard, resolveOptions, runDedup } from "../src/index.js";
import { plantedCorpus, seedSelect, tempDir } from "./corpus.js";

async function stageRows(
  catalog: Catalog,
  stage: string,
  columns?: string[],
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const shard of await catalog.activeShards([stage]))
    for await (const batch of readShard(catalog.shardPath(shard), { columns })) rows.push(...batch);
  return rows;
}

const NO_LINES = { lines: { enabled: false } };

describe("dedup end to end", () => {
  it("finds planted near-duplicates with recall and precision ≥ 0.95 against exact Jaccard", async () => {
    const docs = await plantedCorpus();
    const dir = await tempDir();
    await seedSelect(dir, docs, 3);
    const catalog = await Catalog.open(dir);
    try {
      const { clusters } = await runDedup(catalog, resolveOptions({ cluster: NO_LINES }), {
        workers: 2,
        progress: "quiet",
      });
      const out = await stageRows(catalog, "dedup", ["id", "dup_cluster", "dup_cluster_size"]);
      const members = await catalog.rows(
        "SELECT doc_id, cluster_id, rank FROM dedup_members WHERE config_hash = $1",
        [clusters.configHash],
      );
      const clusterOf = new Map(members.map((m) => [String(m.doc_id), String(m.cluster_id)]));
      const byId = new Map(docs.map((d) => [d.id, d.text]));
      let truePairs = 0;
      let found = 0;
      for (let i = 0; i < docs.length; i++)
        for (let j = i + 1; j < docs.length; j++) {
          if (exactJaccard(docs[i]!.text, docs[j]!.text) < 0.85) continue;
          truePairs++;
          const ci = clusterOf.get(docs[i]!.id);
          if (ci !== undefined && ci === clusterOf.get(docs[j]!.id)) found++;
        }
      const pairs = await catalog.rows("SELECT a_id, b_id FROM dedup_pairs WHERE config_hash = $1", [
        clusters.configHash,
      ]);
      const correct = pairs.filter(
        (p) => exactJaccard(byId.get(String(p.a_id))!, byId.get(String(p.b_id))!) >= 0.75,
      ).length;
      const dupes = members.filter((m) => m.rank !== 1);
      console.log(
        JSON.stringify({
          docs: docs.length,
          truePairs,
          found,
          pairs: pairs.length,
          correct,
          removed: clusters.removed,
        }),
      );
      expect(truePairs).toBeGreaterThan(20);
      expect(found / truePairs).toBeGreaterThanOrEqual(0.95);
      expect(correct / pairs.length).toBeGreaterThanOrEqual(0.95);
      expect(out.length).toBe(docs.length - dupes.length);
    } finally {
      catalog.close();
    }
  });
});
