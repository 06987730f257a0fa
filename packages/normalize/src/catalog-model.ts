import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import {
  type Catalog,
  configHash,
  humanDuration,
  openScratchDb,
  type ShardRecord,
  SoroError,
  sqlString,
  startProgress,
} from "@soro/core";
import { DEFAULT_CORPUS_COUNTS } from "./defaults.js";
import { TAJIK_ALPHABET, TAJIK_SPECIAL } from "./letters.js";
import { BOS, defaultModel, saveModel, type TajikModel } from "./model.js";
import { ModelCounter } from "./model-build.js";

/** Where `soro normalize learn` writes a workspace's model (not compressed: it loads 3x faster), and where the stage looks for it. */
export function workspaceModelPath(workspaceDir: string): string {
  return path.join(workspaceDir, "models", "tajik-model.bin");
}

/**
 * The workspace's learned model file when there is one. A model learned before format 2 (gzipped, under the old
 * name) is still found, so that loading it says to learn it again rather than the shipped model silently standing in.
 */
export function findWorkspaceModel(workspaceDir: string): string | undefined {
  const p = workspaceModelPath(workspaceDir);
  return [p, `${p}.gz`].find((f) => existsSync(f));
}

/**
 * The most frequent words and bigrams a learned model keeps: on a corpus of hundreds of millions of words this
 * bounds the rows brought out of DuckDB (memory) and the file (it must still load in well under a second).
 */
const MAX_WORDS = 600_000;
const MAX_BIGRAMS = 1_500_000;
/** Shards are counted in batches of about this many characters: the unit of progress and of resume. */
const BATCH_CHARS = 64 * 2 ** 20;

export interface LearnOptions {
  /** Least lang_score of a document to learn from (default 0.9). */
  minScore?: number;
  /** Least count of a word or bigram to keep (default 2). */
  minCount?: number;
  /** Counts to merge with (default: the shipped model); null for none. */
  base?: TajikModel | null;
  /** Output file (default: the workspace's model path). */
  out?: string;
  /** DuckDB's memory limit while counting (default 1GB); beyond it the counting spills to the workspace's tmp/. */
  memoryLimit?: string;
  /** DuckDB threads (default: the cores, at most 2). */
  threads?: number;
  /** Progress lines on stderr (default auto: a bar on a terminal, a line every 5 s otherwise). */
  progress?: "auto" | "log" | "quiet";
}

export interface LearnResult {
  path: string;
  docs: number;
  lines: number;
  words: number;
  /** Words in the written model (the shipped model's and the workspace's). */
  vocabulary: number;
  /** Distinct words and bigrams in the workspace's clean lines, before `minCount` and the caps. */
  distinctWords: number;
  distinctBigrams: number;
  /** Batches counted by an earlier, interrupted run and not counted again. */
  resumedBatches: number;
}

/**
 * Learns a Tajik word model from a workspace's own clean Tajik lines and merges it with the shipped one: lines
 * labelled Tajik, of documents identified as Tajik, written in Cyrillic originally and left unrepaired (at most
 * one character in 200 restored), that are typed with Tajik letters (so no guess of restoration or conversion feeds
 * back into the model).
 *
 * DuckDB counts the bigrams (within a line, `<s>` first; sentence ends inside a line are not seen here) of each
 * batch of shards into a Parquet file under tmp/, then sums the batches: every word is the second word of exactly
 * one bigram, so the word counts are the bigram counts summed by second word, and the counts are exact. A private
 * DuckDB with a memory limit does it, spilling to disk, so memory stays bounded however large the vocabulary; a
 * rerun after an interruption skips the batches already counted.
 */
