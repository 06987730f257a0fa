import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { addSamples, listSamples, sampleId } from "../src/index.js";

describe("sft sample tables", () => {
  it("stores samples once by content id and lists them by status", async () => {
    const catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-sft-")), { create: true });
    try {
      const [p] = await udhrParagraphs("tgk");
      const messages = [
        { role: "user" as const, content: "Ин матнро барои хонандаи синфи 5 шарҳ диҳед." },
        { role: "assistant" as const, content: p! },
      ];
      const sample = {
        sample_id: sampleId("explain", messages),
        task: "explain",
        subject: "huquq",
        grade: 5,
        source_doc_id: null,
        source_excerpt: p!.slice(0, 80),
        messages,
        engine: "extractive",
        template_version: "1",
        status: "queued" as const,
      };
      expect(await addSamples(catalog, [sample, sample])).toBe(1);
      expect(await addSamples(catalog, [sample])).toBe(0);
      const [stored] = await listSamples(catalog, "queued");
      expect(stored).toMatchObject({ sample_id: sample.sample_id, grade: 5, version: 1, messages });
      expect(await listSamples(catalog, "accepted")).toEqual([]);
    } finally {
      catalog.close();
    }
  });
});
