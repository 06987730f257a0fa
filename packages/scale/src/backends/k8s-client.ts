import type { KubeConfig, V1Job, V1Pod } from "@kubernetes/client-node";
import { SoroError } from "@soro/core";

/**
 * How to reach the cluster: the kubeconfig's current context by default (as kubectl does: $KUBECONFIG,
 * ~/.kube/config, or the pod's service account), or an API server address.
 */
export interface K8sConnection {
  /** An API server address without credentials, e.g. a local `kubectl proxy` (`http://127.0.0.1:8001`). */
  server?: string;
  /** Ask the API server to validate and admit the objects without persisting them (`dryRun=All`). */
  dryRun?: boolean;
}

/** Where a custom resource lives in the API (e.g. Kubeflow's TrainJob). */
export interface CustomResource {
  group: string;
  version: string;
  plural: string;
}

/** An object to create: a Service or a Job by their `kind`, anything else as the custom resource given. */
export interface K8sObject {
  kind?: string;
  metadata?: { name?: string };
}

type ClientModule = typeof import("@kubernetes/client-node");

/** A KubeConfig for one API server address without credentials. */
function kubeConfigFor(k8s: ClientModule, server: string): KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    // Plain http (a local proxy) has no TLS to verify; the client refuses it otherwise.
    clusters: [{ name: "soro", server, skipTLSVerify: server.startsWith("http:") }],
    users: [{ name: "soro" }],
    contexts: [{ name: "soro", cluster: "soro", user: "soro" }],
    currentContext: "soro",
  });
  return kc;
}

/** The HTTP status of a failed API call (404 for an object that does not exist), or null without an answer. */
export function apiStatus(err: unknown): number | null {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : null;
}

/**
 * Creates, reads and deletes Kubernetes objects through the API server with @kubernetes/client-node (loaded on
 * first use, so that rendering a manifest needs neither the library nor a kubeconfig). One client for the stage
 * Indexed Jobs of `soro run` and the GPU jobs of `soro train`; `command` names the soro command in its errors.
 *
 * Why the API and not kubectl: the client reads the same kubeconfig kubectl does, answers with typed objects
 * (Job status, pod phases and completion indexes) instead of text to parse, offers server-side dry run, and needs
 * no binary on the machine.
 */
export class K8sClient {
  private loaded: Promise<{ k8s: ClientModule; kc: KubeConfig }> | null = null;

  constructor(
    private readonly command: string,
    readonly conn: K8sConnection = {},
  ) {}

  private api(): Promise<{ k8s: ClientModule; kc: KubeConfig }> {
    this.loaded ??= import("@kubernetes/client-node").then((k8s) => {
      if (this.conn.server) return { k8s, kc: kubeConfigFor(k8s, this.conn.server) };
      const kc = new k8s.KubeConfig();
      kc.loadFromDefault();
      return { k8s, kc };
    });
    return this.loaded;
  }

  /** A failed call as one line naming the object, with what to check. */
  error(what: string, err: unknown): SoroError {
    const e = err as { body?: unknown; message?: string };
    let reason = e.message ?? String(err);
    try {
      reason = (JSON.parse(String(e.body ?? "")) as { message?: string }).message ?? reason;
    } catch {
      // The body was not a Kubernetes Status: keep the client's message.
    }
    return new SoroError(
      `${this.command}: ${what}: ${reason.split("\n")[0]}`,
      "check the kubeconfig context, the namespace and your permissions (`kubectl auth can-i create jobs`)",
      7,
    );
  }

  /** The namespace given, else the kubeconfig context's, else `default`. */
  async namespace(given?: string): Promise<string> {
    if (given) return given;
    const { kc } = await this.api();
    return kc.getContextObject(kc.getCurrentContext())?.namespace ?? "default";
  }

