import { type Catalog, type ProgressOptions, type RunSummary, runStage, siblingModule } from "@soro/core";
import { type ClusterSummary, clusterDuplicates } from "./cluster.js";
import type { DedupOptions } from "./options.js";
import { type SIGNATURE_INPUTS, signatureExport } from "./signature-stage.js";

/** How to run dedup end to end. */
export interface RunDedupOptions {
  workers?: number;
  progress?: ProgressOptions["mode"];
}

/** Runs the per-document signature stage (`minhash`, in worker threads) over the input stage's active shards. */
export function computeSignatures(
  catalog: Catalog,
  options: DedupOptions,
  run: RunDedupOptions = {},
): Promise<RunSummary> {
  const input = options.signature.input as (typeof SIGNATURE_INPUTS)[number];
  return runStage({
    catalog,
    stage: {
      module: siblingModule(import.meta.url, "signature-stage").href,
      exportName: signatureExport(input),
    },
    options: options.signature,
    workers: run.workers,
    progress: run.progress,
  });
}

/** Signatures, then the global clustering step: writes stages `minhash` and `dedup` and the `dedup_*` tables. */
export async function runDedup(
  catalog: Catalog,
  options: DedupOptions,
  run: RunDedupOptions = {},
): Promise<{ signatures: RunSummary; clusters: ClusterSummary }> {
  const signatures = await computeSignatures(catalog, options, run);
  const clusters = await clusterDuplicates(catalog, options);
  return { signatures, clusters };
}
