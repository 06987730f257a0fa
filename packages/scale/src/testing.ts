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

/** An object the stand-in API server holds, as it was created (the test may set its `status`). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: Record<string, unknown>;
}

/** A request the stand-in API server answered: method, path with query, and body. */
export interface KubeRequest {
  method: string;
  url: string;
  body: Record<string, unknown>;
}

/**
 * A stand-in Kubernetes API server on 127.0.0.1 for the subset soro speaks: create (POST to a collection, with
 * `dryRun=All` honoured), read an object or its status, list with a `labelSelector` of `k=v` terms, read a pod's
 * log, delete. Objects are kept by collection path and name; nothing runs them: the test plays the controllers by
 * setting `status` and adding pods with `put`. Needed because no cluster is reachable from the tests.
 */
export async function startKubeApi(): Promise<{
  server: string;
  requests: KubeRequest[];
  /** The object at a collection path (`/apis/batch/v1/namespaces/ns/jobs`) and name. */
  get(collection: string, name: string): KubeObject | undefined;
  /** Adds or replaces an object, e.g. a pod with its phase and completion index. */
  put(collection: string, obj: KubeObject): void;
  close(): Promise<void>;
}> {
  const { createServer } = await import("node:http");
  const objects = new Map<string, Map<string, KubeObject>>();
  const requests: KubeRequest[] = [];
  const coll = (p: string) => objects.get(p) ?? objects.set(p, new Map()).get(p) ?? new Map();
  const status = (code: number, message: string) =>
    JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Failure", code, message });
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    requests.push({ method: req.method ?? "", url: `${url.pathname}${url.search}`, body });
    const json = (code: number, text: string) =>
      res.writeHead(code, { "content-type": "application/json" }).end(text);
    const parts = url.pathname.replace(/\/status$/, "").split("/");
    const asLog = url.pathname.endsWith("/log");
    if (req.method === "POST") {
      const obj = body as unknown as KubeObject;
      const c = coll(url.pathname);
      if (c.has(obj.metadata.name)) return json(409, status(409, `${obj.metadata.name} already exists`));
      if (url.searchParams.get("dryRun") !== "All") c.set(obj.metadata.name, obj);
      return json(201, JSON.stringify(obj));
    }
    if (
      req.method === "GET" &&
      !asLog &&
      (objects.has(url.pathname) || url.searchParams.has("labelSelector"))
    ) {
      const terms = (url.searchParams.get("labelSelector") ?? "").split(",").filter(Boolean);
      const items = [...coll(url.pathname).values()].filter((o) =>
        terms.every((t) => {
          const [k, v] = t.split("=");
          return o.metadata.labels?.[k ?? ""] === v;
        }),
      );
      return json(200, JSON.stringify({ kind: "List", apiVersion: "v1", metadata: {}, items }));
    }
    const base = asLog ? parts.slice(0, -2).join("/") : parts.slice(0, -1).join("/");
    const name = asLog ? parts.at(-2) : parts.at(-1);
    const obj = objects.get(base)?.get(name ?? "");
    if (!obj) return json(404, status(404, `${name} not found`));
    if (req.method === "DELETE") {
      objects.get(base)?.delete(obj.metadata.name);
      return json(200, JSON.stringify(obj));
    }
    if (asLog) return res.writeHead(200, { "content-type": "text/plain" }).end(`log of ${name}\n`);
    return json(200, JSON.stringify(obj));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    server: `http://127.0.0.1:${port}`,
    requests,
    get: (collection, name) => objects.get(collection)?.get(name),
    put: (collection, obj) => void coll(collection).set(obj.metadata.name, obj),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
