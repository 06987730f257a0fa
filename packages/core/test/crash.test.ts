import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog, readShard, verifyShards } from "../src/index.js";
import { type KillableExit, runKillable } from "../src/testing.js";
import { seedWorkspace, tempDir } from "./helpers.js";

const CHILD = new URL("./fixtures/run-length.ts", import.meta.url).pathname;

/** Runs the length stage in a child process; `killWhen` decides when to SIGKILL it. */
function runChild(dir: string, delayMs: number, killWhen?: () => boolean): Promise<KillableExit> {
  return runKillable(CHILD, [dir, "2", String(delayMs)], { killWhen, pollMs: 20 });
}

function parquetFiles(dir: string): string[] {
  const root = path.join(dir, "shards", "length");
  return existsSync(root)
    ? readdirSync(root, { recursive: true })
        .map(String)
        .filter((n) => n.endsWith(".parquet"))
    : [];
}

async function finalIds(dir: string): Promise<string[]> {
  const catalog = await Catalog.open(dir);
  try {
    expect(await verifyShards(catalog)).toEqual([]);
    const ids: string[] = [];
    for (const shard of await catalog.activeShards(["length"])) {
      for await (const batch of readShard(catalog.shardPath(shard), { columns: ["id"] }))
        ids.push(...batch.map((r) => String(r.id)));
    }
    return ids.sort();
  } finally {
    catalog.close();
  }
}

describe("crash and resume", () => {
  it("a stage killed mid-run and rerun yields exactly the documents of an uninterrupted run", {
    timeout: 240_000,
  }, async () => {
    const clean = await tempDir();
    const crashed = await tempDir();
    await seedWorkspace(clean, 10, 60);
    await seedWorkspace(crashed, 10, 60);

    expect((await runChild(clean, 0)).code).toBe(0);
    const expected = await finalIds(clean);
    expect(expected.length).toBeGreaterThan(0);
    expect(new Set(expected).size).toBe(expected.length);

    // ~3 ms per document: each shard takes ~0.2 s, the whole run ~1 s; kill once some shards are in place.
    const first = await runChild(crashed, 3, () => parquetFiles(crashed).length >= 3);
    expect(first.killed).toBe(true);
    const before = await Catalog.open(crashed);
    const partial = await before.rows(`SELECT count(*) AS n FROM shards WHERE stage = 'length'`);
    const active = await before.activeShards(["length"]);
    before.close();
    expect(active).toEqual([]); // nothing of an unfinished run is served downstream
    expect(Number(partial[0]!.n)).toBeLessThan(10);

    expect((await runChild(crashed, 0)).code).toBe(0);
    expect(await finalIds(crashed)).toEqual(expected);
    const after = await Catalog.open(crashed);
    const runs = await after.rows(`SELECT status FROM stage_runs WHERE stage = 'length' ORDER BY run_id`);
    after.close();
    expect(runs.map((r) => r.status)).toEqual(["interrupted", "done"]);
  });
});
