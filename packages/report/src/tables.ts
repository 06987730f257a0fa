import type { Catalog } from "@soro/core";
import { sqlString } from "@soro/core";

/** A SQL expression reading the active shards of several stages as one table (null when there are none). */
export async function stagesTableSql(catalog: Catalog, stages: string[]): Promise<string | null> {
  const shards = await catalog.activeShards(stages);
  if (shards.length === 0) return null;
  return `read_parquet([${shards.map((s) => sqlString(catalog.shardPath(s))).join(", ")}], union_by_name = true)`;
}

/** A number from a query row (0 for NULL). */
export function num(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
