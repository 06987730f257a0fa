import type { Catalog } from "@soro/core";
import { estimateTokens, hostSql, licenceSql, sqlIdent } from "@soro/core";
import { SOURCE_STAGES, stageColumns } from "./catalog-sql.js";
import { num, stagesTableSql } from "./tables.js";

/** Documents, characters and estimated tokens of one group, raw and final. */
export interface MixRow {
  key: string;
  rawDocs: number;
  rawChars: number;
  docs: number;
  chars: number;
  tokens: number;
}

/** A count per category, with how many of them reached the final corpus. */
export interface CountRow {
  key: string;
  docs: number;
  kept: number;
}

/** One histogram bin: [lo, hi), documents kept and removed. */
export interface Bin {
  lo: number;
  hi: number;
  kept: number;
  removed: number;
}

/** A histogram of one column with the rule thresholds on it. */
export interface Histogram {
  column: string;
  rule: string | null;
  log: boolean;
  bins: Bin[];
  thresholds: number[];
  /** Documents with no value (counted nowhere in the bins). */
  missing: number;
}

/** A rule as the selection config holds it (only what the report reads). */
export interface ReportRule {
  name: string;
  why: string;
  all: Array<{ column: string; min?: number; max?: number; in?: Array<string | number> }>;
  sources?: Record<string, unknown>;
}

const tokens = estimateTokens;

/** Whether `id` is in the final stage, as SQL over alias `t` (all kept when there is no final stage). */
export function keptSql(finalTable: string | null): string {
  return finalTable ? `t.id IN (SELECT id FROM ${finalTable})` : "TRUE";
}

/**
 * Documents and characters per key (source, host) in the raw sources and in the final stage; `keySql` may differ
 * between the two where a column exists in only one of them.
 */
