import { type Catalog, listTakedowns, type TakedownRecord } from "@soro/core";
import { currentConfigs, hasTable } from "./catalog-sql.js";
import {
  type Histogram,
  type LanguageFigures,
  languageFigures,
  licenceMix,
  type MixRow,
  type ReportRule,
  signalHistograms,
  sourceMix,
  topHosts,
} from "./corpus.js";
import { type OverlapFigures, overlapFigures, type TokenFigures, tokenFigures } from "./economics.js";
import {
  type CrawlFigures,
  crawlFigures,
  type DedupFigures,
  dedupFigures,
  quarantineFigures,
  type RuleSamples,
  removedSamples,
  type SftFigures,
  sftFigures,
} from "./ops.js";
import {
  finalStage,
  type StageConfig,
  type StageFigure,
  stageConfigs,
  stageFigures,
  type Waterfall,
  waterfall,
} from "./pipeline.js";
import { type TeachingFigures, teachingFigures } from "./teaching.js";

/** Everything the report, the card and the summary show, read from one catalog. */
export interface CorpusFigures {
  workspace: string;
  generatedAt: string;
  stages: StageFigure[];
  final: StageFigure | null;
  waterfall: Waterfall;
  configs: StageConfig[];
  rules: { name: string; configHash: string; rules: ReportRule[] } | null;
  sources: MixRow[];
  /** Documents and tokens per licence, raw and final. */
  licences: MixRow[];
  /** Every takedown: what, who, when, why, and what it removed. */
  takedowns: TakedownRecord[];
  hosts: MixRow[];
  language: LanguageFigures | null;
  histograms: { stage: string | null; length: Histogram | null; signals: Histogram[] };
  dedup: DedupFigures | null;
  crawl: CrawlFigures | null;
  sft: SftFigures | null;
  /** Reading grade, educational value and safety columns of the quality stage. */
  teaching: TeachingFigures | null;
  tokens: TokenFigures | null;
  overlap: OverlapFigures | null;
  quarantine: Array<{ stage: string; reason: string; count: number }>;
  samples: RuleSamples[];
}

/** The selection rules of the current `select` output, as recorded by the quality package. */
async function currentRules(catalog: Catalog): Promise<CorpusFigures["rules"]> {
  if (!(await hasTable(catalog, "quality_rule_sets"))) return null;
  const [config] = await currentConfigs(catalog, "select");
  if (config === undefined) return null;
  const rows = await catalog.rows(
    `SELECT config_hash, name, CAST(rules AS VARCHAR) AS rules FROM quality_rule_sets WHERE config_hash = $1`,
    [config],
  );
  const row = rows[0];
  if (!row) return null;
  const parsed = JSON.parse(String(row.rules)) as { rules?: ReportRule[] };
  return { name: String(row.name), configHash: String(row.config_hash), rules: parsed.rules ?? [] };
}

/** Reads every figure of the report from the catalog and the shards (read-only). */
export async function collectFigures(
  catalog: Catalog,
  options: { samples?: boolean } = {},
): Promise<CorpusFigures> {
  const stages = await stageFigures(catalog);
  const finalName = finalStage(stages);
  const rules = await currentRules(catalog);
  const ruleList = rules?.rules ?? [];
  return {
    workspace: catalog.ws.dir,
    generatedAt: new Date().toISOString().slice(0, 19).replace("T", " "),
    stages,
    final: stages.find((s) => s.stage === finalName) ?? null,
    waterfall: await waterfall(
      catalog,
      stages,
      ruleList.map((r) => r.name),
    ),
    configs: await stageConfigs(catalog),
    rules,
    sources: await sourceMix(catalog, finalName),
    licences: await licenceMix(catalog, finalName),
    takedowns: await listTakedowns(catalog),
    hosts: await topHosts(catalog, finalName),
    language: await languageFigures(catalog, finalName, ruleList),
    histograms: await signalHistograms(catalog, finalName, ruleList),
    dedup: await dedupFigures(catalog),
    crawl: await crawlFigures(catalog),
    sft: await sftFigures(catalog),
    teaching: await teachingFigures(catalog, finalName, ruleList),
    tokens: await tokenFigures(catalog, finalName),
    overlap: await overlapFigures(catalog),
    quarantine: await quarantineFigures(catalog),
    samples: options.samples === false ? [] : await removedSamples(catalog, ruleList),
  };
}
