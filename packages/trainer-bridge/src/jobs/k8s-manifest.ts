import { SoroError, shellQuote } from "@soro/core";
import { Job } from "kubernetes-models/batch/v1";
import { EnvVar, ResourceRequirements, Service, Volume, VolumeMount } from "kubernetes-models/v1";
import type { JobContext } from "./backend.js";
import { isDistributed, PAYLOADS, payloadCommand } from "./launch.js";

/** The Kubernetes name of a soro job (a DNS label). */
export function k8sName(jobId: string): string {
  return `soro-${jobId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 63)
    .replace(/-+$/, "");
}

/** The payload folder inside the image. */
export function imagePayloadDir(ctx: JobContext): string {
  return `${ctx.spec.k8s.repoDir.replace(/\/$/, "")}/packages/trainer-bridge/jobs`;
}

function labels(ctx: JobContext): Record<string, string> {
  return {
    "app.kubernetes.io/name": "soro",
    "app.kubernetes.io/component": ctx.spec.kind,
    "soro/job": ctx.jobId,
  };
}

function resources(ctx: JobContext): ResourceRequirements {
  const r = ctx.spec.resources;
  const gpus = ctx.spec.dataCheck ? 0 : r.gpusPerNode;
  const memory = ctx.spec.dataCheck ? "2Gi" : "64Gi";
  return new ResourceRequirements({
    requests: { cpu: String(r.cpusPerTask), memory },
    limits: { memory, ...(gpus > 0 ? { "nvidia.com/gpu": String(gpus) } : {}) },
  });
}

function volumes(ctx: JobContext): { volumes: Volume[]; mounts: VolumeMount[] } {
  // NCCL and data loader workers need more shared memory than a container's 64 MB default.
  const vols = [new Volume({ name: "dshm", emptyDir: { medium: "Memory" } })];
  const mounts = [new VolumeMount({ name: "dshm", mountPath: "/dev/shm" })];
  if (ctx.spec.k8s.pvc) {
    vols.push(new Volume({ name: "data", persistentVolumeClaim: { claimName: ctx.spec.k8s.pvc } }));
    mounts.push(new VolumeMount({ name: "data", mountPath: ctx.spec.k8s.mountPath }));
  }
  return { volumes: vols, mounts };
}

function env(ctx: JobContext): EnvVar[] {
  return [new EnvVar({ name: "SORO_JOB_ID", value: ctx.jobId })];
}

/**
 * An Indexed Job of `nodes` pods (one torchrun each, node rank = completion index) and the headless Service that
 * gives pod 0 the DNS name the others meet at. Both are validated against the Kubernetes JSON schema.
 */
export function indexedJobManifests(ctx: JobContext): { service: Service; job: Job } {
  const name = k8sName(ctx.jobId);
  const n = ctx.spec.resources.nodes;
  const cmd = payloadCommand(ctx.spec, imagePayloadDir(ctx), ctx.configPath, {
    kind: "c10d",
    endpoint: `${name}-0.${name}:29500`,
    id: name,
  });
  const service = new Service({
    metadata: { name, namespace: ctx.spec.k8s.namespace, labels: labels(ctx) },
    spec: { clusterIP: "None", selector: { "soro/job": ctx.jobId }, ports: [{ name: "rdzv", port: 29500 }] },
  });
  const { volumes: vols, mounts } = volumes(ctx);
  const job = new Job({
    metadata: { name, namespace: ctx.spec.k8s.namespace, labels: labels(ctx) },
    spec: {
      completionMode: "Indexed",
      completions: n,
      parallelism: n,
      // A training step lost on one node fails the job: torchrun restarts are the place for retries.
      backoffLimit: 0,
      ttlSecondsAfterFinished: 7 * 24 * 3600,
      template: {
        metadata: { labels: labels(ctx) },
        spec: {
          subdomain: name,
          restartPolicy: "Never",
          volumes: vols,
          containers: [
            {
              name: "payload",
              image: ctx.spec.k8s.image,
              workingDir: ctx.jobDir,
              command: ["bash", "-c", `set -o pipefail; exec ${cmd}`],
              env: env(ctx),
              resources: resources(ctx),
              volumeMounts: mounts,
              ports: isDistributed(ctx.spec) ? [{ containerPort: 29500, name: "rdzv" }] : undefined,
            },
          ],
        },
      },
    },
  });
  service.validate();
  job.validate();
  return { service, job };
}

/** The API group, version and plural of Kubeflow Trainer's TrainJob. */
export const TRAINJOB = { group: "trainer.kubeflow.org", version: "v1alpha1", plural: "trainjobs" } as const;

/**
 * A Kubeflow Trainer TrainJob on a torch runtime (the runtime sets torchrun's PET_* rendezvous variables). Its
 * Kubernetes parts (env, resources, volumes) are validated against the core schema; the CRD's own fields are
 * checked here since no schema for it ships in a package.
 */
export function trainJobManifest(ctx: JobContext): Record<string, unknown> {
  const script = `${imagePayloadDir(ctx)}/${PAYLOADS[ctx.spec.kind]}`;
  const args = [script, "--config", ctx.configPath, ...(ctx.spec.dataCheck ? ["--data-check"] : [])];
  const launcher = isDistributed(ctx.spec) ? ["torchrun"] : [ctx.spec.python];
  const { volumes: vols, mounts } = volumes(ctx);
  const res = resources(ctx);
  const envs = env(ctx);
  for (const part of [res, ...envs, ...vols, ...mounts]) part.validate();
  const name = k8sName(ctx.jobId);
  const manifest = {
    apiVersion: `${TRAINJOB.group}/${TRAINJOB.version}`,
    kind: "TrainJob",
    metadata: { name, namespace: ctx.spec.k8s.namespace, labels: labels(ctx) },
    spec: {
      runtimeRef: { name: ctx.spec.k8s.runtime },
      trainer: {
        image: ctx.spec.k8s.image,
        command: ["bash", "-c", [...launcher, ...args].map(shellQuote).join(" ")],
        numNodes: ctx.spec.resources.nodes,
        resourcesPerNode: res.toJSON(),
        env: envs.map((e) => e.toJSON()),
      },
      podSpecOverrides: [
        {
          targetJobs: [{ name: "node" }],
          volumes: vols.map((v) => v.toJSON()),
          containers: [{ name: "node", volumeMounts: mounts.map((m) => m.toJSON()) }],
        },
      ],
    },
  };
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || manifest.spec.trainer.numNodes < 1) {
    throw new SoroError(
      `soro train: TrainJob ${name} is not valid`,
      "use a lowercase job name and >= 1 node",
      2,
    );
  }
  return manifest;
}
