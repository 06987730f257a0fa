import { unlink } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  copyQueryToShard,
  defined,
  estimateTokens,
  type ShardFile,
  type ShardRecord,
  StageRun,
  sqlString,
  UsageError,
} from "@soro/core";
import { QUALITY_MIGRATIONS } from "./migrations.js";
import { type Condition, type RuleSet, ruleColumns, ruleSql, rulesHash } from "./rules.js";

/** The stage selection writes kept documents to. */
export const SELECT_STAGE = "select";
/** The stage selection writes removed documents to, each with `removed_by`. */
export const REMOVED_STAGE = "select_removed";

/** What one rule removed over the whole selection. */
export interface RuleRemoval {
  rule: string;
  /** Documents, characters and estimated tokens failing this rule, whatever the other rules say. */
  alone: { docs: number; chars: number; tokens: number };
  /** Documents, characters and estimated tokens this rule removed after the rules before it. */
  removed: { docs: number; chars: number; tokens: number };
}

/** What a selection run did. */
export interface SelectSummary {
  runId: number;
  configHash: string;
  inputs: number;
  skipped: number;
  docsIn: number;
  charsIn: number;
  docsKept: number;
  charsKept: number;
  rules: RuleRemoval[];
  seconds: number;
}

/** Opens the quality package's own catalog tables. */
export async function ensureQualityTables(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("quality", QUALITY_MIGRATIONS);
}

/** The SQL deciding which rule removes a document (NULL when it passes all): the first rule it fails. */
function removedBySql(rules: RuleSet): string {
  const arms = rules.rules.map((r) => `WHEN NOT ${ruleSql(r)} THEN ${sqlString(r.name)}`);
  return `CASE ${arms.join(" ")} ELSE NULL END`;
}

