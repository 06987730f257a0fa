// Shard I/O of the text-rewriting stages: normalize and quality over the same e2e documents (e2e-corpus.ts) on the
// joined path (the stage names `reads`: only id, text and those columns come into JavaScript and DuckDB joins the
// rest back when a part is written) beside the peer, the wide path (the same stage without `reads`: every column
// through JavaScript and the appender), alternating in one process. Each also runs with a transform that does no
// work (rewrite-io-stages.ts), which leaves the runner's I/O alone: the rest of a stage's CPU is its analysis.
// Usage: pnpm bench -- rewrite-io [--size 100MB] [--rounds 2]; one worker, CPU seconds (user + sys) of the process.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { Catalog, processShard, type ShardFile, type StageRef } from "@soro/core";
import { benchBytes, benchOption, SORO_BIN } from "@soro/core/testing";
import { tajikTextDir } from "@soro/samples";
import { writeCorpus } from "./e2e-corpus.js";

if (!tajikTextDir()) {
  console.log("skipped: ../shared/tajik-text is absent (the documents are built from it)");
  process.exit(0);
}
const size = benchOption("size", "100MB");
const rounds = Number(benchOption("rounds", "2"));
const work = await mkdtemp(path.join(tmpdir(), "soro-rewrite-io-"));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const stages = new URL("./rewrite-io-stages.ts", import.meta.url).href;
const ref = (exportName: string): StageRef => ({ module: stages, exportName });

/** Runs a stage over every input in this process; the CPU seconds it took and the parts it wrote. */
async function runOver(stage: string, inputs: string[], out: string) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const files: ShardFile[] = [];
  const start = process.cpuUsage();
  const faults = process.resourceUsage().minorPageFault;
  for (const [i, inputPath] of inputs.entries()) {
    const r = await processShard({
      stage: ref(stage),
      options: null,
      inputPath,
      inputShardId: `in-${i}`,
      outputPrefix: `part-${i}`,
      tmpDir: out,
      runId: 1,
    });
    files.push(...r.files);
  }
  const cpu = process.cpuUsage(start);
  return {
    cpu: (cpu.user + cpu.system) / 1e6,
    sys: cpu.system / 1e6,
    faults: process.resourceUsage().minorPageFault - faults,
    files,
  };
}

try {
  const corpus = await writeCorpus(path.join(work, "input"), benchBytes(size));
  const ws = path.join(work, "ws");
  for (const args of [["init"], ["ingest", path.join(work, "input"), "--source", "web"]]) {
    const r = spawnSync(process.execPath, [SORO_BIN, "-q", "-w", ws, ...args], {
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`soro ${args[0]} failed: ${r.stderr}`);
  }
  const catalog = await Catalog.open(ws);
  const ingest = (await catalog.activeShards(["ingest"])).map((s) => catalog.shardPath(s));
  catalog.close();
  const normalized = (await runOver("normalizeStage", ingest, path.join(work, "normalized"))).files.map(
    (f) => f.tmpPath,
  );
  const mb = corpus.textBytes / 1e6;
  console.log(
    `${corpus.docs} documents, ${mb.toFixed(1)} MB of text in ${ingest.length} shards; load ${load()}\n`,
  );
  console.log(
    "stage      transform  joined CPU s  wide CPU s  joined MB/s/CPU-s  wide MB/s/CPU-s  wide/joined  parts joined/wide  joined sys s  page faults",
  );
  for (const [name, inputs] of [
    ["normalize", ingest],
    ["quality", normalized],
  ] as const) {
    for (const [transform, joined, wide] of [
      ["analysis", `${name}${name === "quality" ? "SignalsStage" : "Stage"}`, `${name}Wide`],
      ["none", `${name}Idle`, `${name}IdleWide`],
    ] as const) {
      const best = { joined: Number.POSITIVE_INFINITY, wide: Number.POSITIVE_INFINITY };
      /** The best joined run's system time and minor page faults (memory touched for the first time). */
      let kernel = { sys: 0, faults: 0 };
      const parts = { joined: 0, wide: 0 };
      await runOver(joined, inputs.slice(0, 1), path.join(work, "warm"));
      await runOver(wide, inputs.slice(0, 1), path.join(work, "warm"));
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? (["joined", "wide"] as const) : (["wide", "joined"] as const);
        for (const which of order) {
          const { cpu, sys, faults, files } = await runOver(
            which === "joined" ? joined : wide,
            inputs,
            path.join(work, which),
          );
          if (which === "joined" && cpu < best.joined) kernel = { sys, faults };
          best[which] = Math.min(best[which], cpu);
          parts[which] = files.length;
        }
      }
      console.log(
        `${name.padEnd(10)} ${transform.padEnd(10)} ${best.joined.toFixed(2).padStart(12)} ${best.wide.toFixed(2).padStart(11)} ${(mb / best.joined).toFixed(1).padStart(18)} ${(mb / best.wide).toFixed(1).padStart(16)} ${(best.wide / best.joined).toFixed(2).padStart(12)} ${`${parts.joined}/${parts.wide}`.padStart(18)} ${kernel.sys.toFixed(2).padStart(13)} ${String(kernel.faults).padStart(12)}`,
      );
    }
  }
  console.log(`\nbest of ${rounds} rounds, alternating; load after ${load()}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
