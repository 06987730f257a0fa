// Test support for packages that store on object storage (`@soro/scale/testing`); production code never loads it.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** A real S3-compatible server (s3rver) on 127.0.0.1 with one bucket; the AWS environment points at it. */
export async function startS3(bucket = "soro"): Promise<{ uri: string; close: () => Promise<void> }> {
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: await mkdtemp(path.join(tmpdir(), "soro-s3rver-")),
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const { port } = await server.run();
  // Credentials come from the environment, as in production; child processes and Slurm tasks inherit them.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1",
  });
  return { uri: `s3://${bucket}/corpus`, close: () => server.close() };
}