  /** Creates the objects in order (dry run when the connection says so); returns what the server answered. */
  async create(namespace: string, objects: K8sObject[], custom?: CustomResource): Promise<unknown[]> {
    const { k8s, kc } = await this.api();
    const dryRun = this.conn.dryRun ? "All" : undefined;
    const out: unknown[] = [];
    for (const body of objects) {
      try {
        if (body.kind === "Service")
          out.push(
            await kc.makeApiClient(k8s.CoreV1Api).createNamespacedService({ namespace, body, dryRun }),
          );
        else if (body.kind === "Job")
          out.push(await kc.makeApiClient(k8s.BatchV1Api).createNamespacedJob({ namespace, body, dryRun }));
        else if (custom)
          out.push(
            await kc
              .makeApiClient(k8s.CustomObjectsApi)
              .createNamespacedCustomObject({ ...custom, namespace, body, dryRun }),
          );
        else throw new Error(`no API known for kind ${body.kind}`);
      } catch (err) {
        throw this.error(
          `creating ${body.kind} ${body.metadata?.name} in namespace ${namespace} failed`,
          err,
        );
      }
    }
    return out;
  }

  /** A Job with its status, or null when the API server has none of that name. */
  async job(namespace: string, name: string): Promise<V1Job | null> {
    const { k8s, kc } = await this.api();
    try {
      return await kc.makeApiClient(k8s.BatchV1Api).readNamespacedJobStatus({ name, namespace });
    } catch (err) {
      if (apiStatus(err) === 404) return null;
      throw this.error(`reading Job ${name} in namespace ${namespace} failed`, err);
    }
  }

  /** A custom object with its status. */
  async customObject(custom: CustomResource, namespace: string, name: string): Promise<unknown> {
    const { k8s, kc } = await this.api();
    try {
      return await kc
        .makeApiClient(k8s.CustomObjectsApi)
        .getNamespacedCustomObjectStatus({ ...custom, namespace, name });
    } catch (err) {
      throw this.error(`reading ${custom.plural} ${name} in namespace ${namespace} failed`, err);
    }
  }

  /** The pods a label selector picks. */
  async pods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    const { k8s, kc } = await this.api();
    try {
      return (await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace, labelSelector })).items;
    } catch (err) {
      throw this.error(`listing the pods ${labelSelector} in namespace ${namespace} failed`, err);
    }
  }

  /** The logs of every pod a label selector picks, each under a `==> pod <==` line. */
  async logs(namespace: string, labelSelector: string): Promise<string> {
    const { k8s, kc } = await this.api();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const parts: string[] = [];
    for (const pod of await this.pods(namespace, labelSelector)) {
      const name = pod.metadata?.name ?? "";
      try {
        parts.push(`==> ${name} <==\n${await core.readNamespacedPodLog({ name, namespace })}`);
      } catch (err) {
        throw this.error(`reading the log of pod ${name} in namespace ${namespace} failed`, err);
      }
    }
    return parts.join("\n");
  }

  /** Deletes a Job (with its pods), a Service, or a custom object; one that is already gone is no error. */
  async delete(
    namespace: string,
    target: { kind: "Job" | "Service"; name: string } | { custom: CustomResource; name: string },
  ): Promise<void> {
    const { k8s, kc } = await this.api();
    const { name } = target;
    try {
      if ("custom" in target)
        await kc
          .makeApiClient(k8s.CustomObjectsApi)
          .deleteNamespacedCustomObject({ ...target.custom, namespace, name });
      else if (target.kind === "Job")
        await kc
          .makeApiClient(k8s.BatchV1Api)
          .deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" });
      else await kc.makeApiClient(k8s.CoreV1Api).deleteNamespacedService({ name, namespace });
    } catch (err) {
      if (apiStatus(err) === 404) return;
      throw this.error(`deleting ${name} in namespace ${namespace} failed`, err);
    }
  }
}

/** A condition of a Job's or TrainJob's status. */
export interface K8sCondition {
  type: string;
  status: string;
  message?: string;
}

/** How a Job or TrainJob ended by its conditions (`Failed` with its message, `Complete`), or null while it has not. */
export function endedBy(
  conditions: K8sCondition[] = [],
): { state: "completed" | "failed"; message?: string } | null {
  const on = (t: string) => conditions.find((c) => c.type === t && c.status === "True");
  const failed = on("Failed");
  if (failed) return { state: "failed", message: failed.message };
  if (on("Complete")) return { state: "completed" };
  return null;
}

/** The indexes of a Job's `completedIndexes` (`"0-2,5"` → 0, 1, 2, 5). */
export function parseIndexes(ranges: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (ranges ?? "").split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    for (let i = from; i <= Number(m[2] ?? from); i++) out.add(i);
  }
  return out;
}