async function mix(
  catalog: Catalog,
  final: string | null,
  keySql: string | { raw: string; final: string },
  limit: number,
): Promise<MixRow[]> {
  const key = typeof keySql === "string" ? { raw: keySql, final: keySql } : keySql;
  const raw = await stagesTableSql(catalog, SOURCE_STAGES);
  const fin = final ? await catalog.stageTableSql(final) : null;
  if (!raw && !fin) return [];
  const part = (table: string | null, prefix: "r" | "f") =>
    table
      ? `SELECT ${prefix === "r" ? key.raw : key.final} AS key, count(*) AS ${prefix}docs, sum(length(text)) AS ${prefix}chars FROM ${table} GROUP BY 1`
      : `SELECT NULL::VARCHAR AS key, 0 AS ${prefix}docs, 0 AS ${prefix}chars WHERE false`;
  const rows = await catalog.rows(
    `SELECT coalesce(r.key, f.key) AS key, r.rdocs, r.rchars, f.fdocs, f.fchars
     FROM (${part(raw, "r")}) r FULL JOIN (${part(fin, "f")}) f ON r.key IS NOT DISTINCT FROM f.key
     ORDER BY coalesce(f.fchars, 0) DESC, coalesce(r.rchars, 0) DESC, 1 LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    key: r.key === null ? "(none)" : String(r.key),
    rawDocs: num(r.rdocs),
    rawChars: num(r.rchars),
    docs: num(r.fdocs),
    chars: num(r.fchars),
    tokens: tokens(num(r.fchars)),
  }));
}

/** The source mix (web, pdf, edu, ...) raw and final. */
export function sourceMix(catalog: Catalog, final: string | null): Promise<MixRow[]> {
  return mix(catalog, final, `"source"`, 50);
}

/** Documents and estimated tokens per licence (SPDX id or `unknown`), raw and final. */
export async function licenceMix(catalog: Catalog, final: string | null): Promise<MixRow[]> {
  const cols = async (stages: string[]) => {
    const all = await Promise.all(stages.map((s) => stageColumns(catalog, s)));
    return all.map((c) => [...c]);
  };
  return mix(
    catalog,
    final,
    { raw: licenceSql(await cols(SOURCE_STAGES)), final: licenceSql(final ? await cols([final]) : []) },
    50,
  );
}

/** The hosts of web documents with the most final characters. */
export function topHosts(catalog: Catalog, final: string | null, limit = 15): Promise<MixRow[]> {
  return mix(catalog, final, `CASE WHEN url IS NULL THEN NULL ELSE ${hostSql()} END`, limit + 1).then(
    (rows) => rows.filter((r) => r.key !== "(none)").slice(0, limit),
  );
}

/** Language and script figures of the normalize stage, with how many documents of each reached the final stage. */
export interface LanguageFigures {
  script: CountRow[];
  encoding: CountRow[];
  lang: CountRow[];
  langScore: Histogram | null;
  /** Documents converted from another script (arab, latn) and labelled Tajik: after normalize, final, final tokens. */
  converted: Array<CountRow & { tokens: number }>;
}

/** Counts per value of a normalize column, kept and not. */
async function counts(catalog: Catalog, table: string, kept: string, column: string): Promise<CountRow[]> {
  const rows = await catalog.rows(
    `SELECT coalesce(CAST(${sqlIdent(column)} AS VARCHAR), '(none)') AS key, count(*) AS docs,
            count(*) FILTER (WHERE ${kept}) AS kept
     FROM ${table} t GROUP BY 1 ORDER BY docs DESC, key`,
  );
  return rows.map((r) => ({ key: String(r.key), docs: num(r.docs), kept: num(r.kept) }));
}

/** Script of the original text, repair applied and language after normalisation (null without a normalize stage). */
export async function languageFigures(
  catalog: Catalog,
  final: string | null,
  rules: ReportRule[],
): Promise<LanguageFigures | null> {
  const table = await catalog.stageTableSql("normalize");
  if (!table) return null;
  const cols = await stageColumns(catalog, "normalize");
  const fin = final && final !== "normalize" ? await catalog.stageTableSql(final) : null;
  const kept = keptSql(fin);
  const pick = async (c: string) => (cols.has(c) ? counts(catalog, table, kept, c) : []);
  return {
    script: await pick("script"),
    encoding: await pick("encoding"),
    lang: await pick("lang"),
    langScore: cols.has("lang_score")
      ? await histogram(catalog, table, kept, "lang_score", rules, { fixed: [0, 1] })
      : null,
    converted: cols.has("converted") ? await convertedCounts(catalog, table, fin) : [],
  };
}

/** What conversion from another script added: documents per source script, those in the final stage, their tokens. */
async function convertedCounts(
  catalog: Catalog,
  table: string,
  fin: string | null,
): Promise<Array<CountRow & { tokens: number }>> {
  const rows = await catalog.rows(
    `SELECT t.converted AS key, count(*) AS docs, count(f.id) AS kept, coalesce(sum(length(f.text)), 0) AS chars
     FROM ${table} t LEFT JOIN ${fin ?? table} f ON f.id = t.id
     WHERE t.converted <> '' GROUP BY 1 ORDER BY 1`,
  );
  return rows.map((r) => ({
    key: String(r.key),
    docs: num(r.docs),
    kept: num(r.kept),
    tokens: tokens(num(r.chars)),
  }));
}

/** The thresholds the rules put on a column (default conditions, not per-source ones). */
function thresholdsOf(rules: ReportRule[], column: string): { rule: string | null; values: number[] } {
  for (const r of rules) {
    const values = r.all
      .filter((c) => c.column === column)
      .flatMap((c) => [c.min, c.max])
      .filter((v): v is number => typeof v === "number");
    if (values.length) return { rule: r.name, values };
  }
  return { rule: null, values: [] };
}

/**
 * A histogram of a numeric column in 30 bins over [min, 99th percentile] (widened to show the thresholds; values
 * beyond fall in the last bin), or log10-spaced for counts spanning decades, split into kept and removed.
 */
export async function histogram(
  catalog: Catalog,
  table: string,
  kept: string,
  column: string,
  rules: ReportRule[],
  opts: { fixed?: [number, number]; log?: boolean } = {},
): Promise<Histogram> {
  const col = `CAST(${sqlIdent(column)} AS DOUBLE)`;
  const th = thresholdsOf(rules, column);
  const [range] = await catalog.rows(
    `SELECT min(${col}) AS lo, quantile_cont(${col}, 0.99) AS hi, max(${col}) AS top,
            count(*) FILTER (WHERE ${col} IS NULL OR isnan(${col})) AS missing
     FROM ${table} t`,
  );
  const missing = num(range?.missing);
  const log = opts.log ?? false;
  const tf = (v: number) => (log ? Math.log10(Math.max(v, 1)) : v);
  let lo = opts.fixed?.[0] ?? Math.min(num(range?.lo), ...th.values);
  let hi = opts.fixed?.[1] ?? Math.max(num(range?.hi), ...th.values.map((v) => v * 1.1));
  if (log && !opts.fixed) hi = Math.max(hi, num(range?.top));
  lo = tf(lo);
  hi = tf(hi);
  if (!(hi > lo)) hi = lo + 1;
  const n = 30;
  const width = (hi - lo) / n;
  const x = log ? `log10(greatest(${col}, 1))` : col;
  const rows = await catalog.rows(
    `SELECT least(${n - 1}, greatest(0, floor((${x} - ${lo}) / ${width})))::INTEGER AS b,
            count(*) FILTER (WHERE ${kept}) AS kept, count(*) FILTER (WHERE NOT (${kept})) AS removed
     FROM ${table} t WHERE ${col} IS NOT NULL AND NOT isnan(${col}) GROUP BY 1 ORDER BY 1`,
  );
  const byBin = new Map(rows.map((r) => [num(r.b), r]));
  const bins: Bin[] = [];
  for (let i = 0; i < n; i++) {
    const r = byBin.get(i);
    const a = lo + i * width;
    bins.push({
      lo: log ? 10 ** a : a,
      hi: log ? 10 ** (a + width) : a + width,
      kept: num(r?.kept),
      removed: num(r?.removed),
    });
  }
  return { column, rule: th.rule, log, bins, thresholds: th.values, missing };
}

/** Length and quality-signal histograms over the quality stage (or the first text stage), kept vs removed. */
export async function signalHistograms(
  catalog: Catalog,
  final: string | null,
  rules: ReportRule[],
): Promise<{ stage: string | null; length: Histogram | null; signals: Histogram[] }> {
  const quality = await catalog.stageTableSql("quality");
  const normalize = quality ? null : await catalog.stageTableSql("normalize");
  const stage = quality ? "quality" : normalize ? "normalize" : null;
  const table = quality ?? normalize;
  if (!stage || !table) return { stage: null, length: null, signals: [] };
  const fin = final && final !== stage ? await catalog.stageTableSql(final) : null;
  const kept = keptSql(fin);
  const cols = await stageColumns(catalog, stage);
  const lengthTable = `(SELECT *, length(text) AS doc_chars FROM ${table})`;
  const lengthCol = cols.has("q_words") ? "q_words" : "doc_chars";
  const length = await histogram(catalog, cols.has("q_words") ? table : lengthTable, kept, lengthCol, rules, {
    log: true,
  });
  const signals: Histogram[] = [];
  // lang_score has its own plot in the language section.
  const seen = new Set<string>([lengthCol, "lang_score"]);
  for (const rule of rules) {
    for (const c of rule.all) {
      if (seen.has(c.column) || !cols.has(c.column) || c.in !== undefined) continue;
      seen.add(c.column);
      signals.push(await histogram(catalog, table, kept, c.column, rules));
    }
  }
  return { stage, length, signals };
}
