import {
  type BenchmarkIndex,
  contaminationHits,
  DEFAULT_DECONTAM,
  loadBenchmarks,
  xxhashApi,
} from "@soro/dedup";
import type { ChatMessage } from "../samples/schema.js";
import type { Verdict } from "./verdict.js";

/** Benchmark items loaded for overlap checks (the dedup package's n-gram index). */
export interface BenchmarkChecker {
  index: BenchmarkIndex;
  xx: Awaited<ReturnType<typeof xxhashApi>>;
}

/** Loads a folder of benchmark JSONL files (one item per line) as dedup's decontamination does. */
export async function loadBenchmarkChecker(dir: string): Promise<BenchmarkChecker> {
  return {
    index: await loadBenchmarks(dir, DEFAULT_DECONTAM.ngram, DEFAULT_DECONTAM.minWords),
    xx: await xxhashApi(),
  };
}

/** Benchmark overlap: no turn shares a 13-word n-gram (or a whole short item) with a benchmark item. */
export function checkBenchmark(b: BenchmarkChecker, messages: ChatMessage[]): Verdict {
  const hits = contaminationHits(b.xx, b.index, messages.map((m) => m.content).join("\n"));
  if (hits.length > 0)
    return {
      check: "benchmark_overlap",
      passed: false,
      score: hits.length,
      detail: hits.slice(0, 5).join(", "),
    };
  return { check: "benchmark_overlap", passed: true, score: 0, detail: null };
}
