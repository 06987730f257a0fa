// The `learn` that came before, kept as the bench's peer: three queries (totals, words, bigrams) over the whole
// normalize output on the catalog's own connection (no memory limit, no batches), each reading and splitting the
// text again. Run as its own process so its time and peak RSS are its own:
// node --import tsx packages/normalize/bench/learn-peer.ts WORKSPACE OUT
import { Catalog } from "@soro/core";
import { DEFAULT_CORPUS_COUNTS } from "../src/defaults.js";
import { TAJIK_ALPHABET, TAJIK_SPECIAL } from "../src/letters.js";
import { BOS, defaultModel, saveModel } from "../src/model.js";
import { ModelCounter } from "../src/model-build.js";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) throw new Error("usage: learn-peer.ts WORKSPACE OUT");
const catalog = await Catalog.open(dir, { readOnly: true });
const table = await catalog.stageTableSql("normalize");
const { minCount, minScore } = DEFAULT_CORPUS_COUNTS;
const where = `lang = 'tgk' AND script = 'cyrl' AND encoding IN ('none', 'russian_keyboard')
  AND repairs * 200 <= length(text) AND lang_score >= ${minScore}`;
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
   ORDER BY c DESC, w LIMIT 600000`,
);
const bigrams = await catalog.rows(
  `SELECT p[1] AS a, p[2] AS b, count(*)::BIGINT AS c FROM (
     SELECT unnest(list_zip(['${BOS}'] || ws, ws)) AS p FROM (${clean}) WHERE len(ws) > 0
   ) WHERE p[2] IS NOT NULL GROUP BY ALL HAVING count(*) >= ${minCount} ORDER BY c DESC, a, b LIMIT 1500000`,
);
const counter = new ModelCounter();
counter.addModel(defaultModel());
counter.addCounts(
  `workspace ${dir}: ${Number(stats?.docs)} documents`,
  "the workspace's own text",
  unigrams.map((r) => [String(r.w), Number(r.c)]),
  bigrams.map((r) => [`${r.a}\t${r.b}`, Number(r.c)]),
  { lines: Number(stats?.lines ?? 0), words: Number(stats?.words ?? 0) },
);
saveModel(
  out,
  { version: "peer", sources: counter.sources, minBigram: minCount, charOrder: 5 },
  counter.counts({ minBigram: 1 }),
);
catalog.close();
console.log(`peer model: ${Number(stats?.lines)} lines, ${Number(stats?.words)} words -> ${out}`);
