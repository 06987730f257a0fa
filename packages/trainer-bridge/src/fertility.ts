import type { Catalog } from "@soro/core";
import { ensureBridgeTables } from "./catalog-ext.js";
import { tokenizerKey } from "./counts.js";
import { TokenPool } from "./pool.js";
import type { TokenizerSpec } from "./tokenizer.js";

/** Languages whose lines fertility is measured on: the corpus's own, and the two a Tajik site mixes in. */
export const FERTILITY_LANGS = ["tgk", "rus", "eng"] as const;

/** Tokens per word and per character of one language's lines from one source. */
export interface FertilityRow {
  lang: string;
  source: string;
  lines: number;
  words: number;
  chars: number;
  tokens: number;
}

/** Options of a fertility measurement. */
export interface FertilityOptions {
  /** Stage whose lines are sampled; normalize labels every line and still holds every language (default). */
  stage?: string;
  /** Lines per language and source, a seeded sample (default 2000). */
  maxLines?: number;
  tokenizer?: TokenizerSpec;
  /**
   * Workers to tokenize in, left open: those that just counted already hold the tokenizer, where this thread would
   * load another (~460 MB, ~1.3 s). Default: this thread.
   */
  pool?: TokenPool;
}

/**
 * Measures the tokenizer's fertility (tokens per word, per character) on a sample of lines of each language
 * normalize labelled (`line_langs`), per document source, and stores it in `trainer_bridge_fertility` (replacing
 * the stage's earlier rows for this tokenizer), so the report can show what a Tajik word costs next to Russian and
 * English ones.
 */
export async function measureFertility(
  catalog: Catalog,
  opts: FertilityOptions = {},
): Promise<FertilityRow[]> {
  await ensureBridgeTables(catalog);
  const stage = opts.stage ?? "normalize";
  const table = await catalog.stageTableSql(stage);
  if (!table) return [];
  const max = opts.maxLines ?? 2000;
  // Lines paired with their labels by position; hash order is a fixed pseudo-random sample. A top-n aggregate per
  // language and source keeps only `max` lines each while it reads, where a window over every line held them all.
  const rows = await catalog.rows(
    `WITH lines AS (
       SELECT source, unnest(string_split(text, chr(10))) AS line, unnest(line_langs) AS lang
       FROM ${table} WHERE line_langs IS NOT NULL AND len(string_split(text, chr(10))) = len(line_langs)),
     picked AS (
       SELECT lang, source, arg_min(line, hash(line), ${max}) AS sample
       FROM lines WHERE lang IN ('tgk', 'rus', 'eng') AND length(trim(line)) >= 20 GROUP BY lang, source)
     SELECT lang, source, unnest(sample) AS line FROM picked ORDER BY lang, source`,
  );
  if (rows.length === 0) return [];
  const lines = rows.map((r) => String(r.line));
  const { lengths } = await (opts.pool ?? new TokenPool(0)).lines({ lines, tokenizer: opts.tokenizer ?? {} });
  const by = new Map<string, FertilityRow>();
  rows.forEach((r, i) => {
    const key = `${r.lang}\t${r.source}`;
    const row = by.get(key) ?? {
      lang: String(r.lang),
      source: String(r.source),
      lines: 0,
      words: 0,
      chars: 0,
      tokens: 0,
    };
    row.lines++;
    const line = lines[i] ?? "";
    row.words += line.split(/\s+/).filter(Boolean).length;
    row.chars += line.length;
    row.tokens += lengths[i] ?? 0;
    by.set(key, row);
  });
  const out = [...by.values()];
  const key = tokenizerKey(opts.tokenizer);
  await catalog.transaction(async () => {
    await catalog.conn.run(`DELETE FROM trainer_bridge_fertility WHERE tokenizer = $1 AND stage = $2`, [
      key,
      stage,
    ]);
    for (const r of out)
      await catalog.conn.run(
        `INSERT INTO trainer_bridge_fertility (tokenizer, stage, lang, source, lines, words, chars, tokens)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [key, stage, r.lang, r.source, r.lines, r.words, r.chars, r.tokens],
      );
  });
  return out;
}
