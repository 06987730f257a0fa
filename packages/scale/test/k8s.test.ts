import { describe, expect, it } from "vitest";
import { indexedJobManifest, type SubmitRequest } from "../src/index.js";

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
