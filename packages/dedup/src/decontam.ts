import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  defineStage,
  type ProgressOptions,
  type RunSummary,
  runStage,
  siblingModule,
  UsageError,
} from "@soro/core";
import type { XXHashAPI } from "xxhash-wasm";
import { DEFAULT_DECONTAM } from "./defaults.js";
import { keyWords } from "./fold.js";
import { xxhashApi } from "./minhash.js";

/** Options of the decontamination stage. */
export interface DecontamOptions {
  /** Folder of benchmark JSONL files (one item per line; the file name is the benchmark's name). */
  benchmarks: string;
  /** Words per n-gram shared with a benchmark item that marks a document (default 13). */
  ngram: number;
  /** Items shorter than `ngram` words are matched whole when they have at least this many words (default 8). */
  minWords: number;
  /**
   * `remove` drops contaminated documents; `flag` keeps them with `decontam_hits` set; `cut` drops only the lines
   * holding a shared n-gram (a textbook loses the quoted exercise, not its other pages) and removes a document
   * left with less than half its text.
   */
  mode: "remove" | "flag" | "cut";
  /** Hash of the benchmark files' contents, so that edited benchmarks make a new configuration. */
  fingerprint?: string;
}

export { DEFAULT_DECONTAM };

/** The n-gram index of a set of benchmarks: n-gram hash to the items holding it, per n-gram length. */
export interface BenchmarkIndex {
  /** Items per benchmark, and items too short to match. */
  items: Record<string, { items: number; tooShort: number }>;
  byLength: Map<number, Map<bigint, string[]>>;
}

/** All string values of a JSON item, in order (question, choices, answer, ...). */
function itemStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) itemStrings(v, out);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) if (k !== "id") itemStrings(v, out);
  return out;
}

/** The benchmark JSONL files of a folder, sorted; an error names the folder when there are none. */
async function benchmarkFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    throw new UsageError(
      `soro dedup decontam: cannot read benchmark folder ${dir}`,
      "check --benchmarks DIR",
    );
  }
  const files = names.filter((n) => n.endsWith(".jsonl")).sort();
  if (files.length === 0)
    throw new UsageError(
      `soro dedup decontam: no .jsonl files in ${dir}`,
      "put one JSONL file per benchmark there (one item per line)",
    );
  return files.map((n) => path.join(dir, n));
}

/** A hash of the benchmark folder's JSONL contents. */
export async function benchmarkFingerprint(dir: string): Promise<string> {
  const h = createHash("sha256");
  for (const file of await benchmarkFiles(dir)) h.update(path.basename(file)).update(await readFile(file));
  return h.digest("hex").slice(0, 16);
}

function ngramHash(xx: XXHashAPI, words: string[], from: number, n: number): bigint {
  return xx.h64(words.slice(from, from + n).join(" "));
}

/**
 * The 64-bit hashes of a text's word n-grams over its dedup key words (folded: case, punctuation, diacritics and
 * Tajik letters typed as Russian ones do not matter), in order: the n-grams decontamination and SFT overlap match.
 */
export function ngramHashes(xx: XXHashAPI, text: string, n: number): bigint[] {
  const words = keyWords(text);
  const out: bigint[] = [];
  for (let w = 0; w + n <= words.length; w++) out.push(ngramHash(xx, words, w, n));
  return out;
}

/** Reads the benchmarks of a folder into an n-gram index; a bad line is an error naming its file and line. */
export async function loadBenchmarks(dir: string, ngram: number, minWords: number): Promise<BenchmarkIndex> {
  const xx = await xxhashApi();
  const index: BenchmarkIndex = { items: {}, byLength: new Map() };
  for (const file of await benchmarkFiles(dir)) {
    const bench = path.basename(file, ".jsonl");
    const counts = { items: 0, tooShort: 0 };
    index.items[bench] = counts;
    const lines = (await readFile(file, "utf8")).split("\n");
    for (const [i, line] of lines.entries()) {
      if (line.trim() === "") continue;
      let item: unknown;
      try {
        item = JSON.parse(line);
      } catch {
        throw new UsageError(`soro dedup decontam: ${file}:${i + 1} is not JSON`, "fix or remove that line");
      }
      counts.items++;
      const id = (item as { id?: unknown }).id;
      const label = `${bench}:${id === undefined ? i + 1 : String(id)}`;
      const words = keyWords(itemStrings(item).join(" "));
      const n = Math.min(ngram, words.length);
      if (n < Math.min(minWords, ngram)) {
        counts.tooShort++;
        continue;
      }
      const table = index.byLength.get(n) ?? new Map<bigint, string[]>();
      index.byLength.set(n, table);
      for (let w = 0; w + n <= words.length; w++) {
        const h = ngramHash(xx, words, w, n);
        const list = table.get(h);
        if (!list) table.set(h, [label]);
        else if (list.at(-1) !== label) list.push(label);
      }
    }
  }
  return index;
}

/** The benchmark items (`bench:item`) whose n-grams occur in a text, sorted. */
export function contaminationHits(xx: XXHashAPI, index: BenchmarkIndex, text: string): string[] {
  const words = keyWords(text);
  const hits = new Set<string>();
  for (const [n, table] of index.byLength) {
    for (let w = 0; w + n <= words.length; w++) {
      const items = table.get(ngramHash(xx, words, w, n));
      if (items) for (const it of items) hits.add(it);
    }
  }
  return [...hits].sort();
}

