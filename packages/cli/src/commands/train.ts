import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { UsageError } from "@soro/core/base";
import type { JobKind, JobRecord, JobSpecInput, K8sJobs } from "@soro/trainer-bridge";
import type { Command } from "commander";
import { globals, withCatalog } from "../context.js";
import { formatTable } from "../table.js";

interface SpecFlags {
  export?: string;
  config?: string;
  backend?: string;
  model?: string;
  modelPath?: string;
  tiny?: boolean;
  out?: string;
  dataCheck?: boolean;
  maxSteps?: string;
  seqLen?: string;
  batch?: string;
  microBatch?: string;
  lr?: string;
  lora?: boolean;
  full?: boolean;
  packing?: boolean;
  epochs?: string;
  tokens?: string;
  replayShare?: string;
  replaySource?: string;
  nodes?: string;
  gpus?: string;
  cpus?: string;
  time?: string;
  partition?: string;
  python?: string;
  sbatchArg?: string[];
  k8sFlavour?: string;
  image?: string;
  namespace?: string;
  pvc?: string;
  task?: string[];
  jobsDir?: string;
}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n))
    throw new UsageError(`soro train: ${flag} ${v} is not a number`, `pass a number to ${flag}`);
  return n;
}

/** The job spec from a config file (YAML/JSON, same fields as JobSpecInput) overlaid with flags. */
async function specFrom(kind: string, o: SpecFlags): Promise<JobSpecInput> {
  const { loadConfigFile } = await import("@soro/core");
  const file = (o.config ? await loadConfigFile(o.config) : {}) as Partial<JobSpecInput>;
  const defined = <T extends object>(x: T) =>
    Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as Partial<T>;
  const lora = o.lora ? { r: 16, alpha: 32, dropout: 0.05 } : o.full ? null : undefined;
  return {
    ...file,
    ...defined({
      kind: kind as JobKind,
      exportDir: o.export ?? file.exportDir,
      backend: o.backend as JobSpecInput["backend"],
      model: o.model as JobSpecInput["model"],
      modelPath: o.modelPath,
      tiny: o.tiny,
      outDir: o.out,
      dataCheck: o.dataCheck,
      maxSteps: num(o.maxSteps, "--max-steps"),
      python: o.python,
      sbatchArgs: o.sbatchArg?.length ? o.sbatchArg : undefined,
      evalTasks: o.task?.length ? o.task : undefined,
    }),
    kind: kind as JobKind,
    exportDir: (o.export ?? file.exportDir) as string,
    train: {
      ...file.train,
      ...defined({
        seqLen: num(o.seqLen, "--seq-len"),
        globalBatch: num(o.batch, "--batch"),
        microBatch: num(o.microBatch, "--micro-batch"),
        learningRate: num(o.lr, "--lr"),
        lora,
        packing: o.packing,
        epochs: num(o.epochs, "--epochs"),
        tokens: num(o.tokens, "--tokens"),
        replayShare: num(o.replayShare, "--replay-share"),
        replaySource: o.replaySource,
      }),
    },
    resources: {
      ...file.resources,
      ...defined({
        nodes: num(o.nodes, "--nodes"),
        gpusPerNode: num(o.gpus, "--gpus"),
        cpusPerTask: num(o.cpus, "--cpus"),
        time: o.time,
        partition: o.partition,
      }),
    },
    k8s: {
      ...file.k8s,
      ...defined({
        flavour: o.k8sFlavour as "indexed-job" | "trainjob" | undefined,
        image: o.image,
        namespace: o.namespace,
        pvc: o.pvc,
      }),
    },
  };
}

