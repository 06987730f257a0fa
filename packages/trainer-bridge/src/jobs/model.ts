/** The Gemma 3 text model sizes the jobs know. */
export const MODEL_SIZES = ["1b", "4b", "12b"] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

/** Architecture facts of one Gemma 3 size (from the published configs), for plans and estimates. */
export interface ModelFacts {
  hfId: string;
  /** All parameters, embeddings included. */
  params: number;
  /** Parameters outside the (tied) embedding: what the 6·N·D rule should count. */
  nonEmbeddingParams: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediateSize: number;
  vocabSize: number;
  maxContext: number;
  /** The Hugging Face class that loads the checkpoint: the 4B and 12B checkpoints are multimodal. */
  hfClass: "Gemma3ForCausalLM" | "Gemma3ForConditionalGeneration";
}

const VOCAB = 262_144;

/** Gemma 3 pretrained ("-pt") checkpoints by size. */
export const GEMMA3: Record<ModelSize, ModelFacts> = {
  "1b": {
    hfId: "google/gemma-3-1b-pt",
    params: 999_885_952,
    nonEmbeddingParams: 999_885_952 - VOCAB * 1152,
    hiddenSize: 1152,
    layers: 26,
    heads: 4,
    kvHeads: 1,
    headDim: 256,
    intermediateSize: 6912,
    vocabSize: VOCAB,
    maxContext: 32_768,
    hfClass: "Gemma3ForCausalLM",
  },
  "4b": {
    hfId: "google/gemma-3-4b-pt",
    params: 3_880_099_328,
    nonEmbeddingParams: 3_880_099_328 - VOCAB * 2560,
    hiddenSize: 2560,
    layers: 34,
    heads: 8,
    kvHeads: 4,
    headDim: 256,
    intermediateSize: 10_240,
    vocabSize: VOCAB,
    maxContext: 131_072,
    hfClass: "Gemma3ForConditionalGeneration",
  },
  "12b": {
    hfId: "google/gemma-3-12b-pt",
    params: 11_765_788_416,
    nonEmbeddingParams: 11_765_788_416 - VOCAB * 3840,
    hiddenSize: 3840,
    layers: 48,
    heads: 16,
    kvHeads: 8,
    headDim: 256,
    intermediateSize: 15_360,
    vocabSize: VOCAB,
    maxContext: 131_072,
    hfClass: "Gemma3ForConditionalGeneration",
  },
};

/**
 * A tiny randomly initialised Gemma 3 text configuration (Gemma3TextConfig fields) for smoke runs: the real
 * vocabulary, so exports tokenized for Gemma 3 load unchanged, and a few small layers.
 */
export const TINY_GEMMA3 = {
  vocab_size: VOCAB,
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 32,
  max_position_embeddings: 4096,
  sliding_window: 128,
} as const;
