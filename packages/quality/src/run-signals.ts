import { type Catalog, type ProgressOptions, type RunSummary, runStage, siblingModule } from "@soro/core";
import { buildCurriculumVocab } from "./curriculum.js";
import { workspaceEduOption } from "./edu/columns.js";
import { ensureQualityTables } from "./select.js";
import { DEFAULT_SIGNALS_OPTIONS, type QualitySignalsOptions } from "./signals-stage.js";

/** The signals stage as the runner loads it in worker threads. */
export const SIGNALS_STAGE_REF = {
  module: siblingModule(import.meta.url, "signals-stage").href,
  exportName: "qualitySignalsStage",
};

/** What cleaning and masking did over a whole signals run. */
export interface CleaningTotals {
  docs: number;
  linesDroppedRus: number;
  linesDroppedEng: number;
  linesDroppedNav: number;
  charsDropped: number;
  pii: { email: number; phone: number; ip: number; id: number };
  docsWithPii: number;
}

/**
 * Runs the quality signals stage over the active normalize shards, then records in the catalog what line
 * cleaning and PII masking did (`quality_signal_runs`). Unless the options name one, the curriculum vocabulary is
 * built first from the normalize stage's graded edu documents (none: the curriculum columns stay NULL).
 */
export async function runQualitySignals(
  catalog: Catalog,
  options: QualitySignalsOptions = DEFAULT_SIGNALS_OPTIONS,
  run: { workers?: number; progress?: ProgressOptions["mode"] } = {},
): Promise<{ summary: RunSummary; totals: CleaningTotals }> {
  await ensureQualityTables(catalog);
  const curriculum = options.curriculum ?? (await buildCurriculumVocab(catalog)) ?? undefined;
  const summary = await runStage({
    catalog,
    stage: SIGNALS_STAGE_REF,
    // The edu model's version and the curriculum's hash are part of the config hash: a retrained workspace model or
    // a changed curriculum reruns the stage.
    options: {
      ...options,
      ...(options.edu === undefined ? { edu: workspaceEduOption(catalog.ws.dir) } : {}),
      ...(curriculum ? { curriculum: { file: curriculum.file, sha256: curriculum.sha256 } } : {}),
    },
    workers: run.workers,
    progress: run.progress,
  });
  const table = await catalog.stageTableSql("quality");
  const [t] = await catalog.rows(
    `SELECT count(*) AS docs, sum(q_lines_dropped_rus) AS rus, sum(q_lines_dropped_eng) AS eng,
       sum(q_lines_dropped_nav) AS nav, sum(q_chars_dropped) AS chars, sum(q_pii_email) AS email,
       sum(q_pii_phone) AS phone, sum(q_pii_ip) AS ip, sum(q_pii_id) AS id,
       count(*) FILTER (WHERE q_pii_email + q_pii_phone + q_pii_ip + q_pii_id > 0) AS with_pii
     FROM ${table}`,
  );
  const n = (k: string) => Number(t?.[k] ?? 0);
  const totals: CleaningTotals = {
    docs: n("docs"),
    linesDroppedRus: n("rus"),
    linesDroppedEng: n("eng"),
    linesDroppedNav: n("nav"),
    charsDropped: n("chars"),
    pii: { email: n("email"), phone: n("phone"), ip: n("ip"), id: n("id") },
    docsWithPii: n("with_pii"),
  };
  await catalog.conn.run(
    `INSERT OR REPLACE INTO quality_signal_runs (config_hash, run_id, docs, lines_dropped_rus, lines_dropped_eng,
       lines_dropped_nav, chars_dropped, pii_email, pii_phone, pii_ip, pii_id, docs_with_pii)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      summary.configHash,
      summary.runId,
      totals.docs,
      totals.linesDroppedRus,
      totals.linesDroppedEng,
      totals.linesDroppedNav,
      totals.charsDropped,
      totals.pii.email,
      totals.pii.phone,
      totals.pii.ip,
      totals.pii.id,
      totals.docsWithPii,
    ],
  );
  return { summary, totals };
}
