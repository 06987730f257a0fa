import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  copyQueryToShard,
  type ShardRecord,
  SourceRun,
  StageRun,
  type StageRunSpec,
} from "../src/index.js";
import { seedWorkspace, tajikDocs, tempDir } from "./helpers.js";

/** A global step over the ingest shards, written the way select and dedup are: one output shard per input. */
const spec: StageRunSpec = {
  stage: "upper",
  configHash: "cfg-1",
  config: { upper: true },
  outputs: "replace",
};

async function writeUpper(run: StageRun, catalog: Catalog, input: ShardRecord): Promise<void> {
  const file = await copyQueryToShard(
    catalog.conn,
    `SELECT * REPLACE (upper(text) AS text) FROM read_parquet('${catalog.shardPath(input)}')`,
    { tmpDir: run.tmpDir, name: `upper/${input.shard_id}` },
  );
  const stats = { docsIn: file.rows, charsIn: file.chars, docsOut: file.rows, charsOut: file.chars };
  await run.commit({
    sourceKey: input.shard_id,
    files: [file],
    stats: { ...stats, quarantined: 0, removed: {} },
  });
}

describe("StageRun", () => {
  it("resumes a global step killed half-way: stale run interrupted, orphans removed, done inputs skipped", async () => {
    const dir = await tempDir();
    await seedWorkspace(dir, 3, 4);
    const catalog = await Catalog.open(dir);
    try {
      const inputs = await catalog.activeShards(["ingest"]);
      const first = await StageRun.start(catalog, spec);
      expect(first.pending(inputs)).toHaveLength(3);
      await writeUpper(first, catalog, inputs[0]!);
      // The process dies here: its run stays "running", and a file it was placing is left unregistered.
      const orphan = path.join(catalog.ws.shardsDir, "upper", "half-written.parquet");
      await mkdir(path.dirname(orphan), { recursive: true });
      await writeFile(orphan, "PAR1");

      const again = await StageRun.open(catalog, spec);
      expect(again.pending(inputs).map((s) => s.shard_id)).toEqual(inputs.slice(1).map((s) => s.shard_id));
      expect(again.covers(inputs)).toBe(false);
      const runs = await catalog.rows("SELECT run_id, status FROM stage_runs WHERE stage = 'upper'");
      expect(runs).toEqual([{ run_id: first.runId, status: "interrupted" }]);
      expect(await catalog.removeOrphans("upper")).toEqual([]);
      // Nothing of this configuration is current before the run finishes.
      expect(await catalog.activeShards(["upper"])).toEqual([]);

      await again.begin();
      await again.complete(async () => {
        for (const input of again.pending(inputs)) await writeUpper(again, catalog, input);
      });
      expect(again.covers(inputs)).toBe(true);
      const active = await catalog.activeShards(["upper"]);
      expect(active.map((s) => s.source_key).sort()).toEqual(inputs.map((s) => s.shard_id).sort());
      const [row] = await catalog.rows(
        `SELECT count(*) AS n FROM read_parquet(['${active.map((s) => catalog.shardPath(s)).join("','")}']) WHERE text <> upper(text)`,
      );
      expect(row).toEqual({ n: 0 });
      const done = await catalog.rows("SELECT status FROM stage_runs WHERE run_id = $1", [again.runId]);
      expect(done).toEqual([{ status: "done" }]);
    } finally {
      catalog.close();
    }
  });

  it("records a failed run with its error, keeps what it committed and activates nothing", async () => {
    const dir = await tempDir();
    await seedWorkspace(dir, 2, 3);
    const catalog = await Catalog.open(dir);
    try {
      const inputs = await catalog.activeShards(["ingest"]);
      const run = await StageRun.start(catalog, spec);
      await expect(
        run.complete(async () => {
          await writeUpper(run, catalog, inputs[0]!);
          throw new Error("upper: shard two is unreadable");
        }),
      ).rejects.toThrow(/unreadable/);
      const [row] = await catalog.rows("SELECT status, error FROM stage_runs WHERE run_id = $1", [run.runId]);
      expect(row).toEqual({ status: "failed", error: "upper: shard two is unreadable" });
      expect(await catalog.activeShards(["upper"])).toEqual([]);
      const next = await StageRun.open(catalog, spec);
      expect(next.pending(inputs)).toEqual([inputs[1]]);
    } finally {
      catalog.close();
    }
  });

  it("commits a source batch in one shard with the source's own writes, or none of it when those fail", async () => {
    const dir = await tempDir();
    const c = await Catalog.open(dir, { create: true });
    await c.conn.run("CREATE TABLE own (key VARCHAR)");
    const run = await SourceRun.begin(c, "ingest", {});
    const docs = await tajikDocs(5);
    const sources = [
      { key: "a", items: docs.slice(0, 2) },
      { key: "b", items: [...docs.slice(2), { bad: { input: "b:9", reason: "broken" } }] },
    ];
    const failing = run.addBatch("batch:1", "batch", sources, async () => {
      await c.conn.run("INSERT INTO own VALUES ('batch:1')");
      throw new Error("own bookkeeping failed");
    });
    await expect(failing).rejects.toThrow("own bookkeeping failed");
    expect(await c.rows("SELECT count(*)::INTEGER AS n FROM own")).toEqual([{ n: 0 }]);
    expect(await c.rows("SELECT count(*)::INTEGER AS n FROM shards")).toEqual([{ n: 0 }]);
    expect(run.has("batch:1")).toBe(false);

    const parts = await run.addBatch("batch:2", "batch", sources, async () => {
      await c.conn.run("INSERT INTO own VALUES ('batch:2')");
    });
    expect(parts.map((p) => [p.key, p.rows, p.stats.quarantined])).toEqual([
      ["a", 2, 0],
      ["b", 3, 1],
    ]);
    expect(await c.rows("SELECT key FROM own")).toEqual([{ key: "batch:2" }]);
    expect(await c.rows("SELECT source_key, rows::INTEGER AS rows FROM shards")).toEqual([
      { source_key: "batch:2", rows: 5 },
    ]);
    expect(await c.rows("SELECT docs_in::INTEGER AS i, docs_out::INTEGER AS o FROM stage_io")).toEqual([
      { i: 6, o: 5 },
    ]);
    await run.finish();
    c.close();
  });
});
