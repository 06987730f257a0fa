import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { type Catalog, configHash, estimateTokens, SoroError } from "@soro/core";
import { renderGemma3 } from "../export/chat.js";
import { trainableFormats, trainerFormat } from "../export/formats.js";
import type { Manifest, ManifestFile } from "../export/manifest.js";
import type { Tokenizer } from "../tokenizer.js";
import { loadTokenizer } from "../tokenizer.js";
import type { Artefact, JobBackend, JobContext } from "./backend.js";
import { estimateCompute } from "./estimate.js";
import { K8sJobs } from "./k8s.js";
import { imagePayloadDir } from "./k8s-manifest.js";
import { PAYLOAD_DIR, PAYLOADS, REQUIREMENTS } from "./launch.js";
import { LocalJobs } from "./local.js";
import { gb, type MemoryEstimate, trainingMemory, usesFsdp } from "./memory.js";
import { GEMMA3, type ModelFacts, TINY_GEMMA3 } from "./model.js";
import { SlurmJobs } from "./slurm.js";
import { type JobSpec, type JobSpecInput, resolveSpec } from "./spec.js";
import { jobTablesExist } from "./store.js";

/** Everything `soro train plan` prints and `submit` acts on. */
export interface JobPlan {
  jobId: string;
  spec: JobSpec;
  configHash: string;
  jobDir: string;
  configPath: string;
  inputs: {
    exportDir: string;
    format: string;
    manifestSha256: string;
    docs: number;
    tokens: number | null;
    tokensPerSource: Record<string, number>;
    /** The export files the job reads, with the manifest's checksums. */
    files: ManifestFile[];
    /** Files named by the manifest that are missing or of another size now. */
    problems: string[];
    /** The export's id in trainer_bridge_exports, when the catalog knows it. */
    catalogExport: string | null;
  };
  mixture: Manifest["mixture"];
  replay: { share: number; source: string | null };
  model: {
    size: string;
    path: string;
    tiny: boolean;
    facts: ModelFacts;
    tokenizer: Manifest["tokenizer"];
    chatTemplate: Manifest["chat_template"];
  };
  gpus: number;
  /** GPU memory per device a cpt/sft job needs (null for the other kinds, data checks and tiny models). */
  memory: MemoryEstimate | null;
  /** Tokens the job processes (trained on, calibrated on, evaluated). */
  jobTokens: number;
  tokensPerStep: number | null;
  steps: number | null;
  flops: number;
  gpuHours: number;
  /** How the estimate was made. */
  estimate: string;
  payload: { script: string; requirements: string };
  /** job.json, then the backend's files (sbatch script, run.sh, manifests), verbatim. */
  artefacts: Artefact[];
  warnings: string[];
}

/** The backend object for a backend name (k8s without a cluster connection renders only). */
export function backendFor(spec: JobSpec, k8s?: K8sJobs): JobBackend {
  if (spec.backend === "slurm") return new SlurmJobs();
  if (spec.backend === "k8s") return k8s ?? new K8sJobs();
  return new LocalJobs();
}

/** Reads an export's manifest.json and its sha256, naming the folder when it is not an export. */
export async function readManifestWithHash(
  exportDir: string,
): Promise<{ manifest: Manifest; sha256: string }> {
  let text: string;
  try {
    text = await readFile(path.join(exportDir, "manifest.json"), "utf8");
  } catch {
    throw new SoroError(
      `soro train: ${exportDir} has no manifest.json`,
      "pass a folder written by `soro bridge export` or `soro bridge export --sft`",
      2,
    );
  }
  return { manifest: JSON.parse(text) as Manifest, sha256: createHash("sha256").update(text).digest("hex") };
}

