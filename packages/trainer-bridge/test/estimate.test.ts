import { describe, expect, it } from "vitest";
import { type EstimateInput, estimateCompute } from "../src/jobs/estimate.js";

const base: EstimateInput = {
  kind: "cpt",
  params: 1e9,
  tokens: 1e9,
  epochs: 1,
  globalBatch: 64,
  seqLen: 2048,
  packing: true,
  lora: false,
  maxSteps: null,
  gpuPeakFlops: 1e15,
  mfu: 0.4,
  dataCheck: false,
};

describe("estimateCompute", () => {
  const cases: Array<[string, Partial<EstimateInput>, Partial<ReturnType<typeof estimateCompute>>]> = [
    // 1e9 / (64 · 2048) = 7629.4 steps; 6 · 1e9 · 1e9 FLOPs at 0.4 · 1e15 FLOP/s = 15 000 s.
    [
      "cpt: 6·N·D",
      {},
      { jobTokens: 1e9, tokensPerStep: 131_072, steps: 7630, flops: 6e18, gpuHours: 15_000 / 3600 },
    ],
    ["cpt cut by max steps", { maxSteps: 100 }, { steps: 100, flops: 6 * 1e9 * 100 * 131_072 }],
    [
      "sft with LoRA, unpacked, three epochs: 4·N·D",
      {
        kind: "sft",
        params: 4e9,
        tokens: 1e6,
        epochs: 3,
        globalBatch: 16,
        seqLen: 1024,
        packing: false,
        lora: true,
      },
      { jobTokens: 3e6, tokensPerStep: null, steps: 184, flops: 4 * 4e9 * 3e6 },
    ],
    [
      "quantize-int4: forward passes plus 0.1 GPU-hour per billion parameters",
      { kind: "quantize-int4", tokens: 1000, mfu: 0.5 },
      { jobTokens: 1000, steps: null, flops: 2e12 + 1.8e17, gpuHours: (2e12 + 1.8e17) / 5e14 / 3600 },
    ],
    [
      "quantize-fp8: no tokens, a few minutes",
      { kind: "quantize-fp8", tokens: 5000 },
      { jobTokens: 0, flops: 0, gpuHours: 0.05 },
    ],
    ["gguf: 2·N·D", { kind: "gguf", tokens: 600_000 }, { flops: 2 * 1e9 * 600_000 }],
    [
      "a data check costs no GPU time",
      { kind: "eval", tokens: 1e6, dataCheck: true },
      { flops: 2e15, gpuHours: 0 },
    ],
    ["a tiny model", { params: 0, tokens: 1e6 }, { flops: 0, gpuHours: 0, steps: 8 }],
  ];
  for (const [name, input, want] of cases) {
    it(name, () => {
      const got = estimateCompute({ ...base, ...input });
      for (const [k, v] of Object.entries(want)) {
        if (v === null) expect(got[k as keyof typeof got], k).toBeNull();
        else expect(got[k as keyof typeof got], k).toBeCloseTo(v as number, 6);
      }
    });
  }

  it("says how it estimated", () => {
    expect(estimateCompute(base).method).toMatch(/^6·N·D with N=1000000000/);
    expect(estimateCompute({ ...base, kind: "quantize-int4" }).method).toMatch(/GPTQ/);
  });
});