function specOptions(cmd: Command): Command {
  return cmd
    .argument("<kind>", "cpt | sft | quantize-fp8 | quantize-int4 | gguf | eval")
    .option("--export <dir>", "export folder the job reads (manifest.json at its root)")
    .option("--config <file>", "job config (YAML/JSON with the JobSpecInput fields); flags override it")
    .option("--backend <name>", "local | slurm | k8s (default local)")
    .option("--model <size>", "Gemma 3 size: 1b | 4b | 12b (default 1b)")
    .option("--model-path <path>", "checkpoint to start from, quantize, convert or evaluate")
    .option("--tiny", "random-init tiny Gemma 3 (smoke runs)")
    .option("--out <dir>", "output folder (default <job folder>/output)")
    .option(
      "--data-check",
      "CPU only: open the export, count documents and tokens, compare with the manifest",
    )
    .option("--max-steps <n>", "stop after n optimizer steps")
    .option("--seq-len <n>", "sequence length")
    .option("--batch <n>", "global batch in sequences")
    .option("--micro-batch <n>", "sequences per GPU per pass")
    .option("--lr <x>", "peak learning rate")
    .option("--lora", "LoRA (r=16, alpha=32) instead of full weights")
    .option("--full", "full weights instead of LoRA")
    .option("--no-packing", "one document per sequence")
    .option("--epochs <n>", "passes over the data")
    .option("--tokens <n>", "training tokens (default: the manifest's train_tokens)")
    .option("--replay-share <x>", "English replay share of training sequences (cpt)")
    .option("--replay-source <path>", "English replay data (Megatron prefix)")
    .option("--nodes <n>", "nodes")
    .option("--gpus <n>", "GPUs per node")
    .option("--cpus <n>", "CPUs per task")
    .option("--time <limit>", "wall-clock limit (Slurm form, e.g. 2-00:00:00)")
    .option("--partition <name>", "Slurm partition")
    .option("--python <path>", "Python interpreter of the payload (default python3)")
    .option("--sbatch-arg <arg...>", "extra sbatch arguments")
    .option("--k8s-flavour <name>", "indexed-job | trainjob")
    .option("--image <image>", "container image (k8s)")
    .option("--namespace <ns>", "Kubernetes namespace")
    .option("--pvc <claim>", "PersistentVolumeClaim with the workspace (k8s)")
    .option("--task <name...>", "lm-eval tasks (default: all in the export's eval/)")
    .option("--jobs-dir <dir>", "where job folders go (default <workspace>/jobs; shared with the nodes)")
    .option("--server <url>", "Kubernetes API server address (default: kubeconfig's current context)");
}

/** The trainer bridge, imported when a train command runs (it loads the Kubernetes client and the tokenizer). */
const bridge = () => import("@soro/trainer-bridge");

async function k8sFor(o: { server?: string; dryRun?: boolean }): Promise<K8sJobs> {
  const { K8sJobs } = await bridge();
  return new K8sJobs({ server: o.server, dryRun: o.dryRun });
}

function line(j: JobRecord): string {
  return `${j.jobId}\t${j.kind}\t${j.backend}\t${j.schedulerId ?? "-"}\t${j.state}${j.exitCode === null ? "" : ` (exit ${j.exitCode})`}\t${j.updatedAt}`;
}

/** The payload's step records (one JSON line per optimizer step) as table rows. */
function stepRows(recs: Array<Record<string, unknown>>): Record<string, unknown>[] {
  const round = (v: unknown, digits: number) => (typeof v === "number" ? Number(v.toFixed(digits)) : null);
  return recs
    .filter((r) => r.msg === "step")
    .map((r) => ({
      step: r.step ?? null,
      loss: round(r.loss, 4),
      tokens: r.tokens ?? null,
      "tokens/s": round(r.tokens_per_s, 1),
      mfu: round(r.mfu, 4),
      "peak MiB": typeof r.peak_memory_bytes === "number" ? Math.round(r.peak_memory_bytes / 2 ** 20) : null,
    }));
}

