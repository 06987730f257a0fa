import { humanCount } from "@soro/core";
import { gb } from "./memory.js";
import type { JobPlan } from "./plan.js";

/** The plan as text: inputs with checksums and token counts, mixture, model facts, steps, GPU-hours, artefacts. */
export function formatPlan(p: JobPlan): string {
  const t = p.spec.train;
  const training = p.spec.kind === "cpt" || p.spec.kind === "sft";
  const f = p.model.facts;
  const out = [
    `job ${p.jobId}: ${p.spec.kind} on ${p.spec.backend}${p.spec.dataCheck ? " (data check: CPU only)" : ""}`,
    `job folder ${p.jobDir}`,
    "",
    "inputs",
    `  export ${p.inputs.exportDir} (${p.inputs.format})`,
    `  manifest sha256 ${p.inputs.manifestSha256}${p.inputs.catalogExport ? ` (catalog export ${p.inputs.catalogExport})` : ""}`,
    `  documents ${p.inputs.docs}, tokens ${p.inputs.tokens ?? "not counted"}`,
    ...Object.entries(p.inputs.tokensPerSource).map(([s, n]) => `  tokens ${s} ${n}`),
    ...p.inputs.files.map((x) => `  file ${x.path} ${x.bytes} bytes sha256 ${x.sha256}`),
    ...p.inputs.problems.map((x) => `  PROBLEM ${x}`),
    "",
    "mixture",
    ...Object.entries(p.mixture).map(
      ([s, m]) =>
        `  ${s} weight ${m.weight.toFixed(4)} tokens ${m.tokens} epochs ${m.effectiveEpochs.toFixed(2)}`,
    ),
    `  replay share ${p.replay.share} source ${p.replay.source ?? "none"}`,
    "",
    "model",
    `  gemma3 ${p.model.size}: ${p.model.path}`,
    `  parameters ${f.params} (non-embedding ${f.nonEmbeddingParams}), layers ${f.layers}, hidden ${f.hiddenSize}, heads ${f.heads}/${f.kvHeads} kv, context ${f.maxContext}`,
    `  tokenizer ${p.model.tokenizer.name} sha256 ${p.model.tokenizer.sha256} vocab ${f.vocabSize} bos ${p.model.tokenizer.bos ?? "-"} eos ${p.model.tokenizer.eos ?? "-"}`,
    `  chat template ${p.model.chatTemplate ? `${p.model.chatTemplate.name} sha256 ${p.model.chatTemplate.sha256}` : "none"}`,
    "",
    "compute",
    ...(training
      ? [
          `  sequence length ${t.seqLen}, global batch ${t.globalBatch}, micro batch ${t.microBatch}, packing ${t.packing}`,
          `  learning rate ${t.learningRate} (min ${t.minLearningRate}, warmup ${t.warmupSteps}), weight decay ${t.weightDecay}`,
          `  ${t.lora ? `LoRA r=${t.lora.r} alpha=${t.lora.alpha} dropout=${t.lora.dropout}` : "full weights"}, epochs ${t.epochs}`,
        ]
      : []),
    `  gpus ${p.gpus} (${p.spec.resources.nodes} node(s) × ${p.spec.resources.gpusPerNode})`,
    ...(p.memory
      ? [
          `  memory per GPU ~${gb(p.memory.total)} of ${gb(p.spec.resources.gpuMemoryBytes)}${p.memory.sharded ? " (FSDP)" : ""}: logits ${gb(p.memory.logits)}, activations ${gb(p.memory.activations)}, weights ${gb(p.memory.weights)}, gradients ${gb(p.memory.gradients)}, optimizer ${gb(p.memory.optimizer)}`,
        ]
      : []),
    `  tokens ${p.jobTokens} (${humanCount(p.jobTokens)})`,
    `  tokens per step ${p.tokensPerStep ?? "-"}`,
    `  steps ${p.steps ?? "-"}`,
    `  estimated GPU-hours ${p.gpuHours.toFixed(2)} (${p.estimate})`,
    "",
    `payload ${p.payload.script}`,
    `requirements ${p.payload.requirements}`,
    ...p.warnings.map((w) => `warning: ${w}`),
  ];
  for (const a of p.artefacts) out.push("", `----- ${a.name} -----`, a.text.replace(/\n$/, ""));
  return `${out.join("\n")}\n`;
}
