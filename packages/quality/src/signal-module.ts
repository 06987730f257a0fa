import type { ColumnSpec } from "@soro/core";
import type { DocContext } from "./doc-context.js";
import type { QualitySignalsOptions } from "./signals-stage.js";

/** What one signal module adds for one document: a value for each of its columns. */
export type SignalMeasure = (ctx: DocContext) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * A group of quality signals computed in the signals stage (FineWeb-2 statistics, an educational score, reading
 * level, safety, ...). Each reads the document through the shared `DocContext` (lines, paragraphs, words and
 * character counts are computed once per document for all modules), so a module adds only its own work.
 */
export interface SignalModule {
  /** Short name; with `version` it is part of the stage's version, so changing a module reruns the stage. */
  name: string;
  /** Bump when the module's output for the same text changes. */
  version: string;
  /** The columns it adds (every measure result has exactly these keys). */
  columns: ColumnSpec[];
  /**
   * Builds the measure once per worker (load a lexicon or model here). `options` are the stage's (absent outside
   * the stage, e.g. in `analyzeText`): a module whose output depends on one reads it here.
   */
  setup(options?: QualitySignalsOptions): SignalMeasure | Promise<SignalMeasure>;
}
