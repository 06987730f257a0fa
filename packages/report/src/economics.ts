import { type Catalog, CHARS_PER_TOKEN } from "@soro/core";
import { hasTable, stageColumns } from "./catalog-sql.js";
import { num } from "./tables.js";

/** Gemma 3 tokens per word and per character of one language's lines (from one source, or all: `*`). */
export interface FertilityFigure {
  lang: string;
  source: string;
  lines: number;
  tokensPerWord: number;
  charsPerToken: number;
}

/** One source of the final corpus and what the token goal means for it. */
export interface SourceTokens {
  source: string;
  docs: number;
  tokens: number;
  tokensPerWord: number;
  charsPerToken: number;
  tokensPerDoc: number;
  /** Documents of this source the goal needs at the current mix (its share of tokens kept). */
  docsAtMix: number;
  /** Documents of this source alone that would make the goal. */
  docsAlone: number;
}

/** Token economics: fertility by language and source, and the goal in documents per source. */
export interface TokenFigures {
  goal: number;
  /** Whether the final stage's tokens were counted (else estimated at 2.3 characters per token). */
  counted: boolean;
  fertility: FertilityFigure[];
  sources: SourceTokens[];
}

/** How much of the SFT set's text also sits in the pretraining shards (`soro sft overlap`). */
export interface OverlapFigures {
  stage: string;
  ngram: number;
  parts: Array<{ part: string; samples: number; samplesHit: number; ngrams: number; ngramsHit: number }>;
}

/** Reads the trainer bridge's fertility sample and the final stage's per-document token counts. */
export async function tokenFigures(catalog: Catalog, final: string | null): Promise<TokenFigures | null> {
  const table = final ? await catalog.stageTableSql(final) : null;
  if (!table || !final) return null;
  const bridge = await hasTable(catalog, "trainer_bridge_goal");
  const [g] = bridge
    ? await catalog.rows(`SELECT goal_tokens FROM trainer_bridge_goal WHERE stage = $1`, [final])
    : [];
  const goal = num(g?.goal_tokens) || 1_900_000_000;
  const fertility: FertilityFigure[] = (await hasTable(catalog, "trainer_bridge_fertility"))
    ? (
        await catalog.rows(
          `SELECT lang, source, sum(lines) AS lines, sum(words) AS words, sum(chars) AS chars, sum(tokens) AS tokens
           FROM trainer_bridge_fertility WHERE tokenizer = 'gemma3'
           GROUP BY GROUPING SETS ((lang), (lang, source)) ORDER BY lang, source NULLS FIRST`,
        )
      ).map((r) => ({
        lang: String(r.lang),
        source: r.source === null ? "*" : String(r.source),
        lines: num(r.lines),
        tokensPerWord: num(r.tokens) / Math.max(1, num(r.words)),
        charsPerToken: num(r.chars) / Math.max(1, num(r.tokens)),
      }))
    : [];
  const cols = await stageColumns(catalog, final);
  const counted = await hasTable(catalog, "trainer_bridge_doc_tokens");
  const words = cols.has("q_words") ? "t.q_words" : "len(string_split_regex(trim(t.text), '\\s+'))";
  // Exact Gemma 3 counts where the bridge counted the document, else characters / 2.3.
  const counts = counted
    ? `(SELECT doc_id, max(tokens) AS tokens FROM trainer_bridge_doc_tokens WHERE tokenizer = 'gemma3' GROUP BY 1)`
    : `(SELECT NULL::VARCHAR AS doc_id, NULL::BIGINT AS tokens WHERE false)`;
  const rows = await catalog.rows(
    `SELECT t.source, count(*) AS docs, sum(coalesce(k.tokens, round(length(t.text) / ${CHARS_PER_TOKEN}))) AS tokens,
            sum(${words}) AS words, sum(length(t.text)) AS chars, count(k.tokens) AS exact
     FROM ${table} t LEFT JOIN ${counts} k ON k.doc_id = t.id GROUP BY 1 ORDER BY tokens DESC`,
  );
  const total = rows.reduce((s, r) => s + num(r.tokens), 0);
  const sources = rows.map((r) => {
    const docs = num(r.docs);
    const tok = num(r.tokens);
    return {
      source: String(r.source),
      docs,
      tokens: tok,
      tokensPerWord: tok / Math.max(1, num(r.words)),
      charsPerToken: num(r.chars) / Math.max(1, tok),
      tokensPerDoc: tok / Math.max(1, docs),
      docsAtMix: total > 0 ? Math.round((docs * goal) / total) : 0,
      docsAlone: tok > 0 ? Math.round((goal * docs) / tok) : 0,
    };
  });
  return {
    goal,
    counted: counted && rows.every((r) => num(r.exact) === num(r.docs)),
    fertility,
    sources,
  };
}

/** The SFT ↔ pretraining overlap `soro sft overlap` stored, per part (instruction, answer). */
export async function overlapFigures(catalog: Catalog): Promise<OverlapFigures | null> {
  if (!(await hasTable(catalog, "sft_overlap_samples"))) return null;
  const rows = await catalog.rows(
    `SELECT stage, ngram, part, count(*) AS samples, count(*) FILTER (WHERE hits > 0) AS hit, sum(ngrams) AS ngrams,
            sum(hits) AS hits
     FROM sft_overlap_samples GROUP BY ALL ORDER BY part`,
  );
  const [first] = rows;
  if (!first) return null;
  return {
    stage: String(first.stage),
    ngram: num(first.ngram),
    parts: rows.map((r) => ({
      part: String(r.part),
      samples: num(r.samples),
      samplesHit: num(r.hit),
      ngrams: num(r.ngrams),
      ngramsHit: num(r.hits),
    })),
  };
}
