import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { SoroError } from "@soro/core";
import { Job } from "kubernetes-models/batch/v1";
import { stringify } from "yaml";
import type { Backend, SchedulerState, SubmitRequest } from "./backend.js";

const run = promisify(execFile);

/** Settings of the Kubernetes Job beyond what the plan gives. */
export interface K8sOptions {
  /** Container image holding this repository at `workingDir` (the same code as the coordinator). */
  image: string;
  namespace?: string;
  /** Pods running at once (default: all tasks). */
  parallelism?: number;
  cpu?: string;
  memory?: string;
  /** A Secret whose keys become the task's environment (AWS credentials): never written into the manifest. */
  envSecret?: string;
  /** Run `kubectl apply` after writing the manifest. */
  apply?: boolean;
}

/** Environment variables passed on to the pods: where storage is, never who may read it. */
const PASSED_ENV = [
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
  "SORO_S3_PATH_STYLE",
];

/**
 * The Indexed Job for a plan: `completions` pods, each told its index by Kubernetes in JOB_COMPLETION_INDEX, which
 * `soro run-task` reads. Validated against the Kubernetes JSON schema (from kubernetes-models) before it is returned.
 */
export function indexedJobManifest(
  req: SubmitRequest,
  k: K8sOptions,
  env: NodeJS.ProcessEnv = process.env,
): Job {
  const labels = {
    "app.kubernetes.io/name": "soro",
    "app.kubernetes.io/component": "run-task",
    "soro/job": req.name,
  };
  const job = new Job({
    metadata: { name: req.name, namespace: k.namespace, labels },
    spec: {
      completionMode: "Indexed",
      completions: req.tasks,
      parallelism: Math.min(k.parallelism ?? req.tasks, req.tasks),
      // A failed pod is retried; the task skips inputs a previous attempt finished.
      backoffLimit: Math.max(3, req.tasks * 2),
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "run-task",
              image: k.image,
              workingDir: req.cwd,
              command: [...req.taskCommand, "--plan", req.planUri],
              env: PASSED_ENV.filter((n) => env[n] !== undefined).map((name) => ({
                name,
                value: env[name]!,
              })),
              envFrom: k.envSecret ? [{ secretRef: { name: k.envSecret } }] : undefined,
              resources: {
                requests: { cpu: k.cpu ?? "1", memory: k.memory ?? "2Gi" },
                limits: { memory: k.memory ?? "2Gi" },
              },
            },
          ],
        },
      },
    },
  });
  job.validate();
  return job;
}

/** Kubernetes Indexed Jobs: writes the manifest beside the logs and applies it with kubectl when asked. */
export class K8sBackend implements Backend {
  readonly name = "k8s";
  /** Where the last manifest was written. */
  manifestPath: string | null = null;

  constructor(private readonly opts: K8sOptions) {}

  async submit(req: SubmitRequest): Promise<string> {
    const job = indexedJobManifest(req, this.opts);
    await mkdir(req.logDir, { recursive: true });
    this.manifestPath = path.join(req.logDir, `${req.name}.yaml`);
    await writeFile(this.manifestPath, stringify(job.toJSON()));
    if (this.opts.apply) {
      try {
        await run("kubectl", ["apply", "-f", this.manifestPath]);
      } catch (err) {
        const e = err as NodeJS.ErrnoException & { stderr?: string };
        throw new SoroError(
          `soro run: kubectl apply -f ${this.manifestPath} failed: ${e.code === "ENOENT" ? "kubectl not found" : (e.stderr ?? e.message).trim()}`,
          "apply the manifest yourself, then `soro collect` once the pods have finished",
          7,
        );
      }
    }
    return req.name;
  }

  /** Kubernetes keeps its own pod states; soro judges the tasks by the results they wrote. */
  async states(_jobId: string, tasks: number): Promise<Map<number, SchedulerState>> {
    return new Map(Array.from({ length: tasks }, (_, i) => [i, "unknown"] as const));
  }

  async wait(): Promise<void> {}
}
