import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { StageRef } from "@soro/core";
import { UsageError } from "@soro/core/base";
import type { Backend, CollectSummary } from "@soro/scale";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";
import { formatTable } from "../table.js";

/**
 * Stages the CLI knows by name: package, its module's URL and export (more join as their packages land). Each
 * `import.meta.resolve` names its package literally, so the build points it at the compiled module.
 */
const KNOWN_STAGES: Record<string, { pkg: string; resolve: () => string; exportName: string }> = {
  normalize: {
    pkg: "@soro/normalize/stage",
    resolve: () => import.meta.resolve("@soro/normalize/stage"),
    exportName: "normalizeStage",
  },
};

/** Finds a stage's module: `--module file.ts#export`, or a known stage by name. */
function resolveStage(name: string, moduleSpec?: string): StageRef {
  if (moduleSpec) {
    const [file = "", exportName] = moduleSpec.split("#");
    const url = /^[a-z]+:/.test(file) ? file : pathToFileURL(path.resolve(file)).href;
    return { module: url, exportName: exportName || `${name}Stage` };
  }
  const known = KNOWN_STAGES[name];
  if (!known)
    throw new UsageError(
      `soro run: unknown stage ${name}`,
      `use one of ${Object.keys(KNOWN_STAGES).join(", ")}, or pass --module <file.ts>#<export>`,
    );
  try {
    return { module: known.resolve(), exportName: known.exportName };
  } catch {
    throw new UsageError(
      `soro run: stage ${name} needs ${known.pkg}, which is not installed`,
      "run pnpm install",
    );
  }
}

/** Stage options from inline JSON or a YAML/JSON file. */
async function parseOptions(value?: string): Promise<unknown> {
  if (value === undefined) return null;
  if (existsSync(value)) return (await import("@soro/core")).loadConfigFile(value);
  try {
    return JSON.parse(value);
  } catch {
    throw new UsageError(
      `soro run: --options ${value} is neither a file nor JSON`,
      `write e.g. --options '{"minChars": 20}'`,
    );
  }
}

/** @soro/scale, imported when a scale command runs (it loads the S3 and Kubernetes clients). */
const scale = () => import("@soro/scale");

/** The command a task runs: the lean `run-task` entry of @soro/scale under this process's Node flags (tsx). */
async function taskCommand(): Promise<string[]> {
  return [process.execPath, ...process.execArgv, (await scale()).TASK_ENTRY];
}

interface RunFlags {
  backend: string;
  tasks: string;
  storage?: string;
  options?: string;
  module?: string;
  wait?: boolean;
  cpusPerTask: string;
  sbatchArg: string[];
  image?: string;
  namespace?: string;
  envSecret?: string;
  apply?: boolean;
  server?: string;
}

/** The backend named by --backend. */
async function makeBackend(o: RunFlags): Promise<Backend> {
  const { K8sBackend, ProcessBackend, SlurmBackend } = await scale();
  if (o.backend === "slurm")
    return new SlurmBackend({ cpusPerTask: Number(o.cpusPerTask), sbatchArgs: o.sbatchArg });
  if (o.backend === "process") return new ProcessBackend();
  if (o.backend === "k8s") {
    if (!o.image)
      throw new UsageError("soro run: --backend k8s needs --image", "name an image holding this repository");
    return new K8sBackend({
      image: o.image,
      namespace: o.namespace,
      envSecret: o.envSecret,
      apply: o.apply,
      connection: { server: o.server },
    });
  }
  throw new UsageError(`soro run: unknown --backend ${o.backend}`, "use local, process, slurm or k8s");
}

