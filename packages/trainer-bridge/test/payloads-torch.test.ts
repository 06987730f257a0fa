import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAYLOAD_DIR } from "../src/jobs/launch.js";
import { planJob } from "../src/jobs/plan.js";
import { writeJobFolder } from "../src/jobs/run.js";
import { gemma3TokenizerDir, payloadLog, runCommand, smokeLine, smokeRun } from "../src/jobs/smoke.js";
import type { JobSpecInput } from "../src/jobs/spec.js";
import { loadTokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";
import { jobExports } from "./jobs-fixtures.js";

// The payloads' own environment (torch CPU wheel, transformers, trl, datasets, peft, lm_eval), which .ci/run
// builds from packages/trainer-bridge/jobs/requirements-ci.txt.
const REPO = path.join(import.meta.dirname, "../../..");
const PY = process.env.SORO_JOBS_PYTHON ?? path.join(REPO, ".venv-jobs/bin/python");

function missingTorch(): string | null {
  if (!existsSync(PY)) return `no payload environment at ${PY} (.ci/run builds it; or set SORO_JOBS_PYTHON)`;
  try {
    execFileSync(PY, ["-c", "import torch, transformers, trl, datasets, peft, lm_eval, sentencepiece"], {
      stdio: "pipe",
    });
    return null;
  } catch (err) {
    return `${PY} lacks a payload dependency: ${String((err as { stderr?: Buffer }).stderr ?? err)
      .trim()
      .split("\n")
      .pop()}`;
  }
}

const why = missingTorch();
if (why) console.warn(`payloads-torch: skipped: ${why}`);

let catalog: Catalog;
let exports: { megatron: string; sft: string };
let work: string;
let base: string;

beforeAll(async () => {
  if (why) return;
  ({ catalog } = await tajikWorkspace());
  exports = await jobExports(catalog, loadTokenizer());
  work = await mkdtemp(path.join(tmpdir(), "soro-payloads-"));
  base = path.join(work, "tiny-base");
  const built = await runCommand(PY, [
    path.join(PAYLOAD_DIR, "tiny_gemma3.py"),
    "--tokenizer-dir",
    gemma3TokenizerDir(),
    "--out",
    base,
  ]);
  expect(built.rc, built.out).toBe(0);
}, 240_000);
afterAll(async () => {
  catalog?.close();
  // The tiny model, its checkpoints and the payloads' outputs take ~2 GB: a run that left them filled the disk.
  if (work) await rm(work, { recursive: true, force: true });
});

/** Plans a job on CPU and writes its job.json; returns the payload's argument list. */
async function jobArgs(input: JobSpecInput): Promise<{ args: string[]; out: string; config: string }> {
  const plan = await planJob(
    catalog,
    { python: PY, device: "cpu", resources: { nodes: 1, gpusPerNode: 0 }, ...input },
    { jobsDir: path.join(work, "jobs") },
  );
  await writeJobFolder(plan);
  return {
    args: [plan.payload.script, "--config", plan.configPath],
    out: plan.spec.outDir,
    config: plan.configPath,
  };
}

/** Runs a payload until a log record matches, then SIGKILLs it; resolves with what it printed. */
function runUntil(args: string[], stop: (rec: Record<string, unknown>) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(PY, args);
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (payloadLog(out).some(stop)) child.kill("SIGKILL");
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.on("close", () => resolve(out));
  });
}

const steps = (out: string) => payloadLog(out).filter((r) => r.msg === "step");
const cptTrain = { seqLen: 64, globalBatch: 2, microBatch: 1, warmupSteps: 1, saveEverySteps: 2 };

/** The cpt settings: the export's second source stands in for the English replay corpus. */
async function cptInput(out: string): Promise<JobSpecInput> {
  const manifest = JSON.parse(await readFile(path.join(exports.megatron, "manifest.json"), "utf8"));
  const prefixes = Object.values(manifest.extra.megatron.prefixes) as string[];
  return {
    kind: "cpt",
    exportDir: exports.megatron,
    modelPath: base,
    maxSteps: 6,
    outDir: path.join(work, out),
    train: { ...cptTrain, replayShare: 0.25, replaySource: path.join(exports.megatron, prefixes[1]!) },
  };
}

