import type { Catalog } from "@soro/core";
import { resolveStage } from "../stage.js";
import { loadTokenizer, type Tokenizer, tokenizerFileHash } from "../tokenizer.js";
import { writeCalibration } from "./calibration.js";
import { chatTemplateHash } from "./chat.js";
import { type ExportSummary, stagedExport } from "./corpus.js";
import { writeEvalTask } from "./eval.js";
import { type Manifest, pipelineHashes, writeManifest } from "./manifest.js";
import { holdOut, readSftJsonl, writeSft } from "./sft.js";

/** Options of the SFT hand-off export: SFT files, calibration sets held out from them, an optional eval task. */
export interface SftExportOptions {
  out: string;
  /** OpenAI-style messages JSONL of reviewed samples. */
  input: string;
  stage?: string;
  /** Held-out chat samples for GPTQ/AWQ (default 512). */
  calibrationSamples?: number;
  /** Size of llama.cpp's imatrix text in tokens (default 600k). */
  imatrixTokens?: number;
  englishFile?: string;
  /** Multiple-choice benchmark JSONL for an lm-evaluation-harness task. */
  benchmark?: string;
  task?: string;
  /** A tokenizer already loaded (tests share one); loaded here otherwise. */
  tokenizer?: Tokenizer;
}

/** Writes SFT data in trainer formats, the calibration sets and an eval task, with one manifest. */
export async function exportSft(catalog: Catalog, opts: SftExportOptions): Promise<ExportSummary> {
  return stagedExport(catalog, opts.out, (dir) => writeSftExport(catalog, { ...opts, out: dir }));
}

/** Writes an SFT export into `opts.out` (the staging folder) and returns its manifest. */
async function writeSftExport(
  catalog: Catalog,
  opts: SftExportOptions,
): Promise<{ manifest: Manifest; sha256: string }> {
  const samples = await readSftJsonl(opts.input);
  const { train, calibration } = holdOut(samples, opts.calibrationSamples ?? 512);
  await writeSft(opts.out, train);
  const { stage, shards } = await resolveStage(catalog, opts.stage);
  const tok = opts.tokenizer ?? loadTokenizer();
  const cal = await writeCalibration(catalog, opts.out, {
    shards,
    held: calibration,
    tok,
    imatrixTokens: opts.imatrixTokens ?? 600_000,
    englishFile: opts.englishFile,
  });
  const evalTask = opts.benchmark
    ? await writeEvalTask(catalog, opts.out, { benchmark: opts.benchmark, task: opts.task ?? "soro_tg_mc" })
    : null;
  return writeManifest(opts.out, {
    format: "sft",
    stage,
    docs: train.length,
    tokens: null,
    tokens_per_source: {},
    mixture: {},
    train_tokens: null,
    replay: null,
    tokenizer: { name: tok.name, sha256: tokenizerFileHash(), bos: null, eos: null },
    chat_template: { name: "gemma3", sha256: chatTemplateHash() },
    pipeline: await pipelineHashes(catalog),
    extra: {
      sft: {
        input: opts.input,
        samples: samples.length,
        train: train.length,
        calibration: calibration.length,
      },
      calibration: cal,
      eval: evalTask,
    },
  });
}