export async function learnCatalogModel(catalog: Catalog, options: LearnOptions = {}): Promise<LearnResult> {
  const shards = await catalog.activeShards(["normalize"]);
  if (shards.length === 0)
    throw new SoroError(
      "soro normalize learn: no normalize output in this workspace",
      "run `soro normalize` first",
      2,
    );
  const minCount = Number(options.minCount ?? DEFAULT_CORPUS_COUNTS.minCount);
  const minScore = Number(options.minScore ?? DEFAULT_CORPUS_COUNTS.minScore);
  const batches = batchShards(shards);
  const partsDir = path.join(
    catalog.ws.tmpDir,
    "learn",
    configHash({ minScore, shards: shards.map((s) => s.shard_id) }),
  );
  mkdirSync(partsDir, { recursive: true });
  const { instance, conn } = await openScratchDb(
    catalog.ws.tmpDir,
    options.memoryLimit ?? "1GB",
    options.threads ?? Math.min(2, availableParallelism()),
  );
  const totalDocs = shards.reduce((n, s) => n + Number(s.rows), 0);
  const progress = startProgress({ label: "learn", totalDocs, mode: options.progress });
  const parts: string[] = [];
  let docs = 0;
  let resumedBatches = 0;
  const started = Date.now();
  const say = (what: string) => {
    if (options.progress !== "quiet")
      process.stderr.write(`learn: ${what} (${humanDuration((Date.now() - started) / 1000)})\n`);
  };
  let counted: Awaited<ReturnType<typeof mergeParts>>;
  try {
    for (const [i, batch] of batches.entries()) {
      const part = path.join(partsDir, `part-${i}.parquet`);
      const doneFile = `${part}.json`;
      parts.push(part);
      if (existsSync(doneFile) && existsSync(part)) {
        docs += Number(JSON.parse(readFileSync(doneFile, "utf8")).docs);
        resumedBatches++;
      } else {
        const table = `read_parquet([${batch.map((s) => sqlString(catalog.shardPath(s))).join(", ")}], union_by_name = true)`;
        const n = await batchDocs(conn, table, minScore);
        await conn.run(
          `COPY (${bigramSql(table, minScore)}) TO ${sqlString(`${part}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`,
        );
        renameSync(`${part}.tmp`, part);
        writeFileSync(doneFile, JSON.stringify({ docs: n }));
        docs += n;
      }
      progress.tick(
        batch.reduce((n, s) => n + Number(s.rows), 0),
        batch.reduce((n, s) => n + Number(s.chars), 0),
      );
    }
    progress.stop(
      resumedBatches
        ? `learn: ${resumedBatches} of ${batches.length} batches were counted by an earlier run`
        : undefined,
    );
    say(`summing the counts of ${parts.length} batches`);
    counted = await mergeParts(conn, parts, minCount);
  } finally {
    // Closed before the model is built, so DuckDB's memory is given back first.
    conn.closeSync();
    instance.closeSync();
  }
  say(
    `${counted.distinctWords} distinct words, ${counted.distinctBigrams} distinct bigrams; building the model`,
  );
  const counter = new ModelCounter();
  const base = options.base === undefined ? defaultModel() : options.base;
  if (base) counter.addModel(base);
  counter.addCounts(
    `workspace ${catalog.ws.dir}: ${docs} documents`,
    "the workspace's own text",
    counted.unigrams,
    counted.bigrams,
    { lines: counted.lines, words: counted.words },
  );
  const out = options.out ?? workspaceModelPath(catalog.ws.dir);
  mkdirSync(path.dirname(out), { recursive: true });
  const counts = counter.counts({ minBigram: 1 });
  saveModel(
    out,
    {
      version: `learned-${new Date().toISOString()}`,
      sources: counter.sources,
      minBigram: minCount,
      charOrder: 5,
    },
    counts,
    // Not compressed: inflating a model at the caps took most of its load (about 3x the file, 38 MB).
    { gzip: 0 },
  );
  say(`wrote ${out}`);
  rmSync(partsDir, { recursive: true, force: true });
  return {
    path: out,
    docs,
    lines: counted.lines,
    words: counted.words,
    vocabulary: counts.unigrams.size,
    distinctWords: counted.distinctWords,
    distinctBigrams: counted.distinctBigrams,
    resumedBatches,
  };
}

type Conn = Awaited<ReturnType<typeof openScratchDb>>["conn"];

/** Consecutive shards of about `BATCH_CHARS` characters (a shard larger than that is a batch of its own). */
function batchShards(shards: ShardRecord[]): ShardRecord[][] {
  const batches: ShardRecord[][] = [];
  let chars = Number.POSITIVE_INFINITY;
  for (const s of shards) {
    if (chars >= BATCH_CHARS) {
      batches.push([]);
      chars = 0;
    }
    batches.at(-1)?.push(s);
    chars += Number(s.chars);
  }
  return batches;
}

/** Documents a model learns from: Tajik, Cyrillic originally, unrepaired or with a few restored letters at most. */
function learnedDocs(minScore: number): string {
  // Real text has typos; a document typed without its letters would feed restoration's own guesses back.
  return `lang = 'tgk' AND script = 'cyrl' AND encoding IN ('none', 'russian_keyboard')
    AND repairs * 200 <= length(text) AND lang_score >= ${Number(minScore)}`;
}

async function batchDocs(conn: Conn, table: string, minScore: number): Promise<number> {
  const reader = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT AS n FROM ${table} WHERE ${learnedDocs(minScore)}`,
  );
  return Number(reader.getRowObjects()[0]?.n ?? 0);
}

/** Bigram counts (a, b, c) of the clean Tajik lines of `table`, `<s>` before each line's first word. */
function bigramSql(table: string, minScore: number): string {
  const special = `[${TAJIK_SPECIAL}${TAJIK_SPECIAL.toUpperCase()}]`;
  const clean = `SELECT regexp_extract_all(lower(line), '[${TAJIK_ALPHABET}]+') AS ws FROM (
       SELECT unnest(string_split(text, chr(10))) AS line, unnest(line_langs) AS l FROM ${table}
       WHERE ${learnedDocs(minScore)}
     ) WHERE l = 'tgk' AND regexp_matches(line, '${special}')`;
  return `SELECT p[1] AS a, p[2] AS b, count(*)::BIGINT AS c FROM (
       SELECT unnest(list_zip(['${BOS}'] || ws, ws)) AS p FROM (${clean}) WHERE len(ws) > 0
     ) WHERE p[2] IS NOT NULL GROUP BY ALL`;
}

/** Sums the batches' bigram counts; the words kept and the bigrams kept, most frequent first, and the totals. */
async function mergeParts(
  conn: Conn,
  parts: string[],
  minCount: number,
): Promise<{
  unigrams: [string, number][];
  bigrams: [string, number][];
  lines: number;
  words: number;
  distinctWords: number;
  distinctBigrams: number;
}> {
  const all = `read_parquet([${parts.map(sqlString).join(", ")}])`;
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE learned AS SELECT a, b, sum(c)::BIGINT AS c FROM ${all} GROUP BY a, b`,
  );
  const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjects();
  const [totals] = await rows(
    `SELECT count(*)::BIGINT AS bigrams, coalesce(sum(c), 0)::BIGINT AS words,
            coalesce(sum(c) FILTER (WHERE a = '${BOS}'), 0)::BIGINT AS lines,
            (SELECT count(DISTINCT b) FROM learned)::BIGINT AS types FROM learned`,
  );
  const unigrams = await rows(
    `SELECT b AS w, sum(c)::BIGINT AS c FROM learned GROUP BY b HAVING sum(c) >= ${minCount}
     ORDER BY c DESC, w LIMIT ${MAX_WORDS}`,
  );
  const bigrams = await rows(
    `SELECT a, b, c FROM learned WHERE c >= ${minCount} ORDER BY c DESC, a, b LIMIT ${MAX_BIGRAMS}`,
  );
  await conn.run("DROP TABLE learned");
  return {
    unigrams: unigrams.map((r) => [String(r.w), Number(r.c)]),
    bigrams: bigrams.map((r) => [`${r.a}\t${r.b}`, Number(r.c)]),
    lines: Number(totals?.lines ?? 0),
    words: Number(totals?.words ?? 0),
    distinctWords: Number(totals?.types ?? 0),
    distinctBigrams: Number(totals?.bigrams ?? 0),
  };
}