/** `soro run`, `soro run-task`, `soro collect`, `soro tasks`: stages as shard-parallel cluster tasks. */
export function registerScaleCommands(program: Command): void {
  program
    .command("run")
    .description("run a stage here, or as N shard-parallel tasks on Slurm, Kubernetes or local processes")
    .argument("<stage>", `stage name (${Object.keys(KNOWN_STAGES).join(", ")}) or any with --module`)
    .option("--backend <name>", "local (worker threads) | process | slurm | k8s", "local")
    .option("--tasks <n>", "cluster tasks to split the pending input shards into", "1")
    .option(
      "--storage <uri>",
      "shared folder or s3://bucket/prefix for plans and shards (default $SORO_STORAGE or <workspace>/storage)",
    )
    .option("--options <json|file>", "stage options as JSON or a YAML/JSON file")
    .option("--module <file#export>", "stage module and export (for stages the CLI does not know by name)")
    .option("--wait", "wait for the tasks, then register their results")
    .option("--cpus-per-task <n>", "slurm: CPUs per array task", "1")
    .option(
      "--sbatch-arg <arg>",
      "slurm: extra sbatch argument (repeatable)",
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option("--image <image>", "k8s: container image with this repository at the same path")
    .option("--namespace <ns>", "k8s: namespace")
    .option("--env-secret <name>", "k8s: Secret with the AWS credentials, passed as environment")
    .option("--apply", "k8s: create the Job through the Kubernetes API (default: only write the manifest)")
    .option("--server <url>", "k8s: API server address (default: the kubeconfig's current context)")
    .action(async (name: string, o: RunFlags, cmd: Command) => {
      const stage = resolveStage(name, o.module);
      const options = await parseOptions(o.options);
      const { collect, K8sBackend, submitStage } = await scale();
      await withCatalog(cmd, async (catalog) => {
        if (o.backend === "local") {
          const { runStage } = await import("@soro/core");
          await runStage({
            catalog,
            stage,
            options,
            workers: workerCount(cmd),
            progress: globals(cmd).quiet ? "quiet" : undefined,
          });
          return;
        }
        const backend = await makeBackend(o);
        const tasks = Number.parseInt(o.tasks, 10);
        if (!(tasks >= 1))
          throw new UsageError(
            `soro run: --tasks ${o.tasks} is not a positive number`,
            "write e.g. --tasks 4",
          );
        const storage = o.storage ?? process.env.SORO_STORAGE ?? path.join(catalog.ws.dir, "storage");
        const s = await submitStage({
          catalog,
          stage,
          options,
          storage,
          backend,
          tasks,
          taskCommand: await taskCommand(),
        });
        for (const c of s.collected)
          if (c.registered) console.error(`collected ${c.registered} earlier results of ${c.stage}`);
        if (!s.plan) {
          console.log(
            `run: ${s.stage}: nothing to submit (${s.alreadyDone} inputs done, ${s.inFlight} in flight)`,
          );
        } else {
          console.log(
            `run: ${s.stage}: ${s.submitted} input shards in ${s.plan.tasks} ${backend.name} tasks (job ${s.plan.job_id}); ${s.alreadyDone} done before, ${s.inFlight} in flight`,
          );
          if (backend instanceof K8sBackend && !o.apply)
            console.log(`manifest: ${backend.manifestPath} (kubectl apply -f it, then soro collect)`);
          if (o.wait) {
            if (!s.plan.job_id)
              throw new UsageError(
                `soro run: ${backend.name} named no job to wait for`,
                "follow it with `soro tasks`",
              );
            await backend.wait(s.plan.job_id, s.plan.tasks);
          }
        }
        if (o.wait) printCollect(await collect(catalog, { stage: s.stage }));
      });
    });

  program
    .command("run-task")
    .description(
      "run one task of a plan (what each Slurm array task or Kubernetes pod calls); never opens the catalog",
    )
    .requiredOption("--plan <uri>", "plan file (shared folder path or s3://)")
    .option("--index <n>", "task index (default $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)")
    .action(async (o: { plan: string; index?: string }, cmd: Command) => {
      const { runTask, taskIndexFromEnv } = await scale();
      const index = o.index !== undefined ? Number.parseInt(o.index, 10) : taskIndexFromEnv();
      if (index === undefined || Number.isNaN(index))
        throw new UsageError(
          "soro run-task: no task index",
          "pass --index or run it as a Slurm array task or Indexed Job pod",
        );
      const quiet = globals(cmd).quiet;
      const s = await runTask({
        plan: o.plan,
        index,
        onInput: (key, outcome, docs) =>
          quiet || console.error(`${outcome.padEnd(12)} ${key}${docs ? ` (${docs} docs)` : ""}`),
      });
      console.log(
        `run-task ${index}: ${s.processed} inputs processed, ${s.skipped} already done; ${s.docsIn} docs in, ${s.docsOut} out`,
      );
    });

  program
    .command("collect")
    .description(
      "register finished cluster task results in the catalog (exactly once) and activate complete runs",
    )
    .argument("[stage]", "only this stage")
    .action(async (stage: string | undefined, _o: unknown, cmd: Command) => {
      const { collect } = await scale();
      await withCatalog(cmd, async (catalog) => printCollect(await collect(catalog, { stage })));
    });

  program
    .command("push")
    .description(
      "publish a stage's active shards to storage (s3:// or a shared folder) with a manifest naming them",
    )
    .argument("<stage>", "stage whose active shards to publish")
    .requiredOption("--storage <uri>", "shared folder or s3://bucket/prefix")
    .action(async (stage: string, o: { storage: string }, cmd: Command) => {
      const { openStorage, pushStage } = await scale();
      await withCatalog(cmd, async (catalog) => {
        const p = await pushStage(catalog, openStorage(o.storage), stage);
        console.log(`push: ${stage}: ${p.shards.length} shards published to ${o.storage}`);
      });
    });

  program
    .command("pull")
    .description(
      "download a published stage's shards (sha256-checked) for SQL on this node; prints the read_parquet table",
    )
    .argument("<stage>", "published stage")
    .requiredOption("--storage <uri>", "shared folder or s3://bucket/prefix")
    .requiredOption("--to <dir>", "local folder for the shards")
    .action(async (stage: string, o: { storage: string; to: string }) => {
      const { openStorage, parquetTableSql, pullStage } = await scale();
      const files = await pullStage(openStorage(o.storage), stage, path.resolve(o.to));
      console.error(`pull: ${stage}: ${files.length} shards in ${o.to}`);
      console.log(parquetTableSql(files));
    });

  program
    .command("tasks")
    .description("cluster tasks of open runs: done, pending, running, failed")
    .argument("[stage]", "only this stage")
    .action(async (stage: string | undefined, _o: unknown, cmd: Command) => {
      const { K8sBackend, planStatusLine, SlurmBackend, taskStatus } = await scale();
      await withCatalog(cmd, async (catalog) => {
        const plans = await taskStatus(
          catalog,
          { slurm: new SlurmBackend(), k8s: new K8sBackend({ image: "" }) },
          stage,
        );
        if (plans.length === 0) console.log("no open cluster runs");
        for (const p of plans) {
          console.log(planStatusLine(p));
          console.log(
            formatTable(
              p.tasks.map((t) => ({
                task: t.index,
                state: t.state,
                inputs: t.inputs,
                finished: t.finished,
              })),
            ),
          );
        }
      });
    });
}

/** Prints what collect registered. */
function printCollect(summaries: CollectSummary[]): void {
  if (summaries.length === 0) console.log("collect: no open cluster runs");
  for (const c of summaries)
    console.log(
      `collect: ${c.stage}: ${c.registered} registered, ${c.duplicates} already registered, ${c.missing} missing${c.activated ? "; run activated" : ""}`,
    );
}
