import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Catalog, closeShardScratch, processShard, readShard, type ShardTask } from "../src/index.js";
import { seedWorkspace, tempDir } from "./helpers.js";

/** The narrow rewriting test stage: DuckDB joins the input's other columns back when a part is written. */
const STAGE = {
  module: new URL("./fixtures/rewrite-stage.ts", import.meta.url).href,
  exportName: "narrowRewriteStage",
};

/** Every row of a task's parts, in order. */
async function rowsOf(result: Awaited<ReturnType<typeof processShard>>): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const file of result.files) for await (const batch of readShard(file.tmpPath)) rows.push(...batch);
  return rows;
}

describe("the scratch database shard tasks share", () => {
  it("gives the same parts to tasks in turn, overlapping, after a failed task and in a new temp folder", async () => {
    const ws = await tempDir();
    await seedWorkspace(ws, 3, 400);
    const catalog = await Catalog.open(ws);
    const inputs = (await catalog.activeShards(["ingest"])).map((s) => catalog.shardPath(s));
    catalog.close();
    const task = (inputPath: string, i: number, tmpDir: string, prefix: string): ShardTask => ({
      stage: STAGE,
      options: { minChars: 10 },
      inputPath,
      inputShardId: `in-${i}`,
      outputPrefix: `${prefix}-${i}`,
      tmpDir,
      runId: 1,
    });
    try {
      const first = await tempDir();
      // One after another: the second and third task run in the database the first opened.
      const inTurn = [];
      for (const [i, input] of inputs.entries())
        inTurn.push(await processShard(task(input, i, first, "turn")));
      const expected = await Promise.all(inTurn.map(rowsOf));
      expect(expected.map((rows) => rows.length)).toEqual([400, 400, 400]);
      for (const rows of expected) {
        expect(rows.some((r) => String(r.text).includes(" ВА "))).toBe(true);
        for (const r of rows) expect(r.text_original).toBe(String(r.text).replaceAll(" ВА ", " ва "));
      }

      // Overlapping tasks: one has the shared database, the others their own; all write the same rows.
      const overlapping = await Promise.all(
        inputs.map((input, i) => processShard(task(input, i, first, "both"))),
      );
      expect(await Promise.all(overlapping.map(rowsOf))).toEqual(expected);

      // A task that fails (its input is not Parquet) says so; the next one gets a working database.
      const broken = path.join(first, "broken.parquet");
      await writeFile(broken, "not a parquet file");
      await expect(processShard(task(broken, 9, first, "broken"))).rejects.toThrow(/broken\.parquet/);
      expect(await rowsOf(await processShard(task(inputs[0] as string, 0, first, "after")))).toEqual(
        expected[0],
      );

      // Another run's temp folder: the database of the first is let go, and the parts are written in the new one.
      const second = await tempDir();
      const moved = await processShard(task(inputs[1] as string, 1, second, "moved"));
      expect(moved.files.every((f) => f.tmpPath.startsWith(second))).toBe(true);
      expect(await rowsOf(moved)).toEqual(expected[1]);
    } finally {
      closeShardScratch();
    }
  });
});
