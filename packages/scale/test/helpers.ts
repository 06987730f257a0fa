import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";

/** A fresh temporary folder. */
export function tempDir(prefix = "soro-scale-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** The core's test stage (adds n_chars/n_words, drops short docs, can be slowed down per document). */
export const LENGTH_STAGE = {
  module: new URL("../../core/test/fixtures/length-stage.ts", import.meta.url).href,
  exportName: "lengthStage",
};

/** The repository root (tasks run from here, as on a cluster node with the same checkout). */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

/** The command a task runs: the soro CLI's `run-task` under tsx. */
export const TASK_COMMAND = [
  process.execPath,
  "--import",
  "tsx",
  path.join(REPO_ROOT, "packages/cli/src/main.ts"),
  "run-task",
];

/** Creates a workspace with `shards` ingest shards of real Tajik UDHR paragraphs (`perShard` documents each). */
export async function seedWorkspace(dir: string, shards: number, perShard: number): Promise<void> {
  const paragraphs = await udhrParagraphs("tgk");
  const catalog = await Catalog.open(dir, { create: true });
  try {
    const run = await SourceRun.begin(catalog, "ingest", { test: "scale" });
    for (let s = 0; s < shards; s++) {
      const docs = Array.from({ length: perShard }, (_, j) => {
        const i = s * perShard + j;
        return {
          doc: makeDocument({
            text: `${paragraphs[i % paragraphs.length]} (${i})`,
            source: "web" as const,
            url: `https://udhr.example/tgk/${i}`,
          }),
        };
      });
      await run.add(`part-${s}`, `part-${s}`, docs);
    }
    await run.finish();
  } finally {
    catalog.close();
  }
}
