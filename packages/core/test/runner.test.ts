import { describe, expect, it } from "vitest";
import { Catalog, makeDocument, readShard, runStage, SoroError, SourceRun } from "../src/index.js";
import { LENGTH_STAGE, seedWorkspace, tempDir } from "./helpers.js";

async function stageDocs(catalog: Catalog, stage: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const shard of await catalog.activeShards([stage])) {
    for await (const batch of readShard(catalog.shardPath(shard))) rows.push(...batch);
  }
  return rows;
}

describe("runStage", () => {
  for (const workers of [0, 2]) {
    it(`adds columns, drops by rule and records statistics (workers=${workers})`, async () => {
      const dir = await tempDir();
      await seedWorkspace(dir, 4, 25);
      const catalog = await Catalog.open(dir);
      try {
        const summary = await runStage({
          catalog,
          stage: LENGTH_STAGE,
          options: { minChars: 120 },
          workers,
          progress: "quiet",
        });
        expect(summary).toMatchObject({ inputs: 4, processed: 4, skipped: 0, docsIn: 100 });
        const out = await stageDocs(catalog, "length");
        expect(out.length).toBe(summary.docsOut);
        expect(
          out.every((d) => (d.n_chars as number) >= 120 && d.n_chars === (d.text as string).length),
        ).toBe(true);
        const removed = await catalog.rows(
          `SELECT rule, sum(docs_removed) AS docs FROM rule_stats WHERE stage = 'length' GROUP BY rule`,
        );
        expect(removed).toEqual([{ rule: "too_short", docs: 100 - summary.docsOut }]);
        expect(summary.docsOut).toBeGreaterThan(0);
        expect(summary.docsOut).toBeLessThan(100);
        // The same configuration again resumes: nothing left to do.
        const again = await runStage({
          catalog,
          stage: LENGTH_STAGE,
          options: { minChars: 120 },
          workers,
          progress: "quiet",
        });
        expect(again).toMatchObject({ processed: 0, skipped: 4 });
        // A new threshold is a new configuration: recomputed, and it supersedes the old output.
        await runStage({
          catalog,
          stage: LENGTH_STAGE,
          options: { minChars: 10 },
          workers,
          progress: "quiet",
        });
        expect((await stageDocs(catalog, "length")).length).toBe(100);
      } finally {
        catalog.close();
      }
    });
  }

  it("a stage that reads only id and text writes the same shards as one that reads everything", async () => {
    const dir = await tempDir();
    await seedWorkspace(dir, 3, 20);
    const catalog = await Catalog.open(dir);
    try {
      await runStage({
        catalog,
        stage: LENGTH_STAGE,
        options: { minChars: 120 },
        workers: 2,
        progress: "quiet",
      });
      const wide = await stageDocs(catalog, "length");
      const narrow = await runStage({
        catalog,
        stage: { ...LENGTH_STAGE, exportName: "narrowLengthStage" },
        options: { minChars: 120, delayMs: 0 },
        workers: 2,
        progress: "quiet",
      });
      expect(narrow).toMatchObject({ processed: 3, docsOut: wide.length });
      const joined = await stageDocs(catalog, "length");
      expect(joined.map((d) => Object.keys(d))).toEqual(wide.map((d) => Object.keys(d)));
      expect(joined).toEqual(wide);
    } finally {
      catalog.close();
    }
  });

  it("quarantines a document the stage fails on and goes on", async () => {
    const dir = await tempDir();
    const catalog = await Catalog.open(dir, { create: true });
    try {
      const run = await SourceRun.begin(catalog, "ingest", {});
      await run.add("k", "mixed", [
        {
          doc: makeDocument({
            text: "Ҳар як инсон ба таҳсил ҳуқуқ дорад ва таҳсил бояд ройгон бошад.",
            source: "web",
            url: "u1",
          }),
        },
        { doc: makeDocument({ text: "матн \u0000POISON матн", source: "web", url: "u2" }) },
      ]);
      await run.finish();
      const summary = await runStage({
        catalog,
        stage: LENGTH_STAGE,
        options: { minChars: 5 },
        workers: 1,
        progress: "quiet",
      });
      expect(summary).toMatchObject({ docsIn: 2, docsOut: 1, quarantined: 1 });
      const q = await catalog.rows(`SELECT stage, reason FROM quarantine`);
      expect(q).toEqual([{ stage: "length", reason: "poisoned document" }]);
    } finally {
      catalog.close();
    }
  });

  it("says which stage to run first when there is no input", async () => {
    const catalog = await Catalog.open(await tempDir(), { create: true });
    try {
      const err = await runStage({
        catalog,
        stage: LENGTH_STAGE,
        options: { minChars: 1 },
        progress: "quiet",
      }).catch((e: unknown) => e as SoroError);
      expect(err).toBeInstanceOf(SoroError);
      expect((err as SoroError).oneLine()).toMatch(/length has no input.*run ingest first/);
    } finally {
      catalog.close();
    }
  });
});