/** Which export files each kind reads (all of them for cpt), and what it cannot run without. */
function neededFiles(spec: JobSpec, m: Manifest): { files: ManifestFile[]; missing: string | null } {
  const has = (p: string) => m.files.filter((f) => f.path.startsWith(p));
  switch (spec.kind) {
    case "cpt":
      return trainerFormat(m.format)?.trainable
        ? { files: m.files, missing: null }
        : { files: [], missing: `a ${trainableFormats().join(", ")} export (this one is ${m.format})` };
    case "sft":
      return has("sft/messages.jsonl").length
        ? { files: has("sft/"), missing: null }
        : { files: [], missing: "sft/messages.jsonl" };
    case "quantize-int4":
      return has("calibration/chat.jsonl").length
        ? { files: has("calibration/chat.jsonl"), missing: null }
        : { files: [], missing: "calibration/chat.jsonl" };
    case "gguf":
      return has("calibration/imatrix.txt").length
        ? { files: has("calibration/imatrix.txt"), missing: null }
        : { files: [], missing: "calibration/imatrix.txt" };
    case "eval":
      return has("eval/").length
        ? { files: has("eval/"), missing: null }
        : { files: [], missing: "an eval/ task" };
    default:
      return { files: [], missing: null };
  }
}

async function problems(exportDir: string, files: ManifestFile[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const s = await stat(path.join(exportDir, f.path)).catch(() => null);
    if (!s) out.push(`${f.path}: missing`);
    else if (s.size !== f.bytes) out.push(`${f.path}: ${s.size} bytes, manifest says ${f.bytes}`);
  }
  return out;
}

/** Gemma 3 tokens of each SFT sample rendered with the chat template (what SFT trains on). */
async function sftTokens(exportDir: string, tok: Tokenizer): Promise<{ samples: number; tokens: number }> {
  const text = await readFile(path.join(exportDir, "sft/messages.jsonl"), "utf8");
  let samples = 0;
  let tokens = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    samples++;
    tokens += tok.count(renderGemma3((JSON.parse(line) as { messages: never }).messages)) + 1;
  }
  return { samples, tokens };
}

/**
 * Why llama.cpp's Gemma 3 converter could not read a checkpoint folder's tokenizer (null when it can, or when the
 * folder does not exist yet because an earlier job will write it).
 */
async function tokenizerModelProblem(modelPath: string): Promise<string | null> {
  const dir = await stat(modelPath).catch(() => null);
  if (!dir?.isDirectory()) return null;
  const file = await stat(path.join(modelPath, "tokenizer.model")).catch(() => null);
  if (!file) return `${modelPath} has no tokenizer.model (SentencePiece), which GGUF conversion needs`;
  if (file.size === 0) return `${path.join(modelPath, "tokenizer.model")} is empty`;
  return null;
}

/** Characters of the export files a kind reads, for estimates where no token count exists. */
function charsOf(files: ManifestFile[]): number {
  return files.reduce((n, f) => n + f.bytes, 0) / 1.8; // Cyrillic UTF-8: ~1.8 bytes per character
}

/** The next job id for a spec: kind, config hash, and a counter so the same config can run again. */
async function nextJobId(catalog: Catalog, kind: string, hash: string): Promise<string> {
  const prefix = `${kind}-${hash.slice(0, 8)}-`;
  let n = 0;
  if (await jobTablesExist(catalog)) {
    const r = await catalog.rows(
      `SELECT count(*)::INTEGER AS n FROM trainer_bridge_jobs WHERE starts_with(job_id, $1)`,
      [prefix],
    );
    n = Number(r[0]?.n ?? 0);
  }
  return `${prefix}${n + 1}`;
}

