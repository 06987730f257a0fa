import { UsageError } from "@soro/core";
import { DEFAULT_CLUSTER } from "./defaults.js";
import { DEFAULT_SIGNATURE, SIGNATURE_INPUTS, type SignatureOptions } from "./signature-stage.js";

/** How clusters are formed and which member survives. */
export interface ClusterOptions {
  /** Candidate pairs are duplicates at or above this Jaccard (estimated, or exact with `exactJaccard`). */
  threshold: number;
  /** Verify candidates with the exact Jaccard of their shingle sets (reads their texts) instead of the estimate. */
  exactJaccard: boolean;
  /** Source kinds in order of preference for the survivor; unlisted kinds come last. */
  priority: string[];
  /** Column holding a quality score (higher wins) when the input has it. */
  qualityColumn: string;
  /** Buckets up to this size compare all member pairs; larger ones link every member to the first (star). */
  maxBucketPairs: number;
  /**
   * Repeated-line removal on survivors: a line in `minDocs` documents anywhere or `minHostDocs` of one host goes
   * wherever it stands; a line within `edgeLines` of the start or end of `minHostEdgeDocs` documents of one host
   * (menus, section names, copyright lines) goes from those edges, so a site with only a few pages is cleaned too.
   */
  lines: {
    enabled: boolean;
    minDocs: number;
    minHostDocs: number;
    minHostEdgeDocs: number;
    edgeLines: number;
  };
  /** DuckDB memory limit of the global step (it spills to the workspace's tmp folder beyond it). */
  memoryLimit: string;
  /** DuckDB threads of the global step. */
  threads: number;
}

/** Everything `soro dedup` takes: signature options (per document) and cluster options (global). */
export interface DedupOptions {
  signature: SignatureOptions;
  cluster: ClusterOptions;
}

export { DEFAULT_CLUSTER };

/** Options with defaults filled in and checked; errors name the option. */
export function resolveOptions(partial: {
  signature?: Partial<SignatureOptions>;
  cluster?: Partial<Omit<ClusterOptions, "lines">> & { lines?: Partial<ClusterOptions["lines"]> };
}): DedupOptions {
  const signature = { ...DEFAULT_SIGNATURE, ...partial.signature };
  const cluster = {
    ...DEFAULT_CLUSTER,
    ...partial.cluster,
    lines: { ...DEFAULT_CLUSTER.lines, ...partial.cluster?.lines },
  };
  if (!(SIGNATURE_INPUTS as readonly string[]).includes(signature.input))
    throw new UsageError(
      `soro dedup: unknown input stage ${signature.input}`,
      `use one of ${SIGNATURE_INPUTS.join(", ")}`,
    );
  for (const [name, v] of [
    ["ngram", signature.ngram],
    ["bands", signature.bands],
    ["rows", signature.rows],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new UsageError(
        `soro dedup: --${name} ${v} is not a positive integer`,
        `e.g. --${name} ${DEFAULT_SIGNATURE[name]}`,
      );
  }
  if (!(cluster.threshold > 0 && cluster.threshold <= 1))
    throw new UsageError(
      `soro dedup: --threshold ${cluster.threshold} is not in (0, 1]`,
      "e.g. --threshold 0.75",
    );
  return { signature, cluster };
}
