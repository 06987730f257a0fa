import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  copyQueryToShard,
  licenceSql,
  type ShardRecord,
  sqlString,
  takenDownSql,
} from "@soro/core";

/** Which documents an export leaves out besides those taken down (which no export ever holds). */
export interface ExportFilter {
  /** Only documents under these licences (SPDX ids; `unknown` for undeclared ones). */
  licenceAllow?: string[];
}

/** What the filter left out of an export, by reason. */
export interface Excluded {
  takedown: number;
  licence: number;
}

/** The documents (alias `d`) of `shards` an export keeps, as SQL for the catalog's connection. */
export function keepSql(shards: ShardRecord[], filter: ExportFilter): string {
  const parts = [`NOT ${takenDownSql("d")}`];
  if (filter.licenceAllow)
    parts.push(
      `${licenceSql(
        shards.map((s) => s.columns ?? []),
        "d",
      )} IN (${filter.licenceAllow.map(sqlString).join(", ") || "NULL"})`,
    );
  return parts.join(" AND ");
}

/** A read of the shards as one table `d`, for the export's SQL. */
export function shardsSql(catalog: Catalog, shards: ShardRecord[]): string {
  return `read_parquet([${shards.map((s) => sqlString(catalog.shardPath(s))).join(", ")}], union_by_name = true)`;
}

/** How many documents of the shards the filter leaves out, by reason (a taken-down one counts as takedown). */
export async function excludedCounts(
  catalog: Catalog,
  shards: ShardRecord[],
  filter: ExportFilter,
): Promise<Excluded> {
  if (shards.length === 0) return { takedown: 0, licence: 0 };
  const [r] = await catalog.rows(
    `SELECT count(*) FILTER (WHERE ${takenDownSql("d")})::BIGINT AS takedown,
            count(*) FILTER (WHERE NOT ${takenDownSql("d")} AND NOT (${keepSql(shards, filter)}))::BIGINT AS licence
     FROM ${shardsSql(catalog, shards)} d`,
  );
  return { takedown: Number(r?.takedown ?? 0), licence: Number(r?.licence ?? 0) };
}

/**
 * The shards with the filter applied, for exports that hand shard files to tokenizer workers: a shard that loses
 * documents is replaced by a filtered copy under `tmpDir` (a new id, so no token file counted for the whole shard
 * is reused); the others are returned as they are.
 */
export async function filteredShards(
  catalog: Catalog,
  shards: ShardRecord[],
  filter: ExportFilter,
  tmpDir: string,
): Promise<ShardRecord[]> {
  const out: ShardRecord[] = [];
  await mkdir(tmpDir, { recursive: true });
  for (const [i, s] of shards.entries()) {
    const [r] = await catalog.rows(
      `SELECT count(*) FILTER (WHERE NOT (${keepSql([s], filter)}))::BIGINT AS n FROM read_parquet(${sqlString(catalog.shardPath(s))}) d`,
    );
    if (Number(r?.n ?? 0) === 0) {
      out.push(s);
      continue;
    }
    const f = await copyQueryToShard(
      catalog.conn,
      `SELECT d.* FROM read_parquet(${sqlString(catalog.shardPath(s))}) d WHERE ${keepSql([s], filter)}`,
      { tmpDir, name: `filtered-${i}.parquet` },
    );
    out.push({
      ...s,
      shard_id: `${s.shard_id}#filtered`,
      path: path.relative(catalog.ws.dir, f.tmpPath),
      rows: f.rows,
      bytes: f.bytes,
      chars: f.chars,
      sha256: f.sha256,
      tokens: null,
    });
  }
  return out;
}
