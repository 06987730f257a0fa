// The default settings of the dedup stages, in a module that loads no library (`@soro/dedup/defaults`), so the
// `soro dedup` help shows them without loading DuckDB or the hash functions.
import type { DecontamOptions } from "./decontam.js";
import type { MinHashParams } from "./minhash.js";
import type { ClusterOptions } from "./options.js";
import type { SignatureOptions } from "./signature-stage.js";

/** FineWeb's settings: 5-gram shingles, 14 bands of 8 rows (112 hash functions). */
export const DEFAULT_MINHASH: MinHashParams = { ngram: 5, bands: 14, rows: 8, seed: 1 };

/** Default signature options. */
export const DEFAULT_SIGNATURE: SignatureOptions = { ...DEFAULT_MINHASH, input: "select", lineMinChars: 4 };

/** Defaults: FineWeb's MinHash settings, survivor by `edu` > `book` > `pdf` > `web` > `other`. */
export const DEFAULT_CLUSTER: ClusterOptions = {
  threshold: 0.75,
  exactJaccard: false,
  priority: ["edu", "book", "pdf", "web", "other"],
  qualityColumn: "quality_score",
  maxBucketPairs: 32,
  lines: { enabled: true, minDocs: 10, minHostDocs: 5, minHostEdgeDocs: 2, edgeLines: 8 },
  memoryLimit: "2GB",
  threads: 2,
};

/** Default decontamination options (13-grams as in GPT-3's and dolma's decontamination). */
export const DEFAULT_DECONTAM: Omit<DecontamOptions, "benchmarks"> = {
  ngram: 13,
  minWords: 8,
  mode: "remove",
};
