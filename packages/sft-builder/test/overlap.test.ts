import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { afterAll, describe, expect, it } from "vitest";
import { measureSftOverlap } from "../src/samples/overlap.js";
import { addSamples } from "../src/samples/schema.js";
import { queuedSample } from "../src/testing.js";

let catalog: Catalog | undefined;
afterAll(() => catalog?.close());

describe("SFT ↔ pretraining overlap", () => {
  it("measures how many instruction and answer n-grams the pretraining shards hold, per sample", async () => {
    catalog = await Catalog.open(await mkdtemp(path.join(tmpdir(), "soro-overlap-")), { create: true });
    const paras = (await udhrParagraphs("tgk")).filter((p) => p.split(/\s+/).length >= 20);
    // Pretraining holds the first ten paragraphs.
    const run = await SourceRun.begin(catalog, "dedup", { test: true });
    await run.add(
      "udhr",
      "udhr",
      paras.slice(0, 10).map((text) => ({ doc: makeDocument({ text, source: "web" }) })),
    );
    await run.finish();
    const question = "Ин матнро бо забони содда барои хонандагони синфи панҷум шарҳ диҳед, лутфан.";
    // One answer copies a pretraining paragraph (with other capitals and punctuation), one does not.
    const copied = queuedSample("explain", null, 5, [
      { role: "user", content: question },
      { role: "assistant", content: paras[3]!.toUpperCase().replace(/[,.;]/g, "") },
    ]);
    const fresh = queuedSample("explain", null, 5, [
      { role: "user", content: question },
      { role: "assistant", content: paras[20]! },
    ]);
    await addSamples(catalog, [copied, fresh]);
    const s = await measureSftOverlap(catalog);
    expect(s.stage).toBe("dedup");
    expect(s.docsScanned).toBe(10);
    const answer = s.parts.find((p) => p.part === "answer")!;
    const instruction = s.parts.find((p) => p.part === "instruction")!;
    expect(answer).toMatchObject({ samples: 2, samplesHit: 1, tooShort: 0 });
    expect(answer.ngramsHit).toBe(paras[3]!.split(/\s+/).length - 7);
    expect(instruction).toMatchObject({ samples: 2, samplesHit: 0, ngramsHit: 0 });
    const rows = await catalog.rows(
      `SELECT sample_id, hits FROM sft_overlap_samples WHERE part = 'answer' AND hits > 0`,
    );
    expect(rows.map((r) => r.sample_id)).toEqual([copied.sample_id]);
  }, 60_000);
});
