import { access } from "node:fs/promises";
import type { Catalog } from "./catalog/catalog.js";
import { openScratchDb } from "./duck.js";
import { SoroError } from "./errors.js";
import { fileSha256 } from "./shards/files.js";
import { checkShard } from "./shards/reader.js";

/** One problem found with a registered shard. */
export interface ShardProblem {
  shard: string;
  path: string;
  problem: string;
}

/** Checks every registered (non-superseded) shard: file present, sha256 as registered, Parquet footer readable, row count. */
export async function verifyShards(catalog: Catalog): Promise<ShardProblem[]> {
  const shards = await catalog.rows(
    `SELECT shard_id, path, sha256, rows FROM shards WHERE status <> 'superseded' ORDER BY shard_id`,
  );
  const { instance, conn } = await openScratchDb(catalog.ws.tmpDir);
  const problems: ShardProblem[] = [];
  try {
    for (const s of shards) {
      const file = catalog.shardPath({ path: String(s.path) });
      const report = (problem: string) => problems.push({ shard: String(s.shard_id), path: file, problem });
      try {
        await access(file);
      } catch {
        report("file missing");
        continue;
      }
      if ((await fileSha256(file)) !== s.sha256)
        report("sha256 differs from the catalog (file changed after registration)");
      try {
        const rows = await checkShard(file, conn);
        if (rows !== Number(s.rows)) report(`holds ${rows} rows, catalog says ${s.rows}`);
      } catch (err) {
        report(err instanceof SoroError ? err.message : String(err));
      }
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return problems;
}
