import { SoroError } from "@soro/core";
import { endedBy, K8sClient, type K8sCondition, type K8sConnection, type K8sObject } from "@soro/scale";
import { stringify } from "yaml";
import type { Artefact, JobBackend, JobContext, JobHandle, Observed } from "./backend.js";
import { indexedJobManifests, k8sName, TRAINJOB, trainJobManifest } from "./k8s-manifest.js";

/** The scheduler id of a submitted job, or an error naming the job that has none. */
function schedulerId(job: JobHandle): string {
  if (!job.schedulerId)
    throw new SoroError(
      `soro train: job ${job.jobId} has no Kubernetes name: it was never submitted`,
      "submit it with `soro train submit`",
      2,
    );
  return job.schedulerId;
}

/**
 * Kubernetes through scale's API client: an Indexed Job with its headless Service, or a Kubeflow TrainJob.
 * Rendering needs no cluster; the client connects on the first call that does.
 */
export class K8sJobs implements JobBackend {
  readonly name = "k8s";
  /** The objects the API server returned at the last submission (dry run: what it would have created). */
  lastResponse: unknown[] = [];
  private readonly client: K8sClient;

  constructor(conn: K8sConnection = {}) {
    this.client = new K8sClient("soro train", conn);
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
    if (ctx.spec.k8s.flavour === "trainjob") {
      this.lastResponse = await this.client.create(namespace, [trainJobManifest(ctx)], TRAINJOB);
    } else {
      const { service, job } = indexedJobManifests(ctx);
      this.lastResponse = await this.client.create(namespace, [
        service.toJSON() as K8sObject,
        job.toJSON() as K8sObject,
      ]);
    }
    return k8sName(ctx.jobId);
  }

  async observe(job: JobHandle): Promise<Observed> {
    const name = schedulerId(job);
    const namespace = job.spec.k8s.namespace;
    if (job.spec.k8s.flavour === "trainjob") {
      const obj = (await this.client.customObject(TRAINJOB, namespace, name)) as {
        status?: { conditions?: K8sCondition[] };
      };
      return observed(obj.status?.conditions, false);
    }
    const j = await this.client.job(namespace, name);
    if (!j) return { state: "unknown", detail: `Kubernetes has no Job ${name} in namespace ${namespace}` };
    return observed(j.status?.conditions, (j.status?.active ?? 0) > 0);
  }

  async logs(job: JobHandle): Promise<string> {
    const selector =
      job.spec.k8s.flavour === "trainjob"
        ? `jobset.sigs.k8s.io/jobset-name=${job.schedulerId}`
        : `job-name=${job.schedulerId}`;
    return this.client.logs(job.spec.k8s.namespace, selector);
  }

  async cancel(job: JobHandle): Promise<void> {
    const name = schedulerId(job);
    const namespace = job.spec.k8s.namespace;
    if (job.spec.k8s.flavour === "trainjob") {
      await this.client.delete(namespace, { custom: TRAINJOB, name });
      return;
    }
    await this.client.delete(namespace, { kind: "Job", name });
    await this.client.delete(namespace, { kind: "Service", name });
  }
}

/** A Job's or TrainJob's state from its conditions and whether pods are active. */
function observed(conditions: K8sCondition[] | undefined, active: boolean): Observed {
  const ended = endedBy(conditions);
  if (ended?.state === "failed") return { state: "failed", detail: ended.message };
  if (ended) return { state: "completed", exitCode: 0 };
  return { state: active ? "running" : "pending" };
}
