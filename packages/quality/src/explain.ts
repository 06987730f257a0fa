import { type Catalog, UsageError } from "@soro/core";
import { judge, type RuleJudgement, type RuleSet } from "./rules.js";

/** A document's signals and how each rule judges it. */
export interface Explanation {
  id: string;
  source: string;
  /** Every column but the texts, as stored in the quality shard. */
  signals: Record<string, unknown>;
  rules: RuleJudgement[];
  removedBy: string | null;
}

const TEXT_COLUMNS = new Set(["text", "text_original"]);

/** Finds a document in the active quality shards and evaluates the rules on it. */
export async function explainDocument(catalog: Catalog, id: string, rules: RuleSet): Promise<Explanation> {
  const table = await catalog.stageTableSql("quality");
  if (!table) {
    throw new UsageError(
      `soro quality explain: no active quality shards in ${catalog.ws.dir}`,
      "run `soro quality signals` first",
    );
  }
  const rows = await catalog.rows(`SELECT * FROM ${table} WHERE id = $1 LIMIT 1`, [id]);
  const row = rows[0];
  if (!row) {
    throw new UsageError(
      `soro quality explain: no document ${id} in the quality shards`,
      "pass a document id (32 hex digits) from a quality, select or select_removed shard",
    );
  }
  const signals = Object.fromEntries(Object.entries(row).filter(([k]) => !TEXT_COLUMNS.has(k)));
  const verdict = judge(rules, row);
  return { id, source: String(row.source), signals, rules: verdict.rules, removedBy: verdict.removedBy };
}
