import type { Catalog } from "./catalog/catalog.js";

/** The stages of the standard pipeline in order (sources first); the report, the bridge and SFT seeding share it. */
export const PIPELINE_ORDER = [
  "crawl",
  "pdf",
  "ingest",
  "normalize",
  "quality",
  "select",
  "minhash",
  "dedup",
  "decontam",
] as const;

/** The stages whose output is the finished corpus, furthest first. */
export const FINAL_STAGES = ["decontam", "dedup"] as const;

/** The first of `candidates` that has active shards, or null. */
export async function firstActiveStage(
  catalog: Catalog,
  candidates: readonly string[],
): Promise<string | null> {
  for (const stage of candidates) if ((await catalog.activeShards([stage])).length > 0) return stage;
  return null;
}
