import { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from "@kubernetes/client-node";
import { SoroError } from "@soro/core";
import { stringify } from "yaml";
import type { Artefact, JobBackend, JobContext, JobHandle, Observed } from "./backend.js";
import { indexedJobManifests, k8sName, TRAINJOB, trainJobManifest } from "./k8s-manifest.js";

/** How to reach the cluster: the kubeconfig's current context by default, or an API server address. */
export interface K8sConnection {
  kubeConfig?: KubeConfig;
  /** Ask the API server to validate and admit the objects without persisting them (`dryRun=All`). */
  dryRun?: boolean;
}

/** A KubeConfig for one API server address without credentials (a local proxy such as `kubectl proxy`). */
export function kubeConfigFor(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // Plain http (a local proxy) has no TLS to verify; the client refuses it otherwise.
    clusters: [{ name: "soro", server, skipTLSVerify: server.startsWith("http:") }],
    users: [{ name: "soro" }],
    contexts: [{ name: "soro", cluster: "soro", user: "soro" }],
    currentContext: "soro",
  });
  return kc;
}

function apiError(what: string, err: unknown): SoroError {
  const e = err as { code?: number; body?: string; message?: string };
  let reason = e.message ?? String(err);
  try {
    reason = (JSON.parse(e.body ?? "") as { message?: string }).message ?? reason;
  } catch {
    // The body was not a Kubernetes Status: keep the client's message.
  }
  return new SoroError(
    `soro train: ${what}: ${reason.split("\n")[0]}`,
    "check the kubeconfig context, the namespace and your permissions (`kubectl auth can-i create jobs`)",
    7,
  );
}

/** Kubernetes through @kubernetes/client-node: an Indexed Job with its headless Service, or a Kubeflow TrainJob. */
export class K8sJobs implements JobBackend {
  readonly name = "k8s";
  private loaded: KubeConfig | null = null;
  /** The objects the API server returned at the last submission (dry run: what it would have created). */
  lastResponse: unknown[] = [];

  constructor(private readonly conn: K8sConnection = {}) {}

  /** The cluster's config, loaded on first use so that rendering a plan needs no kubeconfig. */
  private get kc(): KubeConfig {
    if (!this.loaded) {
      this.loaded = this.conn.kubeConfig ?? new KubeConfig();
      if (!this.conn.kubeConfig) this.loaded.loadFromDefault();
    }
    return this.loaded;
  }

  render(ctx: JobContext): Artefact[] {
    if (ctx.spec.k8s.flavour === "trainjob") {
      return [{ name: "trainjob.yaml", text: stringify(trainJobManifest(ctx)) }];
    }
    const { service, job } = indexedJobManifests(ctx);
    return [{ name: "job.yaml", text: `${stringify(service.toJSON())}---\n${stringify(job.toJSON())}` }];
  }

  async submit(ctx: JobContext): Promise<string> {
    const namespace = ctx.spec.k8s.namespace;
    const dryRun = this.conn.dryRun ? "All" : undefined;
    this.lastResponse = [];
    try {
      if (ctx.spec.k8s.flavour === "trainjob") {
        const body = trainJobManifest(ctx);
        this.lastResponse.push(
          await this.kc
            .makeApiClient(CustomObjectsApi)
            .createNamespacedCustomObject({ ...TRAINJOB, namespace, body, dryRun }),
        );
      } else {
        const { service, job } = indexedJobManifests(ctx);
        this.lastResponse.push(
          await this.kc
            .makeApiClient(CoreV1Api)
            .createNamespacedService({ namespace, body: service.toJSON() as never, dryRun }),
        );
        this.lastResponse.push(
          await this.kc
            .makeApiClient(BatchV1Api)
            .createNamespacedJob({ namespace, body: job.toJSON() as never, dryRun }),
        );
      }
    } catch (err) {
      throw apiError(`creating ${k8sName(ctx.jobId)} in namespace ${namespace} failed`, err);
    }
    return k8sName(ctx.jobId);
  }

  async observe(job: JobHandle): Promise<Observed> {
    const name = job.schedulerId!;
    const namespace = job.spec.k8s.namespace;
    try {
      if (job.spec.k8s.flavour === "trainjob") {
        const obj = (await this.kc
          .makeApiClient(CustomObjectsApi)
          .getNamespacedCustomObjectStatus({ ...TRAINJOB, namespace, name })) as {
          status?: { conditions?: Array<{ type: string; status: string; message?: string }> };
        };
        return fromConditions(obj.status?.conditions ?? [], false);
      }
      const j = await this.kc.makeApiClient(BatchV1Api).readNamespacedJobStatus({ name, namespace });
      const s = j.status ?? {};
      const done = fromConditions(s.conditions ?? [], (s.active ?? 0) > 0);
      return done;
    } catch (err) {
      throw apiError(`reading ${name} in namespace ${namespace} failed`, err);
    }
  }

  async logs(job: JobHandle): Promise<string> {
    const namespace = job.spec.k8s.namespace;
    const core = this.kc.makeApiClient(CoreV1Api);
    const selector =
      job.spec.k8s.flavour === "trainjob"
        ? `jobset.sigs.k8s.io/jobset-name=${job.schedulerId}`
        : `job-name=${job.schedulerId}`;
    try {
      const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
      const parts: string[] = [];
      for (const pod of pods.items) {
        const name = pod.metadata?.name ?? "";
        parts.push(`==> ${name} <==\n${await core.readNamespacedPodLog({ name, namespace })}`);
      }
      return parts.join("\n");
    } catch (err) {
      throw apiError(`reading the logs of ${job.schedulerId} failed`, err);
    }
  }

  async cancel(job: JobHandle): Promise<void> {
    const name = job.schedulerId!;
    const namespace = job.spec.k8s.namespace;
    try {
      if (job.spec.k8s.flavour === "trainjob") {
        await this.kc
          .makeApiClient(CustomObjectsApi)
          .deleteNamespacedCustomObject({ ...TRAINJOB, namespace, name });
        return;
      }
      await this.kc
        .makeApiClient(BatchV1Api)
        .deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
      await this.kc.makeApiClient(CoreV1Api).deleteNamespacedService({ name, namespace });
    } catch (err) {
      throw apiError(`deleting ${name} in namespace ${namespace} failed`, err);
    }
  }
}

/** A Job's or TrainJob's state from its conditions (`Complete`/`Failed`) and whether pods are active. */
function fromConditions(
  conditions: Array<{ type: string; status: string; message?: string }>,
  active: boolean,
): Observed {
  const on = (t: string) => conditions.find((c) => c.type === t && c.status === "True");
  const failed = on("Failed");
  if (failed) return { state: "failed", detail: failed.message };
  if (on("Complete")) return { state: "completed", exitCode: 0 };
  return { state: active ? "running" : "pending" };
}
