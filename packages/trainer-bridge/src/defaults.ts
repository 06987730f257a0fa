// The names the `soro bridge` help lists, in a module that loads no library (`@soro/trainer-bridge/defaults`), so
// the command's help does not load the tokenizer, the worker pool or the Kubernetes client.

/** The corpus export formats. */
export const CORPUS_FORMATS = ["parquet", "jsonl", "megatron", "mds"] as const;
export type CorpusFormat = (typeof CORPUS_FORMATS)[number];
