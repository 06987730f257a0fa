// Batches of small files share a shard, so a file that changes cannot take its old documents out by superseding a
// shard: the batch is written again without them, under a new key, and the old batch's shard is superseded in the
// same transaction. What is stale is read from the catalog (versions in a batch whose file has a later version
// with documents), so a run killed between a file's new version and this step is finished by the next run.

import type { Catalog } from "@soro/core";
import { configHash, copyQueryToParts, openScratchDb, type SourceRun, sqlString } from "@soro/core";
import { BATCH_PREFIX, type FileVersions } from "./versions.js";

/** SQL true for a document (column `path`) that came from one of `docPaths` (an EPUB chapter adds `#href`). */
function fromFiles(docPaths: string[]): string {
  const list = `[${docPaths.map(sqlString).join(", ")}]::VARCHAR[]`;
  return `(list_contains(${list}, path) OR list_contains(${list}, regexp_extract(path, '^(.*)[#:][^#:]*$', 1)))`;
}

/** Writes every batch that holds stale documents again without them. */
export async function dropStale(catalog: Catalog, run: SourceRun, versions: FileVersions): Promise<void> {
  const stale = await versions.staleInBatches();
  if (stale.size === 0) return;
  const { instance, conn } = await openScratchDb(run.tmpDir);
  try {
    for (const [key, docPaths] of stale) {
      const shards = await catalog.rows(
        `SELECT path FROM shards WHERE source_key = $1 AND status = 'active' ORDER BY shard_id`,
        [key],
      );
      const files = `[${shards.map((s) => sqlString(catalog.shardPath({ path: String(s.path) }))).join(", ")}]`;
      const next = `${BATCH_PREFIX}${configHash({ key, dropped: docPaths })}`;
      const { files: parts } = await copyQueryToParts(
        conn,
        `SELECT * FROM read_parquet(${files}) WHERE path IS NULL OR NOT ${fromFiles(docPaths)}`,
        { tmpDir: run.tmpDir, prefix: run.shardPrefix(next, "batch") },
      );
      const rows = parts.reduce((a, p) => a + p.rows, 0);
      const chars = parts.reduce((a, p) => a + p.chars, 0);
      await run.addFiles(
        next,
        parts,
        { docsIn: rows, charsIn: chars, docsOut: rows, charsOut: chars, quarantined: 0, removed: {} },
        () => versions.moveBatchIn(key, next, docPaths),
      );
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