/** A text without the lines that hold an n-gram of a benchmark item (an n-gram across lines cuts every line it touches). */
export function cutContaminatedLines(
  xx: XXHashAPI,
  index: BenchmarkIndex,
  text: string,
): { text: string; lines: number } {
  const lines = text.split("\n");
  const words: string[] = [];
  const lineOf: number[] = [];
  for (const [i, line] of lines.entries())
    for (const w of keyWords(line)) {
      words.push(w);
      lineOf.push(i);
    }
  const cut = new Set<number>();
  for (const [n, table] of index.byLength)
    for (let w = 0; w + n <= words.length; w++)
      if (table.has(ngramHash(xx, words, w, n))) for (let k = w; k < w + n; k++) cut.add(lineOf[k] as number);
  return { text: lines.filter((_, i) => !cut.has(i)).join("\n"), lines: cut.size };
}

/** The decontamination stage over the dedup output: drops, flags or cuts documents sharing n-grams with benchmarks. */
export const decontamStage = defineStage<DecontamOptions>({
  name: "decontam",
  version: "2",
  description:
    "documents sharing long n-grams with benchmark items removed (or flagged, or cut line by line)",
  inputs: ["dedup"],
  columns: [
    {
      name: "decontam_hits",
      type: "VARCHAR[]",
      doc: "benchmark items (bench:item) sharing an n-gram, flag and cut modes",
    },
    {
      name: "decontam_cut_lines",
      type: "INTEGER",
      doc: "lines cut for holding a benchmark n-gram, cut mode",
    },
  ],
  rewritesText: true,
  reads: ["id", "text"],
  async setup(options) {
    const opts = { ...DEFAULT_DECONTAM, ...options };
    const index = await loadBenchmarks(opts.benchmarks, opts.ngram, opts.minWords);
    const xx = await xxhashApi();
    return (doc) => {
      const hits = contaminationHits(xx, index, doc.text);
      const rule = `benchmark:${hits[0]?.split(":")[0]}`;
      if (hits.length > 0 && opts.mode === "remove") return { drop: rule };
      if (hits.length > 0 && opts.mode === "cut") {
        const cut = cutContaminatedLines(xx, index, doc.text);
        if (cut.text.trim().length * 2 < doc.text.length) return { drop: rule };
        return { add: { decontam_hits: hits, decontam_cut_lines: cut.lines }, text: cut.text };
      }
      return { add: { decontam_hits: hits.length > 0 ? hits : null, decontam_cut_lines: 0 } };
    };
  },
});

/**
 * Per benchmark: items, items too short to match, documents removed or flagged with their characters, and (cut
 * mode) documents kept with lines cut.
 */
export interface DecontamReport {
  summary: RunSummary;
  benchmarks: Array<{
    name: string;
    items: number;
    tooShort: number;
    docs: number;
    chars: number;
    cut: number;
  }>;
}

/** Runs decontamination over the active dedup shards and reports per benchmark. */
export async function runDecontam(
  catalog: Catalog,
  options: Partial<DecontamOptions> & { benchmarks: string },
  run: { workers?: number; progress?: ProgressOptions["mode"] } = {},
): Promise<DecontamReport> {
  const opts: DecontamOptions = {
    ...DEFAULT_DECONTAM,
    ...options,
    benchmarks: path.resolve(options.benchmarks),
    fingerprint: await benchmarkFingerprint(options.benchmarks),
  };
  const index = await loadBenchmarks(opts.benchmarks, opts.ngram, opts.minWords);
  const summary = await runStage({
    catalog,
    stage: { module: siblingModule(import.meta.url, "decontam").href, exportName: "decontamStage" },
    options: opts,
    workers: run.workers,
    progress: run.progress,
  });
  const counts = new Map<string, { docs: number; chars: number }>();
  const cut = new Map<string, number>();
  if (opts.mode === "cut") {
    const table = await catalog.stageTableSql("decontam");
    const rows = table
      ? await catalog.rows(
          `SELECT split_part(hit, ':', 1) AS bench, count(DISTINCT id) AS docs
           FROM (SELECT id, unnest(decontam_hits) AS hit FROM ${table} WHERE decontam_cut_lines > 0) GROUP BY bench`,
        )
      : [];
    for (const r of rows) cut.set(String(r.bench), Number(r.docs));
  }
  if (opts.mode !== "flag") {
    const rows = await catalog.rows(
      `SELECT rule, sum(docs_removed) AS docs, sum(chars_removed) AS chars FROM rule_stats
       WHERE stage = 'decontam' AND config_hash = $1 GROUP BY rule`,
      [summary.configHash],
    );
    for (const r of rows)
      counts.set(String(r.rule).replace(/^benchmark:/, ""), { docs: Number(r.docs), chars: Number(r.chars) });
  } else {
    const table = await catalog.stageTableSql("decontam");
    const rows = table
      ? await catalog.rows(
          `SELECT bench, count(*) AS docs, sum(length(text)) AS chars FROM (
             SELECT DISTINCT id, text, split_part(hit, ':', 1) AS bench
             FROM (SELECT id, text, unnest(decontam_hits) AS hit FROM ${table})) GROUP BY bench`,
        )
      : [];
    for (const r of rows) counts.set(String(r.bench), { docs: Number(r.docs), chars: Number(r.chars) });
  }
  return {
    summary,
    benchmarks: Object.entries(index.items).map(([name, c]) => ({
      name,
      items: c.items,
      tooShort: c.tooShort,
      ...(counts.get(name) ?? { docs: 0, chars: 0 }),
      cut: cut.get(name) ?? 0,
    })),
  };
}