/** What the payload reads: the spec in snake_case plus the facts it needs from the manifest. */
function payloadConfig(
  p: Omit<JobPlan, "artefacts" | "payload">,
  manifest: Manifest,
): Record<string, unknown> {
  const t = p.spec.train;
  return {
    soro_job: 1,
    job_id: p.jobId,
    kind: p.spec.kind,
    export_dir: path.resolve(p.spec.exportDir),
    manifest_sha256: p.inputs.manifestSha256,
    out_dir: p.spec.outDir,
    data_check: p.spec.dataCheck,
    device: p.spec.device,
    peak_flops: p.spec.resources.gpuPeakFlops,
    max_steps: p.spec.maxSteps,
    model: {
      size: p.spec.model,
      path: p.spec.modelPath,
      tiny: p.spec.tiny,
      tiny_config: p.spec.tiny ? TINY_GEMMA3 : null,
      tokenizer_dir: p.spec.tokenizerDir ? path.resolve(p.spec.tokenizerDir) : null,
      hf_class: p.model.facts.hfClass,
    },
    train: {
      seq_len: t.seqLen,
      global_batch: t.globalBatch,
      micro_batch: t.microBatch,
      learning_rate: t.learningRate,
      min_learning_rate: t.minLearningRate,
      warmup_steps: t.warmupSteps,
      weight_decay: t.weightDecay,
      packing: t.packing,
      lora: t.lora,
      epochs: t.epochs,
      steps: p.steps,
      gradient_checkpointing: t.gradientCheckpointing,
      fsdp: p.memory?.sharded ?? false,
      seed: t.seed,
      save_every_steps: t.saveEverySteps,
    },
    replay: { share: p.replay.share, source: p.replay.source },
    mixture: Object.fromEntries(Object.entries(manifest.mixture).map(([k, v]) => [k, v.weight])),
    megatron_prefixes:
      (manifest.extra?.megatron as { prefixes?: Record<string, string> } | undefined)?.prefixes ?? {},
    eval_tasks: p.spec.evalTasks,
    calibration_samples: p.spec.calibrationSamples,
    bos: manifest.tokenizer.bos,
    eos: manifest.tokenizer.eos,
  };
}

/**
 * Plans a job: reads the export's manifest, fills the typed config's defaults, computes tokens per step, steps and
 * GPU-hours, and renders every artefact. Changes nothing (the catalog is only read).
 */