/** Fails with a clear message when an input shard lacks a column the rules read. */
function checkColumns(rules: RuleSet, shard: ShardRecord & { columns?: string[] }): void {
  const have = new Set(shard.columns ?? []);
  for (const rule of rules.rules) {
    const col = ruleColumns(rule).find((c) => !have.has(c));
    if (col === undefined) continue;
    throw new UsageError(
      `soro quality select: rule ${rule.name} reads column ${col}, which shard ${shard.shard_id} does not have`,
      col.startsWith("q_") || col.startsWith("edu_")
        ? "rerun `soro quality signals` (this version writes every q_ column)"
        : "run normalize before quality signals, or remove the rule from the rules file",
    );
  }
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/**
 * Fails with a clear rules error when a condition's values do not fit its column's type (`in: [1]` on `text`,
 * `min` on a text column): DuckDB would otherwise fail mid-run with a conversion error quoting a document.
 */
async function checkTypes(catalog: Catalog, rules: RuleSet, shard: ShardRecord): Promise<void> {
  const types = new Map(
    (await catalog.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(catalog.shardPath(shard))})`)).map(
      (r) => [String(r.column_name), String(r.column_type)],
    ),
  );
  const problem = (c: Condition): string | null => {
    const type = types.get(c.column);
    if (type === undefined) return null;
    const numeric = NUMERIC.test(type);
    if ((c.min !== undefined || c.max !== undefined) && !numeric)
      return `min/max need a number column, and ${c.column} is ${type}`;
    const wrong = c.in?.find((v) => (typeof v === "number") !== numeric);
    if (wrong !== undefined)
      return `in: ${c.column} is ${type}, so its values must be ${numeric ? "numbers" : "text"} (got ${JSON.stringify(wrong)})`;
    return null;
  };
  for (const rule of rules.rules) {
    const lists = [
      rule.all,
      ...Object.values(rule.sources ?? {}).filter((l) => l !== "off"),
    ] as Condition[][];
    for (const c of lists.flat()) {
      const why = problem(c);
      if (why)
        throw new UsageError(
          `soro quality select: rule ${rule.name} is invalid: ${why}`,
          "fix the rules file (see packages/quality/rules/default.yaml for the format)",
        );
    }
  }
}

/** Commits a selected part, or deletes it when it holds no rows (an empty shard would only clutter the catalog). */
async function nonEmpty(file: ShardFile): Promise<ShardFile[]> {
  if (file.rows > 0) return [file];
  await unlink(file.tmpPath);
  return [];
}

/**
 * Selects documents from the active `quality` shards by a rule set, in DuckDB, one input shard at a time: kept
 * documents go to `select`, removed ones to `select_removed` with the rule that removed them, and per rule the
 * removals alone and after the rules before it are recorded. The same rules resume; new rules supersede.
 */
export async function runSelect(catalog: Catalog, rules: RuleSet): Promise<SelectSummary> {
  const started = Date.now();
  await ensureQualityTables(catalog);
  const hash = rulesHash(rules);
  // Missing or damaged shards of the selection or its input are turned back into work first (core's repair).
  const run = await StageRun.open(catalog, {
    stage: SELECT_STAGE,
    alsoWrites: [REMOVED_STAGE],
    configHash: hash,
    config: rules,
    outputs: "replace",
    repair: ["quality"],
  });
  const inputs = (await catalog.activeShards(["quality"])) as Array<ShardRecord & { columns?: string[] }>;
  const first = inputs[0];
  if (first === undefined) {
    throw new UsageError(
      `soro quality select: no active quality shards in ${catalog.ws.dir}`,
      "run `soro quality signals` first",
    );
  }
  for (const shard of inputs) checkColumns(rules, shard);
  await checkTypes(catalog, rules, first);
  const pending = run.pending(inputs);
  const runId = await run.begin(1);
  await catalog.conn.run(
    "INSERT OR REPLACE INTO quality_rule_sets (config_hash, name, version, rules) VALUES ($1, $2, $3, $4)",
    [hash, rules.name, rules.version, JSON.stringify(rules)],
  );
  const tmpDir = run.tmpDir;
  const passes = rules.rules.map(ruleSql);
  const allPass = passes.join(" AND ");
  const removedBy = removedBySql(rules);
  try {
    for (const input of pending) {
      const src = `read_parquet(${sqlString(catalog.shardPath(input))})`;
      const base = path.basename(input.shard_id, ".parquet");
      // One scan for the statistics: grouped by the removing rule, with every rule's own failures summed.
      const aloneCols = passes
        .map(
          (_, i) => `sum(CASE WHEN p${i} THEN 0 ELSE 1 END)::BIGINT AS d${i},
           sum(CASE WHEN p${i} THEN 0 ELSE q_chars END)::BIGINT AS c${i}`,
        )
        .join(", ");
      const groups = await catalog.rows(
        `SELECT removed_by, count(*)::BIGINT AS docs, coalesce(sum(q_chars), 0)::BIGINT AS chars, ${aloneCols}
         FROM (SELECT ${removedBy} AS removed_by, q_chars, ${passes.map((p, i) => `${p} AS p${i}`).join(", ")} FROM ${src})
         GROUP BY removed_by`,
      );
      const sum = (k: string) => groups.reduce((n, g) => n + Number(g[k]), 0);
      const removed = Object.fromEntries(
        groups
          .filter((g) => g.removed_by !== null)
          .map((g) => [String(g.removed_by), { docs: Number(g.docs), chars: Number(g.chars) }]),
      );
      const kept = await copyQueryToShard(catalog.conn, `SELECT * FROM ${src} WHERE ${allPass}`, {
        tmpDir,
        name: `${SELECT_STAGE}/${hash.slice(0, 8)}/${base}.parquet`,
      });
      const dropped = await copyQueryToShard(
        catalog.conn,
        `SELECT *, ${removedBy} AS removed_by FROM ${src} WHERE NOT (${allPass})`,
        { tmpDir, name: `${REMOVED_STAGE}/${hash.slice(0, 8)}/${base}.parquet` },
      );
      const docsIn = sum("docs");
      const charsIn = sum("chars");
      await catalog.transaction(async () => {
        await catalog.conn.run("DELETE FROM quality_rule_stats WHERE config_hash = $1 AND source_key = $2", [
          hash,
          input.shard_id,
        ]);
        for (const [i, rule] of rules.rules.entries()) {
          await catalog.conn.run(
            "INSERT INTO quality_rule_stats VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
              runId,
              hash,
              input.shard_id,
              rule.name,
              i,
              sum(`d${i}`),
              sum(`c${i}`),
              removed[rule.name]?.docs ?? 0,
              removed[rule.name]?.chars ?? 0,
            ],
          );
        }
      });
      // The removed documents are committed first: the `select` commit is what marks this input done.
      await run.commit({
        stage: REMOVED_STAGE,
        sourceKey: input.shard_id,
        files: await nonEmpty(dropped),
        stats: {
          docsIn: dropped.rows,
          charsIn: dropped.chars,
          docsOut: dropped.rows,
          charsOut: dropped.chars,
          quarantined: 0,
          removed: {},
        },
      });
      await run.commit({
        sourceKey: input.shard_id,
        files: await nonEmpty(kept),
        stats: { docsIn, charsIn, docsOut: kept.rows, charsOut: kept.chars, quarantined: 0, removed },
      });
    }
  } catch (err) {
    await run.finish(err as Error);
    throw err;
  }
  await run.finish();
  return {
    ...(await selectTotals(catalog, rules, hash)),
    runId,
    configHash: hash,
    inputs: inputs.length,
    skipped: inputs.length - pending.length,
    seconds: (Date.now() - started) / 1000,
  };
}

// Token counts here are estimates until the bridge tokenizes.
const tokens = estimateTokens;

/** Totals of a selection (by rules hash) over every input it covered, from the catalog. */
async function selectTotals(
  catalog: Catalog,
  rules: RuleSet,
  hash: string,
): Promise<Pick<SelectSummary, "docsIn" | "charsIn" | "docsKept" | "charsKept" | "rules">> {
  const [io] = await catalog.rows(
    `SELECT coalesce(sum(docs_in), 0) AS docs_in, coalesce(sum(chars_in), 0) AS chars_in,
            coalesce(sum(docs_out), 0) AS docs_out, coalesce(sum(chars_out), 0) AS chars_out
     FROM stage_io WHERE stage = $1 AND config_hash = $2`,
    [SELECT_STAGE, hash],
  );
  const stats = await catalog.rows(
    `SELECT rule, sum(docs_alone) AS da, sum(chars_alone) AS ca, sum(docs_removed) AS dr, sum(chars_removed) AS cr
     FROM quality_rule_stats WHERE config_hash = $1 GROUP BY rule`,
    [hash],
  );
  const byRule = new Map(stats.map((r) => [String(r.rule), r]));
  const totals = defined(io, "the stage_io totals row");
  return {
    docsIn: Number(totals.docs_in),
    charsIn: Number(totals.chars_in),
    docsKept: Number(totals.docs_out),
    charsKept: Number(totals.chars_out),
    rules: rules.rules.map((r) => {
      const s = byRule.get(r.name);
      const n = (k: string) => Number(s?.[k] ?? 0);
      return {
        rule: r.name,
        alone: { docs: n("da"), chars: n("ca"), tokens: tokens(n("ca")) },
        removed: { docs: n("dr"), chars: n("cr"), tokens: tokens(n("cr")) },
      };
    }),
  };
}
