import type { JobKind } from "./spec.js";

/** What a compute estimate depends on: the job, the model's size, the batch shape and the GPUs' speed. */
export interface EstimateInput {
  kind: JobKind;
  /** Model parameters (0 for a tiny random model). */
  params: number;
  /**
   * Tokens of the data: cpt, the tokens to train on (Tajik plus replay); sft, the rendered samples' tokens of one
   * epoch; the others, the calibration or evaluation tokens read (quantize-fp8 reads none).
   */
  tokens: number;
  epochs: number;
  globalBatch: number;
  seqLen: number;
  /** Packed SFT sequences fill every step; unpacked ones have no fixed tokens per step. */
  packing: boolean;
  lora: boolean;
  maxSteps: number | null;
  gpuPeakFlops: number;
  /** Model FLOPs utilisation expected of the GPUs. */
  mfu: number;
  /** A data check runs no GPU work. */
  dataCheck: boolean;
}

/** Tokens, steps, FLOPs and GPU-hours of a job, with how they were made. */
export interface ComputeEstimate {
  /** Tokens the job processes (trained on, calibrated on, evaluated). */
  jobTokens: number;
  tokensPerStep: number | null;
  steps: number | null;
  flops: number;
  gpuHours: number;
  /** How the estimate was made, in words. */
  method: string;
}

/** GPTQ's per-layer solves, as a rule of thumb: GPU-hours per billion parameters at the expected utilisation. */
const GPTQ_HOURS_PER_BILLION = 0.1;
/** FP8_DYNAMIC converts weights only: loading and saving dominate, a few minutes whatever the size. */
const FP8_MIN_HOURS = 0.05;

/**
 * Estimates a job's compute. Training: 6·N·D FLOPs (4·N·D with LoRA, which skips the weight gradients) over the
 * tokens the steps cover; calibration and evaluation: 2·N·D forward passes (plus GPTQ's solves for int4); GPU-hours
 * are FLOPs over the GPUs' peak times the utilisation. Pure: the plan gathers the inputs.
 */
export function estimateCompute(i: EstimateInput): ComputeEstimate {
  if (i.kind === "cpt" || i.kind === "sft") {
    const batchTokens = i.globalBatch * i.seqLen;
    const jobTokens = i.kind === "sft" ? i.tokens * i.epochs : i.tokens;
    const tokensPerStep = i.kind === "sft" && !i.packing ? null : batchTokens;
    let steps = Math.ceil(jobTokens / batchTokens);
    if (i.maxSteps !== null) steps = Math.min(steps, i.maxSteps);
    const perToken = i.lora ? 4 : 6;
    const flops = perToken * i.params * Math.min(jobTokens, steps * batchTokens);
    return {
      jobTokens,
      tokensPerStep,
      steps,
      flops,
      gpuHours: gpuHours(i, flops, 0),
      method: `${perToken}·N·D with N=${i.params} and the model FLOPs utilisation ${i.mfu} of ${i.gpuPeakFlops.toExponential(2)} FLOP/s per GPU`,
    };
  }
  const jobTokens = i.kind === "quantize-fp8" ? 0 : i.tokens;
  const gptq =
    i.kind === "quantize-int4"
      ? (i.params / 1e9) * GPTQ_HOURS_PER_BILLION * 3600 * i.gpuPeakFlops * i.mfu
      : 0;
  const flops = 2 * i.params * jobTokens + gptq;
  return {
    jobTokens,
    tokensPerStep: null,
    steps: null,
    flops,
    gpuHours: gpuHours(i, flops, i.kind === "quantize-fp8" ? FP8_MIN_HOURS : 0),
    method:
      i.kind === "quantize-fp8"
        ? "FP8_DYNAMIC converts weights only: minutes, dominated by loading and saving"
        : `2·N·D forward over ${jobTokens} tokens${i.kind === "quantize-int4" ? ` + ${GPTQ_HOURS_PER_BILLION} GPU-hour per billion parameters for GPTQ` : ""}`,
  };
}

function gpuHours(i: EstimateInput, flops: number, floor: number): number {
  return i.dataCheck ? 0 : Math.max(floor, flops / (i.gpuPeakFlops * i.mfu) / 3600);
}
