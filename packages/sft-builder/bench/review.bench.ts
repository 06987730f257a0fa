// Load run of the review server on loopback: 50 annotator sessions submit 5,000 reviews concurrently.
// The sessions run in a worker thread (review-sessions.ts), apart from the server's event loop.
// Two arrangements in the same run: the server over its own review database publishing to the catalog every second
// (what `soro sft review` does), and as the peer the server straight over the catalog (the arrangement before, which
// locked every other command out).
// Run: pnpm bench -- review.bench [--sessions=50] [--reviews=5000]
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { addSamples, addUser, openReviewDb, startReviewServer } from "../src/index.js";
import { explainSamples } from "../src/testing.js";
import { runSessionsInWorker } from "./review-sessions.js";

const option = (name: string, dflt: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt);
const SESSIONS = option("sessions", 50);
const REVIEWS = option("reviews", 5000);
const OVERLAP = 2;

async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-review-bench-"));
  const catalog = await Catalog.open(dir, { create: true });
  const paras = await udhrParagraphs("tgk");
  const samples = explainSamples(paras, REVIEWS / OVERLAP, "bench");
  await addSamples(catalog, samples);
  for (let i = 0; i < SESSIONS; i++)
    await addUser(catalog, { username: `annotator${i}`, password: "bench-password", role: "annotator" });
  catalog.close();
  return dir;
}

async function measure(arrangement: "review-db" | "catalog") {
  const dir = await workspace();
  const db = arrangement === "review-db" ? await openReviewDb(dir) : await Catalog.open(dir);
  const server = await startReviewServer({
    catalog: db,
    overlap: OVERLAP,
    maxLoginFailures: 1000,
    ...(arrangement === "review-db"
      ? { publishTo: path.join(dir, "catalog.duckdb"), publishEveryMs: 1000 }
      : {}),
  });
  // The sessions sign in and review from a worker thread: their HTTP client is not the server's load.
  const { latencies, failed, seconds } = await runSessionsInWorker({
    url: server.url,
    names: Array.from({ length: SESSIONS }, (_, i) => `annotator${i}`),
    password: "bench-password",
    reviews: REVIEWS,
  });
  const published = await server.close();
  db.close();
  // What the workspace catalog holds afterwards, as every other command sees it.
  const catalog = await Catalog.open(dir, { readOnly: true });
  const stored = Number((await catalog.rows("SELECT count(*) AS n FROM sft_review_reviews"))[0]!.n);
  catalog.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return {
    arrangement,
    sessions: SESSIONS,
    reviews: latencies.length,
    refused: failed,
    stored,
    published,
    exact: stored === latencies.length - failed,
    seconds: Number(seconds.toFixed(2)),
    reviewsPerSecond: Math.round(latencies.length / seconds),
    p50ms: Number(q(0.5).toFixed(1)),
    p95ms: Number(q(0.95).toFixed(1)),
    p99ms: Number(q(0.99).toFixed(1)),
  };
}

const peer = await measure("catalog");
const ours = await measure("review-db");
console.log(JSON.stringify([ours, peer], null, 1));
console.log(
  `review database vs straight on the catalog: p95 ${(ours.p95ms / peer.p95ms).toFixed(2)}x, reviews/s ${(ours.reviewsPerSecond / peer.reviewsPerSecond).toFixed(2)}x`,
);
console.log(
  `goal: p95 < 50 ms and every answered review in the catalog: ${ours.p95ms < 50 && ours.exact ? "met" : "NOT met"}`,
);