/** `soro train plan|submit|status|logs|cancel`: GPU jobs over the exports, on local, Slurm or Kubernetes. */
export function registerTrainCommands(program: Command): void {
  const train = program
    .command("train")
    .description("plan, submit and follow GPU jobs (cpt, sft, quantization, gguf, eval)");

  specOptions(train.command("plan").description("print what a job would do; changes nothing")).action(
    async (kind: string, o: SpecFlags & { server?: string }, cmd: Command) => {
      await withCatalog(
        cmd,
        async (c) => {
          const { formatPlan, planJob } = await bridge();
          const plan = await planJob(c, await specFrom(kind, o), {
            k8s: await k8sFor(o),
            jobsDir: o.jobsDir,
          });
          process.stdout.write(formatPlan(plan));
        },
        { readOnly: true },
      );
    },
  );

  specOptions(train.command("submit").description("plan, write the job folder, submit and record the job"))
    .option("--dry-run", "k8s: server-side dry run (nothing is created or recorded)")
    .option("--wait", "follow the job until it finishes")
    .action(
      async (
        kind: string,
        o: SpecFlags & { server?: string; dryRun?: boolean; wait?: boolean },
        cmd: Command,
      ) => {
        await withCatalog(cmd, async (c) => {
          const { planJob, submitJob, waitForJobs } = await bridge();
          const k8s = await k8sFor(o);
          const plan = await planJob(c, await specFrom(kind, o), { k8s, jobsDir: o.jobsDir });
          const job = await submitJob(c, plan, { k8s }, { dryRun: o.dryRun });
          if (!job) {
            console.log(`dry run: the API server accepted ${plan.jobId}`);
            console.log(JSON.stringify(k8s.lastResponse, null, 2));
            return;
          }
          console.log(line(job));
          if (o.wait) {
            const [done = job] = await waitForJobs(c, [job.jobId], { backends: { k8s } });
            console.log(line(done));
            if (done.state !== "completed") {
              if (done.detail) console.error(done.detail);
              process.exitCode = 1;
            }
          }
        });
      },
    );

  train
    .command("status [job]")
    .description("jobs and their states, asked from their schedulers (one job: its events too)")
    .option("--server <url>", "Kubernetes API server address")
    .action(async (id: string | undefined, o: { server?: string }, cmd: Command) => {
      await withCatalog(cmd, async (c) => {
        const { getJob, jobEvents, listJobs, refreshJob } = await bridge();
        const k8s = await k8sFor(o);
        const jobs = id ? [await getJob(c, id)] : await listJobs(c);
        for (const j of jobs) {
          const now = await refreshJob(c, j, { k8s });
          console.log(line(now));
          if (id) {
            for (const e of await jobEvents(c, now.jobId))
              console.log(`  ${e.at} ${e.state} ${e.detail ?? ""}`);
            if (now.state === "failed" && now.detail) console.log(now.detail);
          }
        }
        if (!jobs.length && !globals(cmd).quiet)
          console.error("no jobs yet: `soro train submit KIND --export DIR`");
      });
    });

  train
    .command("logs <job>")
    .description("the job's log")
    .option("-n, --lines <n>", "only the last n lines")
    .option("--steps", "only the training steps, as a table (loss, tokens/s, MFU, peak memory)")
    .option("--server <url>", "Kubernetes API server address")
    .action(async (id: string, o: { lines?: string; steps?: boolean; server?: string }, cmd: Command) => {
      await withCatalog(
        cmd,
        async (c) => {
          const { getJob, jobLogs, payloadLog, tail } = await bridge();
          const text = await jobLogs(await getJob(c, id), { k8s: await k8sFor(o) });
          if (o.steps) process.stdout.write(`${formatTable(stepRows(payloadLog(text)))}\n`);
          else process.stdout.write(o.lines ? `${tail(text, Number(o.lines))}\n` : text);
        },
        { readOnly: true },
      );
    });

  train
    .command("cancel <job>")
    .description("cancel a job that has not finished")
    .option("--server <url>", "Kubernetes API server address")
    .action(async (id: string, o: { server?: string }, cmd: Command) => {
      await withCatalog(cmd, async (c) => {
        const { cancelJob, getJob } = await bridge();
        console.log(line(await cancelJob(c, await getJob(c, id), { k8s: await k8sFor(o) })));
      });
    });

  train
    .command("smoke")
    .description(
      "run every payload end to end on a tiny random Gemma 3 with Gemma 3's tokenizer: a node check in minutes",
    )
    .requiredOption("--export <dir>", "a Megatron export (soro bridge export --format megatron)")
    .requiredOption(
      "--sft-export <dir>",
      "an SFT export with calibration sets and an eval task (soro bridge export --sft)",
    )
    .option("--device <name>", "cuda | cpu (default: CUDA when there is one)", "auto")
    .option("--python <path>", "interpreter with the payloads' requirements installed", "python3")
    .option("--steps <n>", "optimizer steps for cpt and sft", "4")
    .option("--work <dir>", "scratch folder for the tiny model and outputs (default: a new temporary folder)")
    .action(
      async (
        o: {
          export: string;
          sftExport: string;
          device: string;
          python: string;
          steps: string;
          work?: string;
        },
        cmd: Command,
      ) => {
        const device = o.device as "auto" | "cpu" | "cuda";
        if (!["auto", "cpu", "cuda"].includes(device))
          throw new UsageError(
            `soro train smoke: unknown device ${o.device}`,
            "use --device cuda or --device cpu",
          );
        const steps = num(o.steps, "--steps");
        if (!steps || steps < 1 || !Number.isInteger(steps))
          throw new UsageError(`soro train smoke: --steps ${o.steps}`, "pass a positive integer");
        const workDir = o.work ? path.resolve(o.work) : await mkdtemp(path.join(tmpdir(), "soro-smoke-"));
        console.log(`smoke: ${device} device, work folder ${workDir}`);
        await withCatalog(
          cmd,
          async (c) => {
            const { smokeLine, smokeRun } = await bridge();
            const results = await smokeRun(c, {
              megatronExport: o.export,
              sftExport: o.sftExport,
              python: o.python,
              device,
              workDir,
              steps,
              onResult: (r) => console.log(smokeLine(r)),
            });
            const failed = results.filter((r) => r.rc !== 0 && !r.skipped);
            if (failed.length) {
              process.exitCode = 1;
              console.log(`smoke: ${failed.length} failed (${failed.map((r) => r.step).join(", ")})`);
            } else console.log("smoke: ok");
          },
          { readOnly: true },
        );
      },
    );
}
