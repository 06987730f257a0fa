// The stages rewrite-io.bench.ts runs, by module and export as the runner loads them: normalize and quality as
// shipped (they name `reads`: the joined path), the same without `reads` (the wide path: every column through
// JavaScript), and both with a transform that does no work, which leaves the runner's shard I/O alone.
import type { StageDefinition } from "@soro/core";
import { normalizeStage } from "@soro/normalize";
import { qualitySignalsStage } from "@soro/quality";

/** The stage without `reads`: the runner brings every column into JavaScript and appends it all again. */
function wide<O>(def: StageDefinition<O>): StageDefinition<O> {
  return { ...def, reads: undefined };
}

/**
 * The stage's columns and text handling with no analysis: it gives back a new text for `changed` of the documents
 * (what the real stage changes on the e2e documents: normalize 58%, quality 32%) and no column values.
 */
function idle<O>(def: StageDefinition<O>, changed: number): StageDefinition<O> {
  return {
    ...def,
    setup() {
      let n = 0;
      return (doc) => ({ add: {}, text: n++ % 100 < changed * 100 ? `${doc.text}.` : doc.text });
    },
  };
}

export { normalizeStage, qualitySignalsStage };
export const normalizeWide = wide(normalizeStage);
export const normalizeIdle = idle(normalizeStage, 0.58);
export const normalizeIdleWide = wide(normalizeIdle);
export const qualityWide = wide(qualitySignalsStage);
export const qualityIdle = idle(qualitySignalsStage, 0.32);
export const qualityIdleWide = wide(qualityIdle);
