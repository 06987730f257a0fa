// Scale: N synthetic documents' signatures (shards of stage minhash written straight by DuckDB) deduplicated end
// to end by the global step (each hash value is hash() of its own integer: hash(a, b) of DuckDB shares low bits
// across b, which would make unrelated documents collide on every value); prints time, peak RSS and a projection. Per 10 documents: 7 unique, 1 exact copy and
// 1 near copy (~10% of hash values changed, Jaccard ≈ 0.9) of the first, so 2 in 10 must go.
// Run: node --import tsx packages/dedup/bench/scale.bench.ts [docs=1000000] [memory=2GB]
import { rm } from "node:fs/promises";
import path from "node:path";
import { Catalog, configHash, openScratchDb } from "@soro/core";
import { commitQueryShard } from "@soro/core/testing";
import { clusterDuplicates, resolveOptions } from "../src/index.js";
import { tempDir } from "../test/corpus.js";

const total = Number(process.argv[2] ?? 1_000_000);
const memory = process.argv[3] ?? "2GB";
const perShard = 500_000;
const dir = await tempDir();
const catalog = await Catalog.open(dir, { create: true });
const options = resolveOptions({
  cluster: { memoryLimit: memory, lines: { minDocs: 1000, minHostDocs: 1000 } },
});
const t0 = Date.now();
const hash = configHash({ bench: total });
const runId = await catalog.beginRun("minhash", hash, { bench: total }, 1);
const { instance, conn } = await openScratchDb(catalog.ws.tmpDir, memory, 2);
for (let start = 0, s = 0; start < total; start += perShard, s++) {
  const end = Math.min(total, start + perShard);
  // base: the document a copy is made from (k = 6 exact, k = 7 near); every other document is its own base.
  const sql = `
    WITH d AS (SELECT i, i % 10 AS k, CASE WHEN i % 10 IN (6, 7) THEN i - i % 10 ELSE i END AS base
               FROM range(${start}, ${end}) t(i))
    SELECT md5(i::VARCHAR)[1:32] AS id, 'synthetic document ' || base AS text, 'web' AS source,
      'https://site' || (i % 1000) || '.example/' || i AS url, NULL::VARCHAR AS path,
      '2026-01-01T00:00:00Z' AS fetched_at, NULL::VARCHAR AS meta,
      printf('%016x', hash(CASE WHEN k = 7 THEN i ELSE base END)) AS dedup_exact,
      list_transform(range(112), lambda p: CASE WHEN k = 7 AND hash(i * 112 + p) % 10 = 0 THEN hash(-(i * 112 + p))
        ELSE hash(base * 112 + p) END % 4294967296) AS minhash,
      [hash(base, 'line') , hash(i % 7, 'footer')]::UBIGINT[] AS line_hashes
    FROM d`;
  // Band keys as the signature stage makes them (one 64-bit key per band of 8 values).
  const withBands = `SELECT *, list_transform(range(14), lambda b: hash(list_slice(minhash, b * 8 + 1, b * 8 + 8))) AS minhash_bands FROM (${sql})`;
  await commitQueryShard(catalog, conn, withBands, {
    runId,
    stage: "minhash",
    configHash: hash,
    sourceKey: `part-${s}`,
    status: "pending",
  });
}
conn.closeSync();
instance.closeSync();
await catalog.activateRun("minhash", hash);
await catalog.finishRun(runId, "done");
const generated = (Date.now() - t0) / 1000;
const t1 = Date.now();
const summary = await clusterDuplicates(catalog, options);
const seconds = (Date.now() - t1) / 1000;
const rssGB = process.resourceUsage().maxRSS / 1024 / 1024;
catalog.close();
console.log(
  JSON.stringify({
    docs: total,
    generatedSeconds: generated,
    dedupSeconds: seconds,
    peakRssGB: Number(rssGB.toFixed(2)),
    docsOut: summary.docsOut,
    removed: summary.removed,
    candidatePairs: summary.candidatePairs,
    verifiedPairs: summary.verifiedPairs,
    clusters: summary.clusters,
  }),
);
const perMillion = seconds / (total / 1e6);
console.log(
  `dedup of ${total} signatures: ${seconds.toFixed(1)} s (${perMillion.toFixed(1)} s per million), peak RSS ${rssGB.toFixed(2)} GB; ` +
    `projection: 1.2M documents (FineWeb-2 tgk × 1.7) ≈ ${(perMillion * 1.2).toFixed(0)} s, 10M ≈ ${(perMillion * 10).toFixed(0)} s`,
);
await rm(path.join(dir), { recursive: true, force: true });
