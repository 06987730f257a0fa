import { access } from "node:fs/promises";
import path from "node:path";
import { type Catalog, sqlString } from "@soro/core";
import { ensureBridgeTables } from "../catalog-ext.js";
import { PROVENANCE_FILE } from "./provenance.js";

/** An export made before a takedown: the trainer rebuilds it (or checks it) before training on it again. */
export interface StaleExport {
  export_id: string;
  format: string;
  out_dir: string;
  created_at: string;
  /** Whether its provenance list holds a taken-down document; null when it has none to check (older exports). */
  holds: boolean | null;
}

/**
 * Lists the exports made before a takedown and records them against it (table trainer_bridge_stale_exports),
 * checking each export's provenance list for the documents the takedown removed.
 */
export async function exportsToRebuild(catalog: Catalog, takedownId: number): Promise<StaleExport[]> {
  await ensureBridgeTables(catalog);
  const exports = await catalog.rows(
    `SELECT e.export_id, e.format, e.out_dir, strftime(e.created_at, '%Y-%m-%d %H:%M:%S') AS created_at
     FROM trainer_bridge_exports e, takedowns t
     WHERE t.takedown_id = $1 AND e.created_at <= t.requested_at ORDER BY e.created_at`,
    [takedownId],
  );
  const out: StaleExport[] = [];
  for (const e of exports) {
    const list = path.join(String(e.out_dir), PROVENANCE_FILE);
    let holds: boolean | null = null;
    if (
      await access(list).then(
        () => true,
        () => false,
      )
    ) {
      const [r] = await catalog.rows(
        `SELECT count(*)::BIGINT AS n FROM read_parquet(${sqlString(list)}) p
         WHERE p.id IN (SELECT doc_id FROM takedown_docs WHERE takedown_id = $1)`,
        [takedownId],
      );
      holds = Number(r?.n ?? 0) > 0;
    }
    await catalog.conn.run(`INSERT OR REPLACE INTO trainer_bridge_stale_exports VALUES ($1, $2, $3)`, [
      String(e.export_id),
      takedownId,
      holds,
    ]);
    out.push({
      export_id: String(e.export_id),
      format: String(e.format),
      out_dir: String(e.out_dir),
      created_at: String(e.created_at),
      holds,
    });
  }
  return out;
}
