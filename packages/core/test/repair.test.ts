import { readFile, unlink, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  describeError,
  readShard,
  repairShards,
  runStage,
  SoroError,
  SourceRun,
  verifyShards,
} from "../src/index.js";
import { LENGTH_STAGE, seedWorkspace, tajikDocs, tempDir } from "./helpers.js";

const OPTIONS = { minChars: 50 };

async function docCount(catalog: Catalog, stage: string): Promise<number> {
  let n = 0;
  for (const shard of await catalog.activeShards([stage]))
    for await (const batch of readShard(catalog.shardPath(shard))) n += batch.length;
  return n;
}

async function lengthRun(catalog: Catalog) {
  return runStage({ catalog, stage: LENGTH_STAGE, options: OPTIONS, workers: 0, progress: "quiet" });
}

/** A workspace with 3 ingest shards of 10 documents and the length stage run over them. */
async function builtWorkspace(): Promise<{ catalog: Catalog; docs: number }> {
  const dir = await tempDir();
  await seedWorkspace(dir, 3, 10);
  const catalog = await Catalog.open(dir);
  await lengthRun(catalog);
  return { catalog, docs: await docCount(catalog, "length") };
}

async function shardFile(catalog: Catalog, stage: string, index: number): Promise<string> {
  return catalog.shardPath((await catalog.activeShards([stage]))[index]!);
}

describe("repair", () => {
  it("rebuilds a stage's own missing output shard when the stage runs again", async () => {
    const { catalog, docs } = await builtWorkspace();
    try {
      await unlink(await shardFile(catalog, "length", 1));
      expect((await verifyShards(catalog)).map((p) => p.problem)).toEqual(["file missing"]);
      const again = await lengthRun(catalog);
      expect(again).toMatchObject({ repaired: 1, processed: 1, skipped: 2 });
      expect(await verifyShards(catalog)).toEqual([]);
      expect(await docCount(catalog, "length")).toBe(docs);
    } finally {
      catalog.close();
    }
  });

  it("verify --repair uncommits a corrupt input and marks what was built from it stale; reruns rebuild both", async () => {
    const { catalog, docs } = await builtWorkspace();
    try {
      // Same size, other bytes: only the full check (sha256, footer) sees it.
      const file = await shardFile(catalog, "ingest", 1);
      const bytes = await readFile(file);
      await writeFile(file, Buffer.alloc(bytes.length, 0x41));
      const problems = await verifyShards(catalog);
      expect([...new Set(problems.map((p) => p.path))]).toEqual([file]);
      const r = await repairShards(catalog, problems);
      expect(r.uncommitted.map((u) => [u.stage, u.sourceKey])).toEqual([
        ["ingest", "part-1"],
        ["length", expect.stringContaining("part-1")],
      ]);
      expect(r.uncommitted[1]!.reason).toMatch(/^stale: built from /);
      expect(r.rerun).toEqual(["`soro ingest (the same paths)`", "`soro length`"]);
      expect(await verifyShards(catalog)).toEqual([]);
      // The views work meanwhile, with what is left.
      expect(await docCount(catalog, "length")).toBeLessThan(docs);

      const run = await SourceRun.begin(catalog, "ingest", { test: true });
      expect(run.has("part-1")).toBe(false);
      await run.add("part-1", "part-1", (await tajikDocs(30)).slice(10, 20));
      await run.finish();
      expect(await lengthRun(catalog)).toMatchObject({ processed: 1, skipped: 2 });
      expect(await docCount(catalog, "length")).toBe(docs);
      expect(await verifyShards(catalog)).toEqual([]);
    } finally {
      catalog.close();
    }
  });

  it("stops a stage whose input shard is missing, naming the shard and the commands to run", async () => {
    const { catalog } = await builtWorkspace();
    try {
      const file = await shardFile(catalog, "ingest", 2);
      await unlink(file);
      const err = (await lengthRun(catalog).catch((e: unknown) => e)) as SoroError;
      expect(err).toBeInstanceOf(SoroError);
      expect(err.exitCode).toBe(5);
      expect(err.oneLine()).toContain(file);
      expect(err.oneLine()).toMatch(/run `soro ingest \(the same paths\)`, then `soro length`/);
      expect(err.oneLine()).not.toMatch(/\[object/);
    } finally {
      catalog.close();
    }
  });

  it("names the shard and the repair command when an input turns out corrupt mid-run, never [object Object]", async () => {
    const dir = await tempDir();
    await seedWorkspace(dir, 2, 10);
    const catalog = await Catalog.open(dir);
    try {
      const file = await shardFile(catalog, "ingest", 0);
      const bytes = await readFile(file);
      await writeFile(file, Buffer.alloc(bytes.length, 0x41));
      const err = (await lengthRun(catalog).catch((e: unknown) => e)) as SoroError;
      expect(err).toBeInstanceOf(SoroError);
      expect(err.oneLine()).toContain(file);
      expect(err.oneLine()).toContain("soro verify --repair");
      expect(err.oneLine()).not.toMatch(/\[object/);
    } finally {
      catalog.close();
    }
  });
});

describe("describeError", () => {
  it("turns anything thrown into one readable line", () => {
    class Odd {
      toString() {
        return "odd";
      }
    }
    const cases: Array<[unknown, string | RegExp]> = [
      [new Error("disk full\nat line 2"), "disk full"],
      ["plain text", "plain text"],
      [{ message: "from a worker", exitCode: 5 }, "from a worker"],
      [{ text: "no message field", exitCode: 1 }, '{"text":"no message field","exitCode":1}'],
      [new SoroError("soro: bad", "do this", 2), "soro: bad: do this"],
      [null, "null"],
      [undefined, "undefined"],
      [42, "42"],
      [new Odd(), "{}"],
    ];
    for (const [thrown, want] of cases) {
      const line = describeError(thrown);
      expect(line).not.toMatch(/\[object /);
      expect(line.split("\n")).toHaveLength(1);
      if (typeof want === "string") expect(line).toBe(want);
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(describeError(circular)).not.toMatch(/\[object /);
  });
});
