// SFT synthesis bench: candidates checked per second (every automatic check, on extractive candidates from the
// edu fixture), and the OpenAI-compatible engine's overhead with 32 concurrent requests against a local
// protocol server that answers at once (the issue asks for ≥ 200 requests/s of overhead capacity).
// Run: npx tsx packages/sft-builder/bench/sft.bench.ts
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  CheckSuite,
  chunkDocument,
  EXTRACTIVE_TASKS,
  loadTemplates,
  mineChunk,
  OpenAIEngine,
  sampleId,
} from "../src/index.js";
import { startProtocolServer } from "../test/protocol-server.js";

const dir = fileURLToPath(new URL("../fixtures/edu/huquq-9/", import.meta.url));
const t = await loadTemplates();
const files = (await readdir(dir)).filter((f) => f.endsWith(".txt"));
const chunks = (
  await Promise.all(
    files.map(async (f) =>
      chunkDocument({
        id: f,
        text: await readFile(path.join(dir, f), "utf8"),
        origin: f,
        subject: "huquq",
        grade: 9,
      }),
    ),
  )
).flat();
const candidates = chunks.flatMap((c) => mineChunk(c, EXTRACTIVE_TASKS, t));

// Checks: many rounds over the candidates with distinct ids; the near-duplicate index grows as in a real run.
const rounds = 20;
const suite = new CheckSuite();
const t0 = performance.now();
let queued = 0;
for (let r = 0; r < rounds; r++)
  for (const c of candidates)
    if (
      (
        await suite.check({
          sampleId: `${r}:${sampleId(c.task, c.messages)}`,
          task: c.task,
          grade: 9,
          messages: c.messages,
        })
      ).passed
    )
      queued++;
let secs = (performance.now() - t0) / 1000;
const chars =
  candidates.reduce((n, c) => n + c.messages.reduce((m, x) => m + x.content.length, 0), 0) * rounds;
console.log(
  `checks: ${candidates.length * rounds} candidates in ${secs.toFixed(2)} s = ${((candidates.length * rounds) / secs).toFixed(0)} candidates/s (${(chars / secs / 1e6).toFixed(2)} Mchar/s; ${queued} passed)`,
);

// Engine overhead: 32 requests in flight against a server that answers immediately; no cache hits.
const server = await startProtocolServer(
  () => ({ kind: "ok" }),
  () => "Хонанда: савол\nМуаллим: ҷавоби кӯтоҳ",
);
const engine = await OpenAIEngine.open({
  baseUrl: server.url,
  model: "bench",
  concurrency: 32,
  cacheFile: path.join(await mkdtemp(path.join(tmpdir(), "soro-sft-bench-")), "cache.jsonl"),
});
const n = 4000;
await Promise.all(
  Array.from({ length: 64 }, (_, i) => engine.chat([{ role: "user", content: `гарм ${i}` }])),
);
/** Seconds for the engine to answer `n` distinct questions, all asked at once. */
async function askAll(): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      engine.chat([
        { role: "user", content: `Матн ${i}: ${candidates[i % candidates.length]!.messages[0]!.content}` },
      ]),
    ),
  );
  return (performance.now() - start) / 1000;
}
secs = await askAll();
console.log(
  `engine: ${n} requests, 32 concurrent, in ${secs.toFixed(2)} s = ${(n / secs).toFixed(0)} requests/s (server included; goal ≥ 200)`,
);
// The same questions again: every answer now comes from the cache.
secs = await askAll();
console.log(
  `engine: ${n} cached answers in ${secs.toFixed(3)} s = ${(n / secs).toFixed(0)} /s (a resumed run)`,
);
await engine.close();
await server.close();
