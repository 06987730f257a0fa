// The annotator sessions of the review load bench, run in a worker thread so that their HTTP client work does not
// share the server's event loop (real annotators are browsers elsewhere).
import { Agent, request } from "node:http";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { Client } from "../test/review-fixtures.js";

// node:http with kept-alive sockets: the load generator should cost the shared cores less than fetch does.
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

// biome-ignore lint/suspicious/noExplicitAny: the bench reads response fields freely
function post(c: Client, url: string, body: unknown): Promise<{ status: number; data: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${c.base}${url}`,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          cookie: c.cookie,
          "x-csrf-token": c.csrf,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, data: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** What the sessions report: each review's latency in ms, how many saves were refused, seconds after sign-in. */
export interface SessionsResult {
  latencies: number[];
  failed: number;
  seconds: number;
}

interface Job {
  url: string;
  names: string[];
  password: string;
  reviews: number;
}

async function runSessions(job: Job): Promise<SessionsResult> {
  const clients = await Promise.all(
    job.names.map(async (name) => {
      const c = new Client(job.url);
      if ((await c.login(name, job.password)).status !== 200) throw new Error(`login ${name}`);
      return c;
    }),
  );
  // Sign-in (a deliberately slow KDF) is not part of the load.
  const started = performance.now();
  const latencies: number[] = [];
  let submitted = 0;
  let failed = 0;
  await Promise.all(
    clients.map(async (c, i) => {
      while (submitted < job.reviews) {
        const next = await post(c, "/api/next", {});
        const view = next.data.view;
        if (!view) break;
        if (submitted >= job.reviews) break;
        submitted++;
        const t0 = performance.now();
        const res = await post(c, `/api/samples/${view.sample.sample_id}/review`, {
          version: view.sample.version,
          decision: (i + submitted) % 7 ? "accept" : "reject",
          reason: (i + submitted) % 7 ? null : "language_error",
          rating: 1 + ((i + submitted) % 5),
        });
        latencies.push(performance.now() - t0);
        if (res.status !== 200) failed++;
      }
    }),
  );
  return { latencies, failed, seconds: (performance.now() - started) / 1000 };
}

/** Signs the named annotators in and has them review concurrently until `reviews` are submitted. */
export function runSessionsInWorker(job: Job): Promise<SessionsResult> {
  return new Promise((resolve, reject) => {
    // The worker registers tsx itself: the parent's --import hooks do not reach worker threads on Node 20.
    const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

if (!isMainThread) parentPort!.postMessage(await runSessions(workerData as Job));
