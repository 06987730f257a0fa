import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { udhrParagraphs } from "@soro/samples";
import { Catalog, makeDocument, type SourceItem, SourceRun } from "../src/index.js";

/** A fresh temporary folder. */
export function tempDir(prefix = "soro-test-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** The module URL and export of the test stage. */
export const LENGTH_STAGE = {
  module: new URL("./fixtures/length-stage.ts", import.meta.url).href,
  exportName: "lengthStage",
};

/** Real Tajik documents: UDHR paragraphs, repeated with a counter so there are `count` distinct ones. */
export async function tajikDocs(count: number): Promise<SourceItem[]> {
  const paragraphs = await udhrParagraphs("tgk");
  return Array.from({ length: count }, (_, i) => ({
    doc: makeDocument({
      text: `${paragraphs[i % paragraphs.length]} (${i})`,
      source: "web",
      url: `https://udhr.example/tgk/${i}`,
    }),
  }));
}

/** Creates a workspace with `shards` ingest shards of `perShard` real Tajik documents each. */
export async function seedWorkspace(dir: string, shards: number, perShard: number): Promise<void> {
  const catalog = await Catalog.open(dir, { create: true });
  try {
    const docs = await tajikDocs(shards * perShard);
    const run = await SourceRun.begin(catalog, "ingest", { test: true });
    for (let s = 0; s < shards; s++)
      await run.add(`part-${s}`, `part-${s}`, docs.slice(s * perShard, (s + 1) * perShard));
    await run.finish();
  } finally {
    catalog.close();
  }
}
