import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countStageTokens, goalStatus } from "../src/counts.js";
import { loadTokenizer, type Tokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let texts: string[];
let tok: Tokenizer;

beforeAll(async () => {
  ({ catalog, texts } = await tajikWorkspace());
  tok = loadTokenizer();
}, 60_000);
afterAll(() => catalog.close());

describe("token counts", () => {
  it("counts every shard and document exactly in worker threads, and resumes", async () => {
    const s = await countStageTokens(catalog, { workers: 2 });
    const expected = texts.reduce((n, t) => n + tok.count(t), 0);
    expect(s.stage).toBe("dedup");
    expect(s.counted).toBe(2);
    expect(s.tokens).toBe(expected);
    const shards = await catalog.activeShards(["dedup"]);
    expect(shards.reduce((n, sh) => n + Number(sh.tokens), 0)).toBe(expected);
    const docs = await catalog.rows(
      `SELECT count(*) AS n, sum(tokens) AS t FROM trainer_bridge_doc_tokens WHERE tokenizer = 'gemma3'`,
    );
    expect(docs[0]).toEqual({ n: texts.length, t: expected });
    // Gemma 3 on Tajik: about 2.3 characters per token.
    const chars = texts.reduce((n, t) => n + t.length, 0);
    expect(chars / expected).toBeGreaterThan(1.8);
    expect(chars / expected).toBeLessThan(3);
    const again = await countStageTokens(catalog, { workers: 0 });
    expect(again).toMatchObject({ counted: 0, skipped: 2 });
  }, 60_000);

  it("says how far the stage is from the 1.9B-token goal", async () => {
    const g = await goalStatus(catalog);
    expect(g.uncountedShards).toBe(0);
    expect(g.estimatedTokens).toBe(g.countedTokens);
    expect(g.remainingTokens).toBe(1_900_000_000 - g.countedTokens);
  });

  it("falls back to the latest stage with shards and names a missing one", async () => {
    await expect(countStageTokens(catalog, { stage: "nope" })).rejects.toThrow(
      /stage nope has no active shards/,
    );
  });
});
