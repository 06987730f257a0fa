import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Job } from "kubernetes-models/batch/v1";
import { stringify } from "yaml";
import { type Backend, type SchedulerState, type SubmitRequest, waitUntilGone } from "./backend.js";
import { endedBy, K8sClient, type K8sConnection, type K8sObject, parseIndexes } from "./k8s-client.js";

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
  /** Create the Job through the API server after writing the manifest (default: only write it). */
  apply?: boolean;
  /** How to reach the API server (default: the kubeconfig's current context). */
  connection?: K8sConnection;
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
              env: PASSED_ENV.flatMap((name) => {
                const value = env[name];
                return value === undefined ? [] : [{ name, value }];
              }),
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

/** The annotation (and label) Kubernetes gives each pod of an Indexed Job: its completion index. */
const COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

/** A pod's phase as a task state; a pod that ended leaves its index to the Job (done, or retried in a new pod). */
const PHASE: Record<string, SchedulerState> = { Pending: "pending", Running: "running" };

/**
 * Kubernetes Indexed Jobs: writes the manifest beside the logs and, when asked, creates the Job through the API
 * server; task states come from the Job's status and its pods. The job id is `namespace/name` when a namespace was
 * given, else the name (the kubeconfig context's namespace).
 */
export class K8sBackend implements Backend {
  readonly name = "k8s";
  /** Where the last manifest was written. */
  manifestPath: string | null = null;
  private readonly client: K8sClient;

  constructor(private readonly opts: K8sOptions) {
    this.client = new K8sClient("soro run", opts.connection);
  }

  async submit(req: SubmitRequest): Promise<string> {
    const job = indexedJobManifest(req, this.opts);
    await mkdir(req.logDir, { recursive: true });
    this.manifestPath = path.join(req.logDir, `${req.name}.yaml`);
    await writeFile(this.manifestPath, stringify(job.toJSON()));
    if (this.opts.apply)
      await this.client.create(await this.client.namespace(this.opts.namespace), [job.toJSON() as K8sObject]);
    return this.opts.namespace ? `${this.opts.namespace}/${req.name}` : req.name;
  }

  /**
   * Each index's state: gone once the Job completed it or ended, else its live pod's phase, else pending (the Job
   * controller has yet to start it). Unknown for every index while the API server cannot say (no cluster, no Job
   * of that name: a manifest not applied yet), as Slurm's are without squeue.
   */
  async states(jobId: string, tasks: number): Promise<Map<number, SchedulerState>> {
    const [given, name] = jobId.includes("/") ? jobId.split("/", 2) : [undefined, jobId];
    const out = new Map<number, SchedulerState>();
    const all = (s: SchedulerState) => {
      for (let i = 0; i < tasks; i++) out.set(i, s);
      return out;
    };
    let job: Awaited<ReturnType<K8sClient["job"]>>;
    let pods: Awaited<ReturnType<K8sClient["pods"]>>;
    try {
      const namespace = await this.client.namespace(given);
      job = await this.client.job(namespace, name ?? jobId);
      if (!job) return all("unknown");
      if (endedBy(job.status?.conditions)) return all("gone");
      pods = await this.client.pods(namespace, `job-name=${name ?? jobId}`);
    } catch {
      return all("unknown");
    }
    all("pending");
    for (const i of parseIndexes(job.status?.completedIndexes)) out.set(i, "gone");
    for (const pod of pods) {
      const index = Number(
        pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX],
      );
      const state = PHASE[pod.status?.phase ?? ""];
      // A running pod wins over a pending retry of the same index.
      if (state && out.get(index) !== "gone" && out.get(index) !== "running") out.set(index, state);
    }
    return out;
  }

  wait(jobId: string, tasks: number, pollMs = 2000): Promise<void> {
    return waitUntilGone(this, jobId, tasks, pollMs);
  }
}
