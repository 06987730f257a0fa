import type { ModelFacts } from "./model.js";
import type { JobSpec } from "./spec.js";

/** Where a training job's GPU memory goes, in bytes per GPU. */
export interface MemoryEstimate {
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logits: number;
  total: number;
  /** Whether the parameter, gradient and optimizer bytes are sharded across the GPUs (FSDP). */
  sharded: boolean;
}

const BF16 = 2;
const FP32 = 4;

/**
 * Memory per GPU of a cpt/sft job as the payloads run it: bf16 weights and gradients, torch AdamW with two bf16
 * moments (full training) or fp32 adapter moments (LoRA, about 1% of the weights), sharded by FSDP when the job
 * shards. Activations: with gradient checkpointing each layer keeps its bf16 input, plus one layer's working set
 * (about 16 hidden-size values per token); without it, every layer's working set. Logits: the loss sees the
 * micro-batch's logits in bf16 and again in fp32, over Gemma 3's 262k vocabulary, which dominates at long sequences.
 */
export function trainingMemory(spec: JobSpec, facts: ModelFacts, fsdp: boolean): MemoryEstimate {
  const t = spec.train;
  const gpus = Math.max(1, spec.resources.nodes * spec.resources.gpusPerNode);
  const n = facts.params;
  const shard = fsdp ? gpus : 1;
  const weights = (n * BF16) / shard;
  const trainable = t.lora ? n * 0.01 : n;
  const gradients = (trainable * (t.lora ? FP32 : BF16)) / shard;
  const optimizer = (trainable * 2 * (t.lora ? FP32 : BF16)) / shard;
  const tokens = t.microBatch * t.seqLen;
  const perLayer = tokens * facts.hiddenSize * 16 * BF16;
  const activations = t.gradientCheckpointing
    ? tokens * facts.hiddenSize * facts.layers * BF16 + perLayer
    : perLayer * facts.layers;
  const logits = tokens * facts.vocabSize * (BF16 + FP32);
  const total = weights + gradients + optimizer + activations + logits;
  return { weights, gradients, optimizer, activations, logits, total, sharded: fsdp };
}

/** FSDP for full-weight training of the multimodal sizes; DDP (replicated weights) for 1B and for LoRA. */
export function usesFsdp(spec: JobSpec): boolean {
  const gpus = spec.resources.nodes * spec.resources.gpusPerNode;
  return gpus > 1 && !spec.train.lora && spec.model !== "1b";
}

/** Bytes as GB with one decimal, for plan messages. */
export function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
