import { type Catalog, estimateTokens } from "@soro/core";
import { activeStages, currentConfigs, SIDE_STAGES, SOURCE_STAGES, sqlList } from "./catalog-sql.js";
import { num } from "./tables.js";

/** Totals of one stage's active shards. */
export interface StageFigure {
  stage: string;
  shards: number;
  docs: number;
  chars: number;
  bytes: number;
  /** Counted tokens when every shard is counted, else the estimate from characters. */
  tokens: number;
  tokensCounted: boolean;
  configs: string[];
}

/** A point of the waterfall: what is left after a stage. */
export interface WaterfallLevel {
  label: string;
  docs: number;
  chars: number;
  tokens: number;
}

/** One removal (or change) between two levels of the waterfall. */
export interface WaterfallStep {
  stage: string;
  rule: string;
  kind: "rule" | "quarantine" | "edit" | "pending";
  docs: number;
  chars: number;
  /** Estimated from characters (2.3 characters per token). */
  tokens: number;
}

/** The road from raw documents to the final corpus. */
export interface Waterfall {
  start: WaterfallLevel;
  steps: WaterfallStep[];
  /** The level after each stage, in order. */
  levels: WaterfallLevel[];
}

/** The latest finished run of a stage: its configuration hash and when it ended. */
export interface StageConfig {
  stage: string;
  configHash: string;
  runId: number;
  finishedAt: string | null;
  config: string | null;
}

const estimate = estimateTokens;

/** Per-stage totals of active shards, in pipeline order. */
export async function stageFigures(catalog: Catalog): Promise<StageFigure[]> {
  const out: StageFigure[] = [];
  for (const stage of await activeStages(catalog)) {
    const [r] = await catalog.rows(
      `SELECT count(*) AS shards, sum(rows) AS docs, sum(chars) AS chars, sum(bytes) AS bytes,
              sum(tokens) AS tokens, count(tokens) = count(*) AS counted
       FROM shards WHERE stage = $1 AND status = 'active'`,
      [stage],
    );
    const counted = Boolean(r?.counted);
    out.push({
      stage,
      shards: num(r?.shards),
      docs: num(r?.docs),
      chars: num(r?.chars),
      bytes: num(r?.bytes),
      tokens: counted ? num(r?.tokens) : estimate(num(r?.chars)),
      tokensCounted: counted,
      configs: await currentConfigs(catalog, stage),
    });
  }
  return out;
}

/** The stages that transform the corpus (not sources, not side outputs), in order. */
export function chainStages(stages: StageFigure[]): string[] {
  return stages.map((s) => s.stage).filter((s) => !SOURCE_STAGES.includes(s) && !SIDE_STAGES.includes(s));
}

/** The last stage of the chain: the final corpus (or the raw sources when nothing ran after them). */
export function finalStage(stages: StageFigure[]): string | null {
  return chainStages(stages).at(-1) ?? stages.find((s) => SOURCE_STAGES.includes(s.stage))?.stage ?? null;
}

/**
 * The waterfall from the raw sources' documents to the final stage, stage by stage and rule by rule, from
 * `stage_io` and `rule_stats` of each stage's current configuration. Characters a stage changed without removing
 * a document (repairs, dropped lines) are an `edit` step; input a stage has not processed yet is a `pending` step.
 */
export async function waterfall(
  catalog: Catalog,
  stages: StageFigure[],
  ruleOrder: string[] = [],
): Promise<Waterfall> {
  const raw = stages.filter((s) => SOURCE_STAGES.includes(s.stage));
  const start: WaterfallLevel = {
    label: "raw",
    docs: raw.reduce((n, s) => n + s.docs, 0),
    chars: raw.reduce((n, s) => n + s.chars, 0),
    tokens: 0,
  };
  start.tokens = estimate(start.chars);
  const steps: WaterfallStep[] = [];
  const levels: WaterfallLevel[] = [];
  let prev = start;
  for (const stage of chainStages(stages)) {
    const configs = sqlList(stages.find((s) => s.stage === stage)?.configs ?? []);
    const [io] = await catalog.rows(
      `SELECT sum(docs_in) AS docs_in, sum(chars_in) AS chars_in, sum(docs_out) AS docs_out,
              sum(chars_out) AS chars_out, sum(quarantined) AS quarantined
       FROM stage_io WHERE stage = $1 AND config_hash IN ${configs}`,
      [stage],
    );
    const rules = await catalog.rows(
      `SELECT rule, sum(docs_removed) AS docs, sum(chars_removed) AS chars FROM rule_stats
       WHERE stage = $1 AND config_hash IN ${configs} GROUP BY rule ORDER BY docs DESC, rule`,
      [stage],
    );
    // Rules in the order the rule set applies them; others (dedup's) by size.
    const rank = (r: Record<string, unknown>) => {
      const i = ruleOrder.indexOf(String(r.rule));
      return i < 0 ? ruleOrder.length : i;
    };
    rules.sort((a, b) => rank(a) - rank(b));
    const docsIn = num(io?.docs_in);
    const charsIn = num(io?.chars_in);
    const step = (rule: string, kind: WaterfallStep["kind"], docs: number, chars: number) => {
      if (docs !== 0 || chars !== 0) steps.push({ stage, rule, kind, docs, chars, tokens: estimate(chars) });
    };
    step(`not yet through ${stage}`, "pending", prev.docs - docsIn, prev.chars - charsIn);
    let ruleChars = 0;
    for (const r of rules) {
      step(String(r.rule), "rule", num(r.docs), num(r.chars));
      ruleChars += num(r.chars);
    }
    step("quarantined", "quarantine", num(io?.quarantined), 0);
    const charsOut = num(io?.chars_out);
    step("text edits", "edit", 0, charsIn - charsOut - ruleChars);
    prev = { label: stage, docs: num(io?.docs_out), chars: charsOut, tokens: estimate(charsOut) };
    levels.push(prev);
  }
  return { start, steps, levels };
}

/** The latest finished run of every stage, with its configuration hash (for the card's provenance). */
export async function stageConfigs(catalog: Catalog): Promise<StageConfig[]> {
  const rows = await catalog.rows(
    `SELECT stage, config_hash, run_id, strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at,
            CAST(config AS VARCHAR) AS config
     FROM stage_runs WHERE status = 'done'
     QUALIFY row_number() OVER (PARTITION BY stage ORDER BY run_id DESC) = 1 ORDER BY run_id`,
  );
  return rows.map((r) => ({
    stage: String(r.stage),
    configHash: String(r.config_hash),
    runId: num(r.run_id),
    finishedAt: r.finished_at === null ? null : String(r.finished_at),
    config: r.config === null ? null : String(r.config),
  }));
}
