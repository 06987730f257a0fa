import { type Catalog, SoroError } from "@soro/core";
import { DEFAULT_CORPUS_COUNTS } from "./defaults.js";
import { TAJIK_ALPHABET } from "./letters.js";
import { Lexicon } from "./lexicon.js";

/**
 * Builds a lexicon from the Tajik lines of the Tajik Cyrillic documents of a catalog (active normalize output with lang = 'tgk', written
 * in Cyrillic originally, so no guess of the mapping feeds back into the lexicon); words are counted by DuckDB.
 */
export async function buildCatalogLexicon(
  catalog: Catalog,
  options: { minScore?: number; minCount?: number; base?: Lexicon } = {},
): Promise<{ lexicon: Lexicon; docs: number }> {
  const table = await catalog.stageTableSql("normalize");
  if (!table)
    throw new SoroError(
      "soro normalize lexicon build: no normalize output in this workspace",
      "run `soro normalize` first",
      2,
    );
  const where = `lang = 'tgk' AND script = 'cyrl' AND lang_score >= ${Number(options.minScore ?? DEFAULT_CORPUS_COUNTS.minScore)}`;
  const docs = await catalog.rows(`SELECT count(*)::INTEGER AS n FROM ${table} WHERE ${where}`);
  // Lines and their labels unnest side by side, so the Russian lines of a Tajik page stay out.
  const rows = await catalog.rows(
    `SELECT w, count(*)::INTEGER AS c FROM (
       SELECT unnest(regexp_extract_all(lower(line), '[${TAJIK_ALPHABET}]+')) AS w FROM (
         SELECT unnest(string_split(text, chr(10))) AS line, unnest(line_langs) AS l FROM ${table} WHERE ${where}
       ) WHERE l = 'tgk'
     ) GROUP BY w HAVING count(*) >= ${Number(options.minCount ?? DEFAULT_CORPUS_COUNTS.minCount)}`,
  );
  const counts = new Map(options.base?.counts);
  for (const r of rows) {
    const w = String(r.w);
    if (/[аеёиӣоуӯэюя]/.test(w)) counts.set(w, (counts.get(w) ?? 0) + Number(r.c));
  }
  return { lexicon: new Lexicon(counts), docs: Number(docs[0]?.n ?? 0) };
}
