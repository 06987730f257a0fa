import { data } from "franc-all/data.js";

/** Writing systems whose languages are scored by trigrams (franc-all's models, trained on UDHR translations). */
export type TrigramScript = "Cyrillic" | "Arabic" | "Latin";

/**
 * One script's trigram models as an inverted index: per trigram, the languages whose top-300 list holds it and the
 * log-probability gain over an unseen trigram. A text is scored against every language at once by looking up each
 * of its trigrams once, so scoring 35 (Cyrillic) or 329 (Latin) languages costs about the same as scoring a few.
 */
export interface TrigramIndex {
  langs: string[];
  gain: Map<string, { lang: Uint16Array; gain: Float64Array }>;
}

/** Rank smoothing: p(rank r) is proportional to 1/(r + RANK_OFFSET) (Zipf over franc's frequency ranks). */
const RANK_OFFSET = 10;
/** An unseen trigram is this much less likely than the last-ranked one. */
const UNSEEN_FACTOR = 0.25;

const indexes = new Map<TrigramScript, TrigramIndex>();

/**
 * The trigram index of a script, built on first use; `only` keeps some of its languages (the first call for a
 * script decides).
 */
export function trigramIndex(script: TrigramScript, only?: ReadonlySet<string>): TrigramIndex {
  const cached = indexes.get(script);
  if (cached) return cached;
  const models = data[script] ?? {};
  const langs = Object.keys(models)
    .filter((l) => !only || only.has(l))
    .sort();
  const rows = new Map<string, Array<[number, number]>>();
  langs.forEach((lang, li) => {
    const list = (models[lang] ?? "").split("|");
    let z = 0;
    for (let r = 0; r < list.length; r++) z += 1 / (r + RANK_OFFSET);
    const unseen = Math.log(UNSEEN_FACTOR / (list.length + RANK_OFFSET) / z);
    list.forEach((t, r) => {
      const g = Math.log(1 / (r + RANK_OFFSET) / z) - unseen;
      const row = rows.get(t) ?? [];
      row.push([li, g]);
      rows.set(t, row);
    });
  });
  const gain = new Map<string, { lang: Uint16Array; gain: Float64Array }>();
  for (const [t, row] of rows)
    gain.set(t, { lang: Uint16Array.from(row, (x) => x[0]), gain: Float64Array.from(row, (x) => x[1]) });
  const index = { langs, gain };
  indexes.set(script, index);
  return index;
}

/** Characters of a text read for trigrams (franc reads 2048; a little more steadies long lines). */
export const TRIGRAM_TEXT_LIMIT = 3000;

/**
 * Mean log-probability gain per trigram of a text under every language of the index (same order as `langs`), and
 * the number of trigrams read. Letters are lower-cased; everything that is not a letter or mark separates words.
 */
export function trigramScores(text: string, index: TrigramIndex): { scores: Float64Array; n: number } {
  const clean = ` ${text
    .slice(0, TRIGRAM_TEXT_LIMIT)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}]+/gu, " ")
    .trim()} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= clean.length; i++) {
    const t = clean.slice(i, i + 3);
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const scores = new Float64Array(index.langs.length);
  let n = 0;
  for (const [t, c] of counts) {
    n += c;
    const row = index.gain.get(t);
    if (!row) continue;
    for (let j = 0; j < row.lang.length; j++) scores[row.lang[j]!]! += c * row.gain[j]!;
  }
  if (n > 0) for (let j = 0; j < scores.length; j++) scores[j]! /= n;
  return { scores, n };
}