export async function planJob(
  catalog: Catalog,
  input: JobSpecInput,
  opts: { tokenizer?: Tokenizer; k8s?: K8sJobs; jobsDir?: string } = {},
): Promise<JobPlan> {
  const spec0 = resolveSpec(input);
  const { manifest, sha256 } = await readManifestWithHash(spec0.exportDir);
  const hash = configHash({ ...spec0, manifest: sha256 });
  const jobId = await nextJobId(catalog, spec0.kind, hash);
  const jobDir = path.resolve(opts.jobsDir ?? path.join(catalog.ws.dir, "jobs"), jobId);
  const spec: JobSpec = { ...spec0, outDir: spec0.outDir || path.join(jobDir, "output") };
  const warnings: string[] = [];
  const need = neededFiles(spec, manifest);
  if (need.missing) {
    throw new SoroError(
      `soro train: ${spec.kind} needs ${need.missing} in ${spec.exportDir}`,
      spec.kind === "cpt"
        ? "export with `soro bridge export --format megatron`"
        : "export with `soro bridge export --sft`",
      2,
    );
  }
  const exportRow = (
    await catalog
      .rows(`SELECT export_id FROM trainer_bridge_exports WHERE manifest_sha256 = $1`, [sha256])
      .catch(() => [])
  )[0];
  if (!exportRow) warnings.push("this export is not in this workspace's catalog (made elsewhere?)");
  const facts = GEMMA3[spec.model];
  const gpus = spec.resources.nodes * Math.max(1, spec.resources.gpusPerNode);
  const t = spec.train;
  const params = spec.tiny ? 0 : facts.params;
  const replayShare =
    spec.kind === "cpt" ? (input.train?.replayShare ?? manifest.replay?.share ?? t.replayShare) : 0;
  const replaySource = t.replaySource ?? manifest.replay?.source ?? null;
  spec.train = { ...t, replayShare };
  let dataTokens: number;
  if (spec.kind === "cpt") {
    const tajik = manifest.tokens ?? estimateTokens(charsOf(manifest.files));
    dataTokens = t.tokens ?? manifest.train_tokens ?? Math.round(tajik / (1 - replayShare));
    if (replayShare > 0 && !replaySource)
      warnings.push("no English replay source: pass --replay-source (HF dataset or Megatron prefix)");
  } else if (spec.kind === "sft") {
    dataTokens = t.tokens ?? (await sftTokens(spec.exportDir, opts.tokenizer ?? loadTokenizer())).tokens;
  } else {
    dataTokens = estimateTokens(charsOf(need.files));
  }
  const { jobTokens, tokensPerStep, steps, flops, gpuHours, method } = estimateCompute({
    kind: spec.kind,
    params,
    tokens: dataTokens,
    epochs: t.epochs,
    globalBatch: t.globalBatch,
    seqLen: t.seqLen,
    packing: t.packing,
    lora: Boolean(t.lora),
    maxSteps: spec.maxSteps,
    gpuPeakFlops: spec.resources.gpuPeakFlops,
    mfu: spec.resources.mfu,
    dataCheck: spec.dataCheck,
  });
  const memory =
    (spec.kind === "cpt" || spec.kind === "sft") && !spec.dataCheck && !spec.tiny
      ? trainingMemory(spec, facts, usesFsdp(spec))
      : null;
  if (memory && spec.resources.gpusPerNode > 0 && memory.total > spec.resources.gpuMemoryBytes) {
    throw new SoroError(
      `soro train: ${spec.kind} of Gemma 3 ${spec.model} needs about ${gb(memory.total)} per GPU (logits ${gb(memory.logits)}, activations ${gb(memory.activations)}, weights+gradients+optimizer ${gb(memory.weights + memory.gradients + memory.optimizer)}${memory.sharded ? " sharded" : ""}), more than the ${gb(spec.resources.gpuMemoryBytes)} of one GPU`,
      "lower --micro-batch or --seq-len, turn on gradient checkpointing, use LoRA, or add GPUs",
      2,
    );
  }
  if (spec.kind === "gguf" && !spec.dataCheck) {
    const problem = await tokenizerModelProblem(spec.modelPath);
    if (problem)
      throw new SoroError(
        `soro train: ${problem}`,
        "copy tokenizer.model from the base checkpoint into it",
        2,
      );
  }
  const configPath = path.join(jobDir, "job.json");
  const base = {
    jobId,
    spec,
    configHash: hash,
    jobDir,
    configPath,
    inputs: {
      exportDir: path.resolve(spec.exportDir),
      format: manifest.format,
      manifestSha256: sha256,
      docs: manifest.docs,
      tokens: manifest.tokens,
      tokensPerSource: manifest.tokens_per_source,
      files: need.files,
      problems: await problems(spec.exportDir, need.files),
      catalogExport: exportRow ? String(exportRow.export_id) : null,
    },
    mixture: manifest.mixture,
    replay: { share: replayShare, source: replaySource },
    model: {
      size: spec.model,
      path: spec.tiny ? "(random init, tiny)" : spec.modelPath,
      tiny: spec.tiny,
      facts,
      tokenizer: manifest.tokenizer,
      chatTemplate: manifest.chat_template,
    },
    gpus,
    memory,
    jobTokens,
    tokensPerStep,
    steps,
    flops,
    gpuHours,
    estimate: method,
    warnings,
  };
  const ctx: JobContext = { jobId, jobDir, configPath, spec, payloadDir: PAYLOAD_DIR };
  const backend = backendFor(spec, opts.k8s);
  const job = { name: "job.json", text: `${JSON.stringify(payloadConfig(base, manifest), null, 2)}\n` };
  const payloadDir = spec.backend === "k8s" ? imagePayloadDir(ctx) : PAYLOAD_DIR.replace(/\/$/, "");
  return {
    ...base,
    payload: {
      script: `${payloadDir}/${PAYLOADS[spec.kind]}`,
      requirements: `${payloadDir}/${REQUIREMENTS[spec.kind]}`,
    },
    artefacts: [job, ...backend.render(ctx)],
  };
}
