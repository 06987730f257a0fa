import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog } from "@soro/core";
import { ingestPaths } from "@soro/ingest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkStats,
  EXTRACTIVE_TASKS,
  generateSamples,
  listSamples,
  loadSeeds,
  loadTemplates,
  mineChunk,
  sampleChecks,
} from "../src/index.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/edu", import.meta.url));
const flat = (s: string) => s.replace(/\s+/g, " ");

let catalog: Catalog;
beforeAll(async () => {
  catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-sft-ex-")), { create: true });
  const s = await ingestPaths(catalog, [FIXTURES], { source: "edu" });
  expect(s.docs).toBe(3);
});
afterAll(() => catalog.close());

describe("the extractive engine on the edu fixture (Tajik UDHR read as grade-9 civics)", () => {
  it("seeds from edu documents with subject, grade and origin kept", async () => {
    const seeds = await loadSeeds(catalog);
    expect(seeds).toMatchObject({ stage: "ingest", docs: 3 });
    expect(seeds.chunks.length).toBeGreaterThan(20);
    expect(seeds.chunks[0]).toMatchObject({
      subject: "huquq",
      grade: 9,
      origin: expect.stringMatching(/eloomiya-\d\.txt$/),
    });
    expect(seeds.chunks.some((c) => c.heading === "Моддаи 3.")).toBe(true);
  });

  it("yields examples of every offline task whose answers are found in their source", async () => {
    const t = await loadTemplates();
    const { chunks } = await loadSeeds(catalog);
    const docs = new Map(
      (await catalog.rows(`SELECT id, text FROM ${await catalog.stageTableSql("ingest")}`)).map((r) => [
        String(r.id),
        flat(String(r.text)),
      ]),
    );
    const candidates = chunks.flatMap((c) => mineChunk(c, EXTRACTIVE_TASKS, t));
    expect(new Set(candidates.map((c) => c.task))).toEqual(new Set(EXTRACTIVE_TASKS));
    for (const c of candidates) {
      const source = docs.get(c.chunk.docId)!;
      const answers = c.messages.filter((m) => m.role === "assistant").map((m) => flat(m.content));
      // Every source sentence the example rests on is in the document and in the teacher's answers.
      for (const sentence of c.excerpt.split("\n").map(flat)) {
        expect(source, c.task).toContain(sentence);
        expect(answers.join(" "), c.task).toContain(sentence);
      }
      if (c.task === "quiz") {
        const keys = [...c.messages[1]!.content.matchAll(/^\d\. (\p{L}+(?:-\p{L}+)*)$/gmu)].map((m) => m[1]!);
        expect(keys.length).toBeGreaterThanOrEqual(2);
        for (const k of keys) expect(source).toContain(k);
      }
    }
    const rights = candidates.find(
      (c) => c.task === "explain" && c.excerpt.startsWith("Ҳар як инсон ба ҳаёт"),
    );
    expect(rights!.messages[0]!.content).toBe("Ҳар як инсон ба чӣ ҳақ дорад?");
    const fix = candidates.find((c) => c.task === "correct_mistakes")!;
    expect(fix.messages[0]!.content.split("\n\n")[1]).not.toMatch(/[ҳқҷғӯӣ]/);
    expect(fix.messages[1]!.content).toMatch(/→/);
  });

  it("generates up to the target, stores every verdict, and a rerun makes nothing new", async () => {
    const first = await generateSamples(catalog, {
      tasks: EXTRACTIVE_TASKS,
      target: 40,
      engine: "extractive",
    });
    expect(first.queued).toBe(40);
    const queued = await listSamples(catalog, "queued");
    expect(queued).toHaveLength(40);
    expect(queued[0]).toMatchObject({
      subject: "huquq",
      grade: 9,
      engine: "extractive",
      template_version: "teacher-v1",
    });
    const verdicts = await sampleChecks(catalog, queued[0]!.sample_id);
    expect(verdicts.map((v) => v.check).sort()).toEqual([
      "foreign_answer",
      "format",
      "language",
      "length",
      "near_duplicate",
      "refusal",
      "script",
    ]);
    expect(verdicts.every((v) => v.passed)).toBe(true);
    const rejected = await listSamples(catalog, "auto_rejected");
    for (const r of rejected)
      expect((await sampleChecks(catalog, r.sample_id)).some((v) => !v.passed)).toBe(true);
    const again = await generateSamples(catalog, {
      tasks: EXTRACTIVE_TASKS,
      target: 40,
      engine: "extractive",
    });
    expect(again).toMatchObject({ queued: 0, autoRejected: 0, kept: 40 });
    const more = await generateSamples(catalog, {
      tasks: EXTRACTIVE_TASKS,
      target: 1000,
      engine: "extractive",
    });
    expect(more.queued).toBeGreaterThan(20);
    const stats = await checkStats(catalog);
    expect(stats.find((s) => s.check === "language")).toMatchObject({ failed: 0 });
    const [src] = await catalog.rows(`SELECT count(*) AS n FROM sft_sample_sources`);
    expect(Number(src!.n)).toBe((await listSamples(catalog)).length);
  });

  it("explains what is missing when there is nothing to seed from", async () => {
    const empty = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-sft-empty-")), { create: true });
    try {
      await expect(
        generateSamples(empty, { tasks: ["quiz"], target: 5, engine: "extractive" }),
      ).rejects.toThrow(/no documents to seed from/);
      await expect(
        generateSamples(catalog, { tasks: ["ru_to_tg"], target: 5, engine: "extractive" }),
      ).rejects.toThrow(/extractive engine cannot make ru_to_tg/);
    } finally {
      empty.close();
    }
  });
});
