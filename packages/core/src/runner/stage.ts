import type { ColumnSpec } from "../columns.js";
import type { Document } from "../document.js";
import { UsageError } from "../errors.js";

/**
 * What a stage says about one document: columns to add (and, for a stage with `rewritesText`, the new text),
 * or the rule that removes it.
 */
export type Verdict =
  | { add: Record<string, unknown>; text?: string; drop?: undefined }
  | { drop: string; add?: undefined; text?: undefined };

/** The per-worker function a stage applies to each document. */
export type DocTransform = (doc: Document) => Verdict | Promise<Verdict>;

/** A shard-to-shard stage: it reads the active shards of `inputs` and writes documents with its `columns` added. */
export interface StageDefinition<Options = unknown> {
  name: string;
  /** Bump when the stage's output for the same input and options changes; it is part of the config hash. */
  version: string;
  description: string;
  inputs: string[];
  columns: ColumnSpec[];
  /**
   * The stage may replace `text` (normalize does); the runner then keeps the text as it first arrived in
   * `text_original`, so no stage loses another's output.
   */
  rewritesText?: boolean;
  /**
   * The only input columns the transform reads (`id` and `text` always come too). The worker then decodes just
   * these, stores just the stage's own columns (and, with `rewritesText`, a text that changed), and DuckDB joins
   * them back onto the input rows when a part is written, so the columns a stage never reads (text_original,
   * signals, provenance) never pass through JavaScript.
   */
  reads?: string[];
  /** Builds the transform once per worker (load lexicons, models, ...). */
  setup(options: Options): DocTransform | Promise<DocTransform>;
}

/** Where a worker finds a stage: the module that exports it and the export's name. */
export interface StageRef {
  module: string;
  exportName: string;
}

/** Declares a stage (identity function that fixes the type). */
export function defineStage<Options>(def: StageDefinition<Options>): StageDefinition<Options> {
  return def;
}

/** Loads the stage definition a `StageRef` names (in the main thread, a worker or a cluster task). */
export async function loadStageDefinition(ref: StageRef): Promise<StageDefinition> {
  const mod = (await import(ref.module)) as Record<string, StageDefinition>;
  const def = mod[ref.exportName];
  if (!def || typeof def.setup !== "function")
    throw new UsageError(
      `soro: ${ref.module} has no stage ${ref.exportName}`,
      "check the stage module and export",
    );
  return def;
}
