import { fileURLToPath } from "node:url";
import { shellQuote } from "@soro/core";
import type { JobKind, JobSpec } from "./spec.js";

/** The folder of the Python payloads in this checkout. */
export const PAYLOAD_DIR = fileURLToPath(new URL("../../jobs/", import.meta.url));

/** Payload script of each kind (names chosen not to shadow the packages they import, e.g. `gguf`, `evaluate`). */
export const PAYLOADS: Record<JobKind, string> = {
  cpt: "cpt.py",
  sft: "sft.py",
  "quantize-fp8": "quantize.py",
  "quantize-int4": "quantize.py",
  gguf: "to_gguf.py",
  eval: "run_eval.py",
};

/** Pinned requirements of each kind, beside the payloads. */
export const REQUIREMENTS: Record<JobKind, string> = {
  cpt: "requirements-train.txt",
  sft: "requirements-train.txt",
  "quantize-fp8": "requirements-quantize.txt",
  "quantize-int4": "requirements-quantize.txt",
  gguf: "requirements-gguf.txt",
  eval: "requirements-eval.txt",
};

/** Training kinds run one process per GPU under torchrun; the rest are one process. */
export function isDistributed(spec: JobSpec): boolean {
  return (spec.kind === "cpt" || spec.kind === "sft") && !spec.dataCheck && spec.resources.gpusPerNode > 0;
}

/** Where a job's rendezvous comes from: Slurm's first node, a Kubernetes pod name, or this machine. */
export type Rendezvous = { kind: "standalone" } | { kind: "c10d"; endpoint: string; id: string };

/**
 * The payload's command line as words (shell text allowed in `endpoint`/`id`, e.g. `"$head:29500"`): torchrun for
 * distributed training, the plain interpreter otherwise and for data checks.
 */
export function payloadCommand(
  spec: JobSpec,
  payloadDir: string,
  configPath: string,
  rdzv: Rendezvous,
): string {
  const script = `${payloadDir.replace(/\/$/, "")}/${PAYLOADS[spec.kind]}`;
  const args = [script, "--config", configPath, ...(spec.dataCheck ? ["--data-check"] : [])].map(shellQuote);
  if (!isDistributed(spec)) return [shellQuote(spec.python), ...args].join(" ");
  // torchrun from the environment the requirements were installed into (it runs that environment's Python).
  const tr = ["torchrun"];
  if (rdzv.kind === "standalone") {
    tr.push("--standalone", `--nproc-per-node=${spec.resources.gpusPerNode}`);
  } else {
    tr.push(
      `--nnodes=${spec.resources.nodes}`,
      `--nproc-per-node=${spec.resources.gpusPerNode}`,
      "--rdzv-backend=c10d",
      `--rdzv-endpoint=${rdzv.endpoint}`,
      `--rdzv-id=${rdzv.id}`,
    );
  }
  return [...tr, ...args].join(" ");
}
