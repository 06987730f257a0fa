import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Catalog, SoroError } from "@soro/core";
import { DEFAULT_CORPUS_COUNTS } from "./defaults.js";
import { TAJIK_ALPHABET, TAJIK_SPECIAL } from "./letters.js";
import { BOS, defaultModel, saveModel, type TajikModel } from "./model.js";
import { ModelCounter } from "./model-build.js";

/** Where `soro normalize learn` writes a workspace's model, and where the stage looks for it. */
export function workspaceModelPath(workspaceDir: string): string {
  return path.join(workspaceDir, "models", "tajik-model.bin.gz");
}

/** The workspace's learned model file when there is one. */
export function findWorkspaceModel(workspaceDir: string): string | undefined {
  const p = workspaceModelPath(workspaceDir);
  return existsSync(p) ? p : undefined;
}

/**
 * The most frequent words and bigrams a learned model keeps: on a corpus of hundreds of millions of words this
 * bounds the rows brought out of DuckDB (memory) and the file (it must still load in well under a second).
 */
const MAX_WORDS = 600_000;
const MAX_BIGRAMS = 1_500_000;

export interface LearnOptions {
  /** Least lang_score of a document to learn from (default 0.9). */
  minScore?: number;
  /** Least count of a word or bigram to keep (default 2). */
  minCount?: number;
  /** Counts to merge with (default: the shipped model); null for none. */
  base?: TajikModel | null;
  /** Output file (default: the workspace's model path). */
  out?: string;
}

/**
 * Learns a Tajik word model from a workspace's own clean Tajik lines and merges it with the shipped one: lines
 * labelled Tajik, of documents identified as Tajik, written in Cyrillic originally and left unrepaired (at most
 * one character in 200 restored), that are typed with Tajik letters (so no guess of restoration or conversion feeds back into the model).
 * DuckDB counts the words and the bigrams (within a line; sentence ends inside a line are not seen here).
 */
export async function learnCatalogModel(
  catalog: Catalog,
  options: LearnOptions = {},
): Promise<{ path: string; docs: number; lines: number; words: number; vocabulary: number }> {
  const table = await catalog.stageTableSql("normalize");
  if (!table)
    throw new SoroError(
      "soro normalize learn: no normalize output in this workspace",
      "run `soro normalize` first",
      2,
    );
  const minCount = Number(options.minCount ?? DEFAULT_CORPUS_COUNTS.minCount);
  // Unrepaired, or with a few restored letters at most (real text has typos; a document typed without its
  // letters would feed restoration's own guesses back).
  const where = `lang = 'tgk' AND script = 'cyrl' AND encoding IN ('none', 'russian_keyboard')
    AND repairs * 200 <= length(text) AND lang_score >= ${Number(options.minScore ?? DEFAULT_CORPUS_COUNTS.minScore)}`;
  const special = `[${TAJIK_SPECIAL}${TAJIK_SPECIAL.toUpperCase()}]`;
  const clean = `SELECT regexp_extract_all(lower(line), '[${TAJIK_ALPHABET}]+') AS ws FROM (
       SELECT unnest(string_split(text, chr(10))) AS line, unnest(line_langs) AS l FROM ${table} WHERE ${where}
     ) WHERE l = 'tgk' AND regexp_matches(line, '${special}')`;
  const [stats] = await catalog.rows(
    `SELECT (SELECT count(*) FROM ${table} WHERE ${where})::BIGINT AS docs, count(*)::BIGINT AS lines,
            coalesce(sum(len(ws)), 0)::BIGINT AS words FROM (${clean})`,
  );
  const unigrams = await catalog.rows(
    `SELECT w, count(*)::BIGINT AS c FROM (SELECT unnest(ws) AS w FROM (${clean})) GROUP BY w HAVING count(*) >= ${minCount}
     ORDER BY c DESC, w LIMIT ${MAX_WORDS}`,
  );
  const bigrams = await catalog.rows(
    `SELECT p[1] AS a, p[2] AS b, count(*)::BIGINT AS c FROM (
       SELECT unnest(list_zip(['${BOS}'] || ws, ws)) AS p FROM (${clean}) WHERE len(ws) > 0
     ) WHERE p[2] IS NOT NULL GROUP BY ALL HAVING count(*) >= ${minCount} ORDER BY c DESC, a, b LIMIT ${MAX_BIGRAMS}`,
  );
  const counter = new ModelCounter();
  const base = options.base === undefined ? defaultModel() : options.base;
  if (base) counter.addModel(base);
  const docs = Number(stats?.docs ?? 0);
  counter.addCounts(
    `workspace ${catalog.ws.dir}: ${docs} documents`,
    "the workspace's own text",
    unigrams.map((r) => [String(r.w), Number(r.c)]),
    bigrams.map((r) => [`${r.a}\t${r.b}`, Number(r.c)]),
    { lines: Number(stats?.lines ?? 0), words: Number(stats?.words ?? 0) },
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
  );
  return {
    path: out,
    docs,
    lines: Number(stats?.lines ?? 0),
    words: Number(stats?.words ?? 0),
    vocabulary: counts.unigrams.size,
  };
}
