import path from "node:path";
import { type Catalog, fileSha256, SoroError, sqlString } from "@soro/core";
import { objectKey } from "./plan.js";
import type { Storage } from "./storage/storage.js";

/** A stage's active shards as published in storage, for other nodes and for distributed SQL engines. */
export interface PublishedStage {
  format: 1;
  stage: string;
  configHash: string;
  shards: Array<{ name: string; key: string; sha256: string; rows: number; bytes: number }>;
  publishedAt: string;
}

/** Storage key of a stage's published manifest. */
export function publishedKey(stage: string): string {
  return `published/${stage}.json`;
}

/**
 * Publishes a stage's active shards to storage: uploads each one not already there (by content), then writes the
 * manifest naming them. Spark SQL, Trino or DuckDB with httpfs can read the listed objects where they run.
 */
export async function pushStage(catalog: Catalog, storage: Storage, stage: string): Promise<PublishedStage> {
  const shards = await catalog.activeShards([stage]);
  const [first] = shards;
  if (!first)
    throw new SoroError(
      `soro push: stage ${stage} has no active shards`,
      "run the stage first (see `soro status`)",
      2,
    );
  const published: PublishedStage = {
    format: 1,
    stage,
    configHash: first.config_hash,
    shards: [],
    publishedAt: new Date().toISOString(),
  };
  for (const s of shards) {
    const key = objectKey(s.sha256);
    if (!(await storage.exists(key))) await storage.putFile(key, catalog.shardPath(s));
    published.shards.push({
      name: s.shard_id,
      key,
      sha256: s.sha256,
      rows: Number(s.rows),
      bytes: Number(s.bytes),
    });
  }
  await storage.putJson(publishedKey(stage), published);
  return published;
}

/**
 * Pulls a published stage's shards into a local folder (streamed, sha256-checked; files already there and intact
 * are kept) and returns their paths, so a global SQL step runs on one DuckDB node without DuckDB's httpfs.
 */
export async function pullStage(storage: Storage, stage: string, dir: string): Promise<string[]> {
  const published = await storage.getJson<PublishedStage>(publishedKey(stage));
  if (!published)
    throw new SoroError(
      `soro pull: ${storage.uri} has no published stage ${stage}`,
      `publish it first with \`soro push ${stage} --storage ${storage.uri}\``,
      2,
    );
  const files: string[] = [];
  for (const s of published.shards) {
    const local = path.join(dir, ...s.name.split("/"));
    const intact = await fileSha256(local).then(
      (sha) => sha === s.sha256,
      () => false,
    );
    if (!intact) {
      await storage.getFile(s.key, local);
      const sha = await fileSha256(local);
      if (sha !== s.sha256)
        throw new SoroError(
          `soro pull: ${s.key} in ${storage.uri} has sha256 ${sha}, expected ${s.sha256}`,
          `publish ${stage} again`,
          5,
        );
    }
    files.push(local);
  }
  return files;
}

/** A `read_parquet` expression over pulled shard files: the same table the catalog's `stageTableSql` gives. */
export function parquetTableSql(files: string[]): string {
  return `read_parquet([${files.map(sqlString).join(", ")}], union_by_name = true)`;
}
