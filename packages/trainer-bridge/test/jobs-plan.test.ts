import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { Job } from "kubernetes-models/batch/v1";
import { Service } from "kubernetes-models/v1";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { formatPlan } from "../src/jobs/format.js";
import { PAYLOAD_DIR, PAYLOADS, REQUIREMENTS } from "../src/jobs/launch.js";
import { trainingMemory, usesFsdp } from "../src/jobs/memory.js";
import { GEMMA3, type ModelSize } from "../src/jobs/model.js";
import { planJob } from "../src/jobs/plan.js";
import { JOB_KINDS, type JobKind, type Resources, resolveSpec } from "../src/jobs/spec.js";
import { loadTokenizer, type Tokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";
import { jobExports } from "./jobs-fixtures.js";

let catalog: Catalog;
let tok: Tokenizer;
let exports: { megatron: string; sft: string };
// Debian's interpreter (python3-numpy), not whatever python3 is first on PATH.
const PY = "/usr/bin/python3";

beforeAll(async () => {
  ({ catalog } = await tajikWorkspace());
  tok = loadTokenizer();
  exports = await jobExports(catalog, tok);
}, 90_000);
afterAll(() => catalog.close());

const exportFor = (kind: JobKind) => (kind === "cpt" ? exports.megatron : exports.sft);

describe("payloads", () => {
  it("every kind has a payload and pinned requirements, and all compile with Debian's python3", () => {
    const files = readdirSync(PAYLOAD_DIR);
    for (const k of JOB_KINDS) {
      expect(files).toContain(PAYLOADS[k]);
      expect(files).toContain(REQUIREMENTS[k]);
    }
    for (const req of files.filter((f) => f.startsWith("requirements-"))) {
      const text = execFileSync("cat", [path.join(PAYLOAD_DIR, req)]).toString();
      for (const l of text.split("\n").filter((x) => x.trim() && !x.startsWith("#")))
        expect(l).toMatch(/^[\w.-]+==[\w.+]+$/);
    }
    const py = files.filter((f) => f.endsWith(".py")).map((f) => path.join(PAYLOAD_DIR, f));
    // Byte code goes to a scratch folder, not beside the sources.
    execFileSync(PY, ["-m", "py_compile", ...py], { env: { ...process.env, PYTHONPYCACHEPREFIX: tmpdir() } });
  });

  it("parses arguments on CPU without torch: --help, a missing config, a config of another kind", () => {
    for (const script of new Set(Object.values(PAYLOADS))) {
      const help = execFileSync(PY, [path.join(PAYLOAD_DIR, script), "--help"]).toString();
      expect(help).toContain("--data-check");
      expect(() => execFileSync(PY, [path.join(PAYLOAD_DIR, script)], { stdio: "pipe" })).toThrow(/--config/);
    }
  });
});

describe("plan", () => {
  it.each(JOB_KINDS.map((k) => [k]))(
    "%s: prints every field it must hold and renders valid artefacts",
    async (kind) => {
      const backend = kind === "cpt" ? "slurm" : kind === "sft" ? "k8s" : "local";
      const plan = await planJob(
        catalog,
        {
          kind,
          exportDir: exportFor(kind),
          backend,
          modelPath: kind === "cpt" || kind === "sft" ? undefined : "/ckpt/tg-1b",
        },
        { tokenizer: tok },
      );
      const text = formatPlan(plan);
      for (const field of [
        "inputs",
        "manifest sha256 ",
        "documents ",
        "mixture",
        "replay share",
        "model",
        "parameters 999885952",
        "tokenizer gemma3 sha256 ",
        "tokens per step",
        "steps",
        "estimated GPU-hours",
        "----- job.json -----",
      ]) {
        expect(text, field).toContain(field);
      }
      for (const f of plan.inputs.files)
        expect(text).toContain(`file ${f.path} ${f.bytes} bytes sha256 ${f.sha256}`);
      for (const a of plan.artefacts) expect(text).toContain(a.text.trim().split("\n")[0]);
      // FP8_DYNAMIC reads no data, only the checkpoint.
      expect(plan.inputs.files.length > 0).toBe(kind !== "quantize-fp8");
      expect(plan.inputs.catalogExport).toMatch(/^[0-9a-f]{16}$/);
      expect(plan.gpuHours).toBeGreaterThan(0);
      const job = JSON.parse(plan.artefacts[0]!.text);
      expect(job).toMatchObject({ soro_job: 1, kind, manifest_sha256: plan.inputs.manifestSha256 });
      if (kind === "cpt") {
        expect(text).toContain(`tokens ${plan.inputs.tokens}`);
        expect(plan.tokensPerStep).toBe(128 * 8192);
        expect(plan.steps).toBe(Math.ceil(plan.jobTokens / (128 * 8192)));
        expect(plan.replay).toEqual({ share: 0.2, source: "/data/english/fineweb_text_document" });
        expect(plan.inputs.tokensPerSource).toHaveProperty("web");
        const sbatch = plan.artefacts.find((a) => a.name === "job.sbatch")!.text;
        expect(sbatch).toContain("#SBATCH --gpus-per-node=8");
        expect(sbatch).toMatch(
          /srun --kill-on-bad-exit=1 torchrun --nnodes=1 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint="\$head_node:29500" --rdzv-id="\$SLURM_JOB_ID" \S+\/cpt.py --config \S+job.json/,
        );
        expect(job.megatron_prefixes.web).toBe("megatron/tg_web_text_document");
      }
      if (kind === "sft") {
        expect(plan.jobTokens).toBeGreaterThan(1000);
        expect(text).toContain("full weights");
        expect(text).toContain("chat template gemma3 sha256");
        const docs = parseAllDocuments(plan.artefacts.find((a) => a.name === "job.yaml")!.text).map((d) =>
          d.toJSON(),
        );
        new Service(docs[0]).validate();
        new Job(docs[1]).validate();
        expect(docs[1].spec).toMatchObject({ completionMode: "Indexed", completions: 1, parallelism: 1 });
        expect(docs[1].spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]).toBe("8");
      }
      if (kind === "quantize-fp8") expect(plan.estimate).toMatch(/weights only/);
    },
  );

  it("estimates memory per GPU, shards 4B/12B full training with FSDP, refuses a plan that cannot fit", async () => {
    const cases: Array<[ModelSize, Partial<Resources>, boolean, boolean]> = [
      ["1b", {}, false, true],
      ["4b", {}, true, true],
      ["12b", {}, true, true],
      // One GPU cannot shard: 12B's bf16 weights, gradients and AdamW moments alone are ~94 GB.
      ["12b", { nodes: 1, gpusPerNode: 1 }, false, false],
    ];
    for (const [model, resources, sharded, fits] of cases) {
      const input = { kind: "cpt" as const, exportDir: exports.megatron, model, resources, python: PY };
      const spec = resolveSpec(input);
      const m = trainingMemory(spec, GEMMA3[model], usesFsdp(spec));
      expect(m.sharded, model).toBe(sharded);
      expect(m.total).toBeCloseTo(m.weights + m.gradients + m.optimizer + m.activations + m.logits, 0);
      // Gemma 3's 262k vocabulary: logits of micro-batch × seq-len tokens in bf16 and fp32.
      expect(m.logits).toBe(spec.train.microBatch * spec.train.seqLen * 262_144 * 6);
      const plan = planJob(catalog, input);
      if (fits) {
        const p = await plan;
        expect(p.memory!.total).toBeLessThan(80e9);
        expect(JSON.parse(p.artefacts[0]!.text).train.fsdp).toBe(sharded);
        expect(formatPlan(p)).toMatch(/memory per GPU ~[\d.]+ GB of 80\.0 GB/);
      } else await expect(plan).rejects.toThrow(/needs about [\d.]+ GB per GPU.*more than the 80\.0 GB/);
    }
  });

  it("refuses an export without what the kind needs, naming it", async () => {
    await expect(planJob(catalog, { kind: "sft", exportDir: exports.megatron })).rejects.toThrow(
      /sft\/messages.jsonl/,
    );
    await expect(planJob(catalog, { kind: "cpt", exportDir: "/nonexistent" })).rejects.toThrow(
      /no manifest.json/,
    );
    await expect(
      planJob(catalog, { kind: "cpt", exportDir: exports.megatron, resources: { nodes: 3, gpusPerNode: 8 } }),
    ).rejects.toThrow(/not a multiple/);
  });

  it("renders a Kubeflow TrainJob whose Kubernetes parts validate, and multi-node rendezvous on pod 0", async () => {
    const tj = await planJob(catalog, {
      kind: "cpt",
      exportDir: exports.megatron,
      backend: "k8s",
      model: "12b",
      k8s: { flavour: "trainjob", pvc: "soro-data" },
    });
    const doc = parseAllDocuments(tj.artefacts[1]!.text)[0]!.toJSON();
    expect(doc).toMatchObject({ apiVersion: "trainer.kubeflow.org/v1alpha1", kind: "TrainJob" });
    expect(doc.spec.trainer.numNodes).toBe(2);
    expect(doc.spec.trainer.command[2]).toMatch(
      /^torchrun \/opt\/soro\/packages\/trainer-bridge\/jobs\/cpt.py --config /,
    );
    const ij = await planJob(catalog, {
      kind: "cpt",
      exportDir: exports.megatron,
      backend: "k8s",
      model: "12b",
    });
    const [, job] = parseAllDocuments(ij.artefacts[1]!.text).map((d) => d.toJSON());
    new Job(job).validate();
    expect(job.spec.completions).toBe(2);
    expect(job.spec.template.spec.containers[0].command[2]).toContain(
      `--rdzv-endpoint=${job.metadata.name}-0.${job.metadata.name}:29500`,
    );
    // The schema catches what Kubernetes would refuse.
    job.spec.completions = "two";
    expect(() => new Job(job).validate()).toThrow();
  });
});
