import { UsageError } from "@soro/core";
import { MODEL_SIZES, type ModelSize } from "./model.js";

/** The job kinds: continual pretraining, SFT, two llm-compressor schemes, llama.cpp GGUF, lm-eval. */
export const JOB_KINDS = ["cpt", "sft", "quantize-fp8", "quantize-int4", "gguf", "eval"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Where a job runs. */
export const BACKENDS = ["local", "slurm", "k8s"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Where a payload computes. */
export const JOB_DEVICES = ["auto", "cpu", "cuda"] as const;
export type JobDevice = (typeof JOB_DEVICES)[number];

/** Training hyperparameters (cpt and sft). */
export interface TrainConfig {
  seqLen: number;
  /** Sequences per optimizer step across all GPUs. */
  globalBatch: number;
  /** Sequences per GPU per forward pass (gradient accumulation fills the rest). */
  microBatch: number;
  learningRate: number;
  minLearningRate: number;
  warmupSteps: number;
  weightDecay: number;
  /** Pack several documents into each sequence (with BOS/EOS kept), rather than pad one per sequence. */
  packing: boolean;
  lora: { r: number; alpha: number; dropout: number } | null;
  /** Passes over the data (sft), or over the planned training tokens (cpt: 1). */
  epochs: number;
  /** Tokens to train on; default the export manifest's `train_tokens` (Tajik plus replay). */
  tokens: number | null;
  /** English replay: its share of every batch and where the payload reads it (HF dataset or Megatron prefix). */
  replayShare: number;
  replaySource: string | null;
  gradientCheckpointing: boolean;
  seed: number;
  saveEverySteps: number;
}

/** Where and with what a job runs. */
export interface Resources {
  nodes: number;
  gpusPerNode: number;
  cpusPerTask: number;
  /** Wall-clock limit as Slurm writes it (e.g. `2-00:00:00`). */
  time: string;
  partition: string | null;
  /** Peak dense BF16 FLOP/s of one GPU (H100 SXM: 989e12) and the model FLOPs utilisation the estimate assumes. */
  gpuPeakFlops: number;
  mfu: number;
  /** Memory of one GPU in bytes (H100/H200 class: 80 GB and more); a plan that cannot fit is refused. */
  gpuMemoryBytes: number;
}

/** Kubernetes settings: an Indexed Job (one pod per node, torchrun inside) or a Kubeflow Trainer TrainJob. */
export interface K8sJobOptions {
  flavour: "indexed-job" | "trainjob";
  image: string;
  namespace: string;
  /** PersistentVolumeClaim holding the exports and outputs, mounted at the same path as here. */
  pvc: string | null;
  mountPath: string;
  /** The repository inside the image (the payloads are at `<repoDir>/packages/trainer-bridge/jobs`). */
  repoDir: string;
  /** Kubeflow Trainer runtime the TrainJob refers to. */
  runtime: string;
}

/** Everything a job is planned from: the typed config after defaults. */
export interface JobSpec {
  kind: JobKind;
  backend: BackendName;
  /** The export folder the payload reads (manifest.json at its root). */
  exportDir: string;
  model: ModelSize;
  /** Checkpoint to start from (HF id or folder): the size's `-pt` model for cpt, the job's input for the others. */
  modelPath: string;
  /** Random-init tiny Gemma 3 (smoke tests): no weights are loaded. */
  tiny: boolean;
  /** Tokenizer files a tiny model's checkpoints carry (tokenizer.json, tokenizer.model, ...); null for none. */
  tokenizerDir: string | null;
  /** Where the payload computes: CUDA when present (auto), or forced. */
  device: JobDevice;
  /** Where the payload writes its checkpoint or results. */
  outDir: string;
  /** Open the export, count documents and tokens, compare with the manifest; no GPU, no torch. */
  dataCheck: boolean;
  /** Stop after this many optimizer steps (smoke runs). */
  maxSteps: number | null;
  train: TrainConfig;
  resources: Resources;
  /** Python interpreter the payload runs with. */
  python: string;
  /** Extra `sbatch` arguments (e.g. `--begin=now+1hour`, `--account=...`). */
  sbatchArgs: string[];
  k8s: K8sJobOptions;
  /** lm-eval task names (default: every task YAML in the export's eval/). */
  evalTasks: string[];
  /** Calibration samples for GPTQ (default: all of calibration/chat.jsonl). */
  calibrationSamples: number | null;
}

/** What a caller may give: any part of the spec, nested parts partial too. */
export type JobSpecInput = Partial<Omit<JobSpec, "train" | "resources" | "k8s">> & {
  kind: JobKind;
  exportDir: string;
  train?: Partial<TrainConfig>;
  resources?: Partial<Resources>;
  k8s?: Partial<K8sJobOptions>;
};

/** Sensible Gemma 3 training defaults by kind and size: full-weight CPT, LoRA SFT above 1B. */
export function defaultTrain(kind: JobKind, model: ModelSize): TrainConfig {
  const sft = kind === "sft";
  const lora = sft && model !== "1b" ? { r: 16, alpha: 32, dropout: 0.05 } : null;
  const lr = lora ? 2e-4 : sft ? 1e-5 : { "1b": 3e-5, "4b": 2e-5, "12b": 1e-5 }[model];
  return {
    seqLen: sft ? 4096 : 8192,
    // About 1M tokens per step for CPT, 128 sequences for SFT.
    globalBatch: 128,
    // Gemma 3's 262k vocabulary makes the logits the largest activation: 2×8192 tokens is ~26 GB of them.
    microBatch: { "1b": 2, "4b": 2, "12b": 1 }[model],
    learningRate: lr,
    minLearningRate: lr / 10,
    warmupSteps: sft ? 20 : 100,
    weightDecay: sft ? 0 : 0.1,
    packing: true,
    lora,
    epochs: sft ? 2 : 1,
    tokens: null,
    replayShare: sft ? 0 : 0.2,
    replaySource: null,
    gradientCheckpointing: model !== "1b",
    seed: 1234,
    saveEverySteps: 500,
  };
}

/** GPUs by kind and size: quantization, GGUF and eval fit one GPU; training scales with the model. */
export function defaultResources(kind: JobKind, model: ModelSize): Resources {
  const training = kind === "cpt" || kind === "sft";
  return {
    nodes: training && model === "12b" ? 2 : 1,
    gpusPerNode: training ? 8 : 1,
    cpusPerTask: training ? 16 : 8,
    time: training ? "2-00:00:00" : "08:00:00",
    partition: null,
    gpuPeakFlops: 989e12,
    mfu: 0.4,
    gpuMemoryBytes: 80e9,
  };
}

function check(ok: boolean, what: string, hint: string): void {
  if (!ok) throw new UsageError(`soro train: ${what}`, hint);
}

/** Fills a spec's defaults and checks it, naming the field that is wrong. */
export function resolveSpec(input: JobSpecInput): JobSpec {
  check(
    JOB_KINDS.includes(input.kind),
    `unknown job kind ${input.kind}`,
    `use one of ${JOB_KINDS.join(", ")}`,
  );
  const model = input.model ?? "1b";
  check(MODEL_SIZES.includes(model), `unknown model size ${model}`, `use one of ${MODEL_SIZES.join(", ")}`);
  const backend = input.backend ?? "local";
  check(BACKENDS.includes(backend), `unknown backend ${backend}`, `use one of ${BACKENDS.join(", ")}`);
  check(
    Boolean(input.exportDir),
    "no export folder",
    "pass --export DIR (a folder `soro bridge export` wrote)",
  );
  const train = { ...defaultTrain(input.kind, model), ...input.train };
  // A data check runs on one CPU: it opens the export and counts, nothing more.
  const base = input.dataCheck
    ? { ...defaultResources(input.kind, model), nodes: 1, gpusPerNode: 0, cpusPerTask: 1, time: "00:30:00" }
    : defaultResources(input.kind, model);
  const resources = { ...base, ...input.resources };
  const gpus = resources.nodes * resources.gpusPerNode;
  check(
    train.seqLen > 0 && Number.isInteger(train.seqLen),
    `seqLen ${train.seqLen}`,
    "pass a positive integer",
  );
  check(
    train.microBatch > 0 && train.globalBatch > 0,
    "batch sizes must be positive",
    "fix --batch/--micro-batch",
  );
  check(
    train.globalBatch % (train.microBatch * Math.max(1, gpus)) === 0,
    `global batch ${train.globalBatch} is not a multiple of micro batch ${train.microBatch} × ${gpus} GPUs`,
    "choose a global batch that the GPUs and micro batch divide",
  );
  check(train.learningRate > 0, `learning rate ${train.learningRate}`, "pass a positive --lr");
  check(
    train.replayShare >= 0 && train.replayShare < 1,
    `replay share ${train.replayShare}`,
    "use 0 <= share < 1",
  );
  check(resources.nodes >= 1 && resources.gpusPerNode >= 0, "nodes/GPUs", "use --nodes >= 1 and --gpus >= 0");
  const device = input.device ?? "auto";
  check(JOB_DEVICES.includes(device), `unknown device ${device}`, `use one of ${JOB_DEVICES.join(", ")}`);
  const defaultModel = input.kind === "cpt" || input.kind === "sft" ? `google/gemma-3-${model}-pt` : "";
  const modelPath = input.modelPath ?? defaultModel;
  check(
    Boolean(modelPath) || Boolean(input.tiny) || Boolean(input.dataCheck),
    `${input.kind} needs a checkpoint`,
    "pass --model-path with the checkpoint to quantize, convert or evaluate",
  );
  return {
    kind: input.kind,
    backend,
    exportDir: input.exportDir,
    model,
    modelPath,
    tiny: input.tiny ?? false,
    tokenizerDir: input.tokenizerDir ?? null,
    device,
    outDir: input.outDir ?? "",
    dataCheck: input.dataCheck ?? false,
    maxSteps: input.maxSteps ?? null,
    train,
    resources,
    python: input.python ?? "python3",
    sbatchArgs: input.sbatchArgs ?? [],
    k8s: {
      flavour: "indexed-job",
      image: "ghcr.io/soro-data/trainer:latest",
      namespace: "default",
      pvc: null,
      mountPath: "/data",
      repoDir: "/opt/soro",
      runtime: "torch-distributed",
      ...input.k8s,
    },
    evalTasks: input.evalTasks ?? [],
    calibrationSamples: input.calibrationSamples ?? null,
  };
}
