// Megatron writer throughput without tokenization: `npx tsx packages/trainer-bridge/bench/megatron-write.bench.ts [Mtokens]`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MegatronWriter } from "../src/export/megatron.js";

const mtokens = Number(process.argv[2] ?? 25);
const dir = await mkdtemp(path.join(tmpdir(), "soro-megatron-bench-"));
const doc = Int32Array.from({ length: 1000 }, (_, i) => (i * 7919) % 262_144);
const w = new MegatronWriter(path.join(dir, "bench"));
const t0 = performance.now();
for (let i = 0; i < mtokens * 1000; i++) await w.add(doc);
await w.finish();
const s = (performance.now() - t0) / 1000;
console.log(
  `${mtokens}M tokens (${mtokens * 4} MB of int32) in ${s.toFixed(2)} s: ${((mtokens * 4) / s).toFixed(0)} MB/s`,
);
await rm(dir, { recursive: true });
