// The names and defaults the `soro bridge` help shows, in a module that loads no library
// (`@soro/trainer-bridge/defaults`), so the command's help does not load the tokenizer, the worker pool or the
// Kubernetes client.

/** The 1.9B-token goal of continual pretraining (Gemma 3 tokens). */
export const TOKEN_GOAL = 1_900_000_000;

/** Gemma 3's `<bos>` id: every pretraining document starts with it. */
export const GEMMA_BOS = 2;
/** Gemma 3's `<eos>` id (the IT tokenizer_config names `<end_of_turn>` as eos; pretraining ends documents with `<eos>`). */
export const GEMMA_EOS = 1;

/** The replay share of training tokens when replay text is exported and no share is given (the CPT default). */
export const REPLAY_SHARE = 0.2;

/** The corpus export formats. */
export const CORPUS_FORMATS = ["parquet", "jsonl", "megatron", "mds"] as const;
export type CorpusFormat = (typeof CORPUS_FORMATS)[number];

/** The trainer forms of an SFT sample: OpenAI messages (TRL, axolotl), ShareGPT or Alpaca (LLaMA-Factory). */
export const SFT_FORMATS = ["messages", "sharegpt", "alpaca"] as const;
export type SftFormat = (typeof SFT_FORMATS)[number];