describe.skipIf(why !== null)("GPU payloads on CPU with torch (tiny Gemma 3, Gemma 3's tokenizer)", () => {
  it("cpt from a saved checkpoint, killed after a checkpoint, resumes to the same losses", async () => {
    const whole = await jobArgs(await cptInput("cpt-whole"));
    const ran = await runCommand(PY, whole.args);
    expect(ran.rc, ran.out).toBe(0);
    const ref = steps(ran.out);
    expect(ref.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of ref) {
      expect(r.tokens_per_s).toBeGreaterThan(0);
      expect(r.peak_memory_bytes).toBeGreaterThan(0);
    }
    const killed = await jobArgs(await cptInput("cpt-killed"));
    const first = await runUntil(killed.args, (r) => r.msg === "checkpoint" && r.step === 4);
    expect(first).toContain('"msg": "checkpoint", "step": 4');
    expect(existsSync(path.join(killed.out, "config.json"))).toBe(false);
    const second = await runCommand(PY, killed.args);
    expect(second.rc, second.out).toBe(0);
    expect(payloadLog(second.out).find((r) => r.msg === "cpt resume")).toMatchObject({ step: 4 });
    const resumed = steps(second.out);
    expect(resumed.map((r) => r.step)).toEqual([5, 6]);
    // Same model, optimizer, scheduler and data position: the resumed steps repeat the uninterrupted run's.
    expect(resumed.map((r) => r.loss)).toEqual(ref.slice(4).map((r) => r.loss));
    for (const f of [
      "config.json",
      "model.safetensors",
      "tokenizer.model",
      "tokenizer.json",
      "soro_job.json",
    ])
      expect(existsSync(path.join(killed.out, f)), f).toBe(true);
  }, 600_000);

  it("cpt under torchrun, 2 ranks on CPU with FSDP: checkpoints every rank's position and resumes exactly", async () => {
    const job = await jobArgs({ ...(await cptInput("cpt-fsdp")), maxSteps: 4 });
    // The plan shards only multi-GPU 4B/12B runs; here the same code path is forced on two CPU ranks (gloo).
    const cfg = JSON.parse(await readFile(job.config, "utf8"));
    cfg.train.fsdp = true;
    await writeFile(job.config, JSON.stringify(cfg));
    const torchrun = path.join(path.dirname(PY), "torchrun");
    const args = ["--standalone", "--nproc-per-node=2", ...job.args];
    const whole = await runCommand(torchrun, args);
    expect(whole.rc, whole.out).toBe(0);
    const starts = payloadLog(whole.out).filter((r) => r.msg === "cpt start");
    expect(starts.map((r) => [r.rank, r.fsdp]).sort(), whole.out).toEqual([
      [0, true],
      [1, true],
    ]);
    const ref = steps(whole.out);
    expect(ref.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    for (const f of ["data-0.json", "data-1.json", "model.pt", "optimizer.pt", "state.json"])
      expect(existsSync(path.join(job.out, "checkpoint-2", f)), f).toBe(true);
    await rm(path.join(job.out, "config.json"));
    const again = await runCommand(torchrun, args);
    expect(again.rc, again.out).toBe(0);
    const resumes = payloadLog(again.out).filter((r) => r.msg === "cpt resume");
    expect(resumes.map((r) => [r.rank, r.step]).sort(), again.out).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(steps(again.out).map((r) => r.loss)).toEqual(ref.slice(2).map((r) => r.loss));
  }, 600_000);

  it("cpt data: weight 0 is never drawn, tokens follow the weights, ranks disjoint, state restores", () => {
    const got = JSON.parse(
      execFileSync(PY, [
        path.join(import.meta.dirname, "py/cpt_mixture.py"),
        exports.megatron,
        PAYLOAD_DIR,
      ]).toString(),
    );
    expect(got.sources.length).toBeGreaterThanOrEqual(2);
    expect(got.zero_weight_drawn).toBe(0);
    expect(got.zero_weight_sources).not.toContain(got.sources[0]);
    for (const s of got.sources)
      expect(Math.abs(got.token_shares[s] - got.weight_shares[s])).toBeLessThan(0.03);
    expect(got.ranks_disjoint).toBe(true);
    expect(got.ranks_cover).toBe(true);
    expect(got.resume_same_stream).toBe(true);
  }, 120_000);

  it("sft with packing keeps samples apart, and the whole chain runs as `soro train smoke` does", async () => {
    const lines: string[] = [];
    const results = await smokeRun(catalog, {
      megatronExport: exports.megatron,
      sftExport: exports.sft,
      python: PY,
      device: "cpu",
      workDir: path.join(work, "smoke"),
      steps: 2,
      onResult: (r) => lines.push(smokeLine(r)),
    });
    const by = Object.fromEntries(results.map((r) => [r.step, r]));
    for (const step of ["tiny-model", "cpt", "sft", "eval", "gguf-preflight"])
      expect(by[step]?.rc, `${step}: ${by[step]?.detail}`).toBe(0);
    expect(by.cpt!.tokensPerSecond).toBeGreaterThan(0);
    const q = by["quantize-fp8"]!;
    expect(q.rc === 0 || q.skipped, q.detail).toBe(true);
    expect(lines.join("\n")).toMatch(/^cpt\s+rc=0\s+[\d.]+s\s+\d+ tok\/s\s+peak \d+ MiB/m);
    const results_json = JSON.parse(await readFile(path.join(by.eval!.out, "results.json"), "utf8"));
    expect(Object.keys(results_json).length).toBeGreaterThan(0);
    const packed = JSON.parse(
      execFileSync(PY, [path.join(import.meta.dirname, "py/packing_boundaries.py"), by.sft!.out]).toString(),
    );
    expect(packed.attention_mask_in_batch).toBe(false);
    expect(packed.packed_vs_alone).toBeLessThan(1e-4);
    expect(packed.unpacked_vs_alone).toBeGreaterThan(1e-3);
  }, 900_000);

  it("gguf: the plan and the payload refuse a checkpoint without tokenizer.model", async () => {
    const bare = path.join(work, "no-spm");
    await mkdir(bare, { recursive: true });
    for (const f of ["config.json", "tokenizer.json"])
      await writeFile(path.join(bare, f), await readFile(path.join(base, f)));
    await expect(
      planJob(catalog, { kind: "gguf", exportDir: exports.sft, modelPath: bare, python: PY }),
    ).rejects.toThrow(/has no tokenizer\.model/);
    const broken = path.join(work, "bad-spm");
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, "config.json"), await readFile(path.join(base, "config.json")));
    await writeFile(path.join(broken, "tokenizer.model"), "not a model");
    const job = await jobArgs({ kind: "gguf", exportDir: exports.sft, modelPath: broken });
    const ran = await runCommand(PY, [...job.args, "--preflight"]);
    expect(ran.rc).toBe(1);
    expect(ran.out).toMatch(/gguf: .*tokenizer\.model: not a SentencePiece model/);
  }, 120_000);
});

function missingLlmCompressor(): string | null {
  if (why) return why;
  try {
    execFileSync(PY, ["-c", "import llmcompressor"], { stdio: "pipe" });
    return null;
  } catch {
    return "llm-compressor is not installed here (absent from this machine's package index)";
  }
}
const noLlmc = missingLlmCompressor();
if (noLlmc && !why) console.warn(`payloads-torch: llm-compressor API check skipped: ${noLlmc}`);

describe.skipIf(noLlmc !== null)("quantize.py against the installed llm-compressor", () => {
  it("passes only keyword arguments that oneshot and the modifiers take (processor= among them)", () => {
    const got = JSON.parse(
      execFileSync(PY, [path.join(import.meta.dirname, "py/llmcompressor_api.py")]).toString(),
    );
    expect(got.missing_oneshot_kwargs).toEqual([]);
    expect(got.missing_modifier_fields).toEqual({ QuantizationModifier: [], GPTQModifier: [] });
  });
});
