import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { TASK_ENTRY } from "../src/index.js";

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

/** The command a task runs: the lean run-task entry under tsx, as `soro run` submits it. */
export const TASK_COMMAND = [process.execPath, "--import", "tsx", TASK_ENTRY];

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

/** A stage's active output as sorted rows, to compare two runs. */
export async function stageRows(dir: string, stage: string): Promise<Record<string, unknown>[]> {
  const catalog = await Catalog.open(dir, { readOnly: true });
  try {
    const table = await catalog.stageTableSql(stage);
    if (!table) return [];
    return await catalog.rows(`SELECT id, text, n_chars, n_words FROM ${table} ORDER BY id`);
  } finally {
    catalog.close();
  }
}

/** The active shards of a stage: name, rows and sha256, to compare two runs file by file. */
export async function stageShards(dir: string, stage: string): Promise<Record<string, unknown>[]> {
  const catalog = await Catalog.open(dir, { readOnly: true });
  try {
    return await catalog.rows(
      `SELECT shard_id, source_key, rows FROM shards WHERE stage = $1 AND status = 'active' ORDER BY shard_id`,
      [stage],
    );
  } finally {
    catalog.close();
  }
}
