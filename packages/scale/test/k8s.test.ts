import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { indexedJobManifest, K8sBackend, type SubmitRequest } from "../src/index.js";
import { type KubeObject, startKubeApi } from "../src/testing.js";

const req: SubmitRequest = {
  name: "soro-length-3fe48004-r2",
  planUri: "s3://corpus/soro/stages/length/3fe48004/plans/length-3fe48004-r2.json",
  tasks: 3,
  taskCommand: ["node", "--import", "tsx", "packages/cli/src/main.ts", "run-task"],
  cwd: "/app",
  logDir: "/tmp/logs",
};

describe("Kubernetes Indexed Job", () => {
  it("is valid against the Kubernetes JSON schema and carries no credentials", () => {
    const env = {
      AWS_ENDPOINT_URL: "http://minio:9000",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_REGION: "eu-1",
    };
    const job = indexedJobManifest(req, { image: "soro:dev", envSecret: "soro-s3", parallelism: 2 }, env);
    expect(job.spec?.completionMode).toBe("Indexed");
    expect(job.spec?.completions).toBe(3);
    expect(job.spec?.parallelism).toBe(2);
    const container = job.spec!.template.spec!.containers[0]!;
    expect(container.command).toEqual([...req.taskCommand, "--plan", req.planUri]);
    expect(container.env?.map((e) => e.name).sort()).toEqual(["AWS_ENDPOINT_URL", "AWS_REGION"]);
    expect(JSON.stringify(job)).not.toContain('secret"');
    expect(container.envFrom).toEqual([{ secretRef: { name: "soro-s3" } }]);
  });

  it("rejects a manifest the schema does not allow", () => {
    const parallelism = "all" as unknown as number;
    expect(() => indexedJobManifest(req, { image: "soro:dev", parallelism })).toThrow(
      /parallelism must be integer/,
    );
  });
});

describe("K8sBackend through the API server", () => {
  const JOBS = "/apis/batch/v1/namespaces/batch/jobs";
  const PODS = "/api/v1/namespaces/batch/pods";
  const pod = (index: number, phase: string, attempt = 0): KubeObject => ({
    metadata: {
      name: `${req.name}-${index}-${attempt}`,
      labels: { "job-name": req.name },
      annotations: { "batch.kubernetes.io/job-completion-index": String(index) },
    },
    status: { phase },
  });
  /** A stand-in API server and a backend that creates its Jobs there, in namespace `batch`. */
  const applying = async () => {
    const api = await startKubeApi();
    const logDir = await mkdtemp(path.join(tmpdir(), "soro-k8s-"));
    const connection = { server: api.server };
    return {
      api,
      logDir,
      backend: new K8sBackend({ image: "soro:dev", namespace: "batch", apply: true, connection }),
    };
  };

  it("creates the Indexed Job, reads each index's state from the Job and its pods, and waits", async () => {
    const { api, backend, logDir } = await applying();
    try {
      const jobId = await backend.submit({ ...req, logDir });
      expect(jobId).toBe(`batch/${req.name}`);
      expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`POST ${JOBS}`]);
      expect(api.get(JOBS, req.name)?.spec).toMatchObject({ completionMode: "Indexed", completions: 3 });
      expect(await readFile(backend.manifestPath ?? "", "utf8")).toContain("completionMode: Indexed");

      // No pod yet: the Job controller has still to start every index.
      expect([...(await backend.states(jobId, 3)).values()]).toEqual(["pending", "pending", "pending"]);
      const job = api.get(JOBS, req.name);
      if (!job) throw new Error("the Job was not created");
      job.status = { active: 2, completedIndexes: "0" };
      api.put(PODS, pod(0, "Succeeded"));
      api.put(PODS, pod(1, "Failed"));
      api.put(PODS, pod(1, "Running", 1));
      api.put(PODS, pod(2, "Pending"));
      expect(Object.fromEntries(await backend.states(jobId, 3))).toEqual({
        0: "gone",
        1: "running",
        2: "pending",
      });

      const waited = backend.wait(jobId, 3, 20);
      job.status = { completedIndexes: "0-2", conditions: [{ type: "Complete", status: "True" }] };
      await waited;
      expect(Object.fromEntries(await backend.states(jobId, 3))).toEqual({ 0: "gone", 1: "gone", 2: "gone" });
    } finally {
      await api.close();
    }
  });

  it("says unknown for a Job the server does not have and for a server that does not answer", async () => {
    const api = await startKubeApi();
    const backend = new K8sBackend({ image: "soro:dev", connection: { server: api.server } });
    try {
      expect([...(await backend.states("batch/never-applied", 2)).values()]).toEqual(["unknown", "unknown"]);
    } finally {
      await api.close();
    }
    expect([...(await backend.states("batch/any", 1)).values()]).toEqual(["unknown"]);
  });

  it("names the Job and the server's reason when creating fails", async () => {
    const { api, backend, logDir } = await applying();
    try {
      await backend.submit({ ...req, logDir });
      await expect(backend.submit({ ...req, logDir })).rejects.toThrow(
        `soro run: creating Job ${req.name} in namespace batch failed: ${req.name} already exists`,
      );
    } finally {
      await api.close();
    }
  });
});
