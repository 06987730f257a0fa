import path from "node:path";
import { type Catalog, licenceSql, type ShardRecord, sqlString } from "@soro/core";
import { shardsSql } from "./filter.js";

/** The file beside every corpus export that lists its documents (what `soro bridge diff` compares). */
export const PROVENANCE_FILE = "provenance.parquet";

/** A column of the shards as SQL over alias `d`, NULL where no shard has it (written before it existed). */
function optional(shards: ShardRecord[], name: string): string {
  return shards.some((s) => (s.columns ?? []).includes(name)) ? `d.${name}` : `NULL::VARCHAR`;
}

/**
 * Writes `provenance.parquet`: one row per exported document with its id, source, origin (URL or path), licence
 * and the evidence for it, a hash and length of its text and its Gemma 3 tokens where counted; no text. Returns
 * documents and tokens per licence for the manifest.
 */
export async function writeProvenance(
  catalog: Catalog,
  dir: string,
  shards: ShardRecord[],
  where: string,
): Promise<Record<string, { docs: number; tokens: number | null }>> {
  const file = path.join(dir, PROVENANCE_FILE);
  const query = `
    SELECT d.id, d.source, d.url, d.path, ${licenceSql(
      shards.map((s) => s.columns ?? []),
      "d",
    )} AS licence, ${optional(shards, "licence_evidence")} AS licence_evidence,
           md5(d.text) AS text_md5, length(d.text)::BIGINT AS chars, t.tokens
    FROM ${shardsSql(catalog, shards)} d
    LEFT JOIN (SELECT DISTINCT doc_id, tokens FROM trainer_bridge_doc_tokens WHERE tokenizer = 'gemma3') t
      ON t.doc_id = d.id
    WHERE ${where}`;
  await catalog.conn.run(
    `COPY (${query} ORDER BY d.id) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  const rows = await catalog.rows(
    `SELECT licence, count(*)::BIGINT AS docs, CASE WHEN count(tokens) = count(*) THEN sum(tokens)::BIGINT END AS tokens
     FROM read_parquet(${sqlString(file)}) GROUP BY licence ORDER BY licence`,
  );
  return Object.fromEntries(
    rows.map((r) => [
      String(r.licence),
      { docs: Number(r.docs), tokens: r.tokens === null ? null : Number(r.tokens) },
    ]),
  );
}
