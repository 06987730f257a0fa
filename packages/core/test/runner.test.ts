import { describe, expect, it } from "vitest";
import { Catalog, makeDocument, readShard, runStage, SoroError, SourceRun } from "../src/index.js";
import { LENGTH_STAGE, seedWorkspace, tajikDocs, tempDir } from "./helpers.js";

/** The module of the rewriting test stages and one of its exports. */
const rewriteRef = (exportName: string) => ({
  module: new URL("./fixtures/rewrite-stage.ts", import.meta.url).href,
  exportName,
});

/** Runs a stage over everything, quietly, with two workers. */
function run(catalog: Catalog, exportName: string, options: Record<string, unknown>) {
  return runStage({ catalog, stage: rewriteRef(exportName), options, workers: 2, progress: "quiet" });
}

/** What a run recorded about its inputs: documents and characters in and out, removals, quarantine. */
async function runRecord(catalog: Catalog, runId: number): Promise<Record<string, unknown>> {
  const io = await catalog.rows(
    `SELECT sum(docs_in) AS docs_in, sum(chars_in) AS chars_in, sum(docs_out) AS docs_out,
       sum(chars_out) AS chars_out, sum(quarantined) AS quarantined FROM stage_io WHERE run_id = $1`,
    [runId],
  );
  const removed = await catalog.rows(
    `SELECT rule, sum(docs_removed) AS docs, sum(chars_removed) AS chars FROM rule_stats WHERE run_id = $1
     GROUP BY rule ORDER BY rule`,
    [runId],
  );
  const quarantine = await catalog.rows(
    `SELECT stage, input, reason FROM quarantine WHERE run_id = $1 ORDER BY input`,
    [runId],
  );
  return { io, removed, quarantine };
}

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

  describe("a text-rewriting stage that names the columns it reads", () => {
    /** Two ingest shards of real documents, a short one (dropped) and a poisoned one (quarantined) among them. */
    async function seedRewrites(dir: string): Promise<Catalog> {
      const catalog = await Catalog.open(dir, { create: true });
      const docs = await tajikDocs(30);
      const run = await SourceRun.begin(catalog, "ingest", {});
      await run.add("a", "a", docs.slice(0, 15));
      await run.add("b", "b", [
        ...docs.slice(15),
        { doc: makeDocument({ text: "кӯтоҳ ва хурд", source: "web", url: "short" }) },
        { doc: makeDocument({ text: "матн ва \u0000POISON матн", source: "web", url: "poison" }) },
      ]);
      await run.finish();
      return catalog;
    }

    it("keeps the first text in text_original and writes what its wide twin writes", async () => {
      const catalog = await seedRewrites(await tempDir());
      try {
        const ingest = new Map((await stageDocs(catalog, "ingest")).map((d) => [d.id, d]));
        const wideRun = await run(catalog, "rewriteStage", { minChars: 40 });
        const wide = await stageDocs(catalog, "rewrite");
        const wideColumns = (await catalog.activeShards(["rewrite"])).map((s) => s.columns);
        const narrowRun = await run(catalog, "narrowRewriteStage", { minChars: 40, variant: 1 });
        const narrow = await stageDocs(catalog, "rewrite");
        expect(narrowRun).toMatchObject({ processed: 2, docsIn: 32, docsOut: narrow.length, quarantined: 1 });
        // Same rows, values and column order; the catalog lists the columns as written.
        expect(narrow.map((d) => Object.keys(d))).toEqual(wide.map((d) => Object.keys(d)));
        expect(narrow).toEqual(wide);
        expect((await catalog.activeShards(["rewrite"])).map((s) => s.columns)).toEqual(wideColumns);
        expect(wideColumns[0]?.slice(-2)).toEqual(["edits", "text_original"]);
        // The same statistics: characters in and out, the rule's removals, the quarantined document.
        const record = await runRecord(catalog, narrowRun.runId);
        expect(record).toEqual(await runRecord(catalog, wideRun.runId));
        expect(record.removed).toMatchObject([{ rule: "too_short", docs: 32 - 1 - narrow.length }]);
        expect(narrow.some((d) => d.url === "short")).toBe(false);
        expect(record.quarantine).toMatchObject([{ stage: "rewrite", reason: "poisoned document" }]);
        for (const d of narrow) {
          const before = ingest.get(d.id);
          expect(d.text_original).toBe(before?.text);
          expect(d.text).toBe(String(before?.text).replaceAll(" ва ", " ВА "));
        }
        // Texts the stage left alone (no text back, or the same text) come through unchanged.
        expect(narrow.filter((d) => d.edits === 0 && d.text === d.text_original).length).toBeGreaterThan(0);
        expect(narrow.filter((d) => (d.edits as number) > 0).length).toBeGreaterThan(0);
      } finally {
        catalog.close();
      }
    });

    it("passes text_original through on a second rewrite, and its own columns win over the input's", async () => {
      const catalog = await seedRewrites(await tempDir());
      try {
        const ingest = new Map((await stageDocs(catalog, "ingest")).map((d) => [d.id, d]));
        await run(catalog, "narrowRewriteStage", { minChars: 40 });
        const first = new Map((await stageDocs(catalog, "rewrite")).map((d) => [d.id, d]));
        // A threshold that removes the shortest documents this time.
        const minChars =
          1 + ([...first.values()].map((d) => String(d.text).length).sort((a, b) => a - b)[3] ?? 0);
        const wideRun = await run(catalog, "rewriteAgainStage", { minChars });
        const wide = await stageDocs(catalog, "rewrite_again");
        const narrowRun = await run(catalog, "narrowRewriteAgainStage", { minChars, variant: 1 });
        const again = await stageDocs(catalog, "rewrite_again");
        expect(again.map((d) => Object.keys(d))).toEqual(wide.map((d) => Object.keys(d)));
        expect(again).toEqual(wide);
        expect(await runRecord(catalog, narrowRun.runId)).toEqual(await runRecord(catalog, wideRun.runId));
        // The input's `edits` (the first stage's) gives way to this stage's, after the columns it passes through.
        expect(Object.keys(again[0] ?? {}).slice(-3)).toEqual(["text_original", "edits", "again_chars"]);
        const kept = [...first.values()].filter((d) => String(d.text).length >= minChars);
        expect(again.length).toBe(kept.length);
        expect(again.length).toBeLessThan(first.size);
        for (const d of again) {
          expect(d.text_original).toBe(ingest.get(d.id)?.text);
          expect(d.text).toBe(`${first.get(d.id)?.text}!`);
          expect(d.again_chars).toBe((d.text as string).length - 1);
        }
      } finally {
        catalog.close();
      }
    });
  });
});
