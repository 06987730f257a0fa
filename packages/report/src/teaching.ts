import { type Catalog, hostSql } from "@soro/core";
import { stageColumns } from "./catalog-sql.js";
import { type Histogram, histogram, keptSql, type ReportRule } from "./corpus.js";
import { num } from "./tables.js";

/** The safety categories the quality stage scores (columns `unsafe_<category>`). */
const SAFETY = ["adult", "violence", "extremism", "hate"] as const;
/** The score from which a document is worth a look, and the one the default rules drop above. */
const REVIEW_SCORE = 0.5;
const DROP_SCORE = 0.9;

/** Documents of one safety category: flagged for review, above the drop line, and how many reached the final corpus. */
export interface SafetyCount {
  category: string;
  review: number;
  high: number;
  kept: number;
}

/** One unsafe-looking document, clipped and with its matched terms masked, for the report. */
export interface SafetySample {
  category: string;
  id: string;
  source: string;
  host: string | null;
  score: number;
  terms: string[];
  excerpt: string;
}

/** The teaching signals of the quality stage: reading grade, educational value, safety. */
export interface TeachingFigures {
  stage: string;
  grade: Histogram | null;
  /** Final documents by rounded reading grade and source. */
  gradeBySource: Array<{ source: string; grade: number; docs: number }>;
  edu: Histogram | null;
  safety: { counts: SafetyCount[]; hosts: SafetyCount; samples: SafetySample[] } | null;
}

/** Characters of a sample's excerpt. */
const EXCERPT = 160;

/**
 * A document's text clipped to its first characters, every word that a matched term names (`term` whole, `stem*` as
 * a prefix) masked to its first letter: enough to judge the flag without reproducing the content.
 */
export function maskedExcerpt(text: string, terms: string[], chars = EXCERPT): string {
  const labels = terms.map((t) =>
    t
      .replace(/^[a-z]+:/, "")
      .replace(/×\d+$/, "")
      .toLowerCase(),
  );
  const words = labels.flatMap((l) => l.split(/\s+/));
  const clipped = text.replace(/\s+/g, " ").trim().slice(0, chars);
  const masked = clipped.replace(/[\p{L}\p{M}]+/gu, (w) => {
    const lw = w.toLowerCase();
    const hit = words.some((t) => (t.endsWith("*") ? lw.startsWith(t.slice(0, -1)) : lw.startsWith(t)));
    return hit ? `${w[0]}${"•".repeat(Math.max(2, w.length - 1))}` : w;
  });
  return masked.length < text.length ? `${masked}…` : masked;
}

/** Whether a row's safety columns flag it (a category at the review score, or a listed host). */
export function isFlaggedUnsafe(r: Record<string, unknown>): boolean {
  return SAFETY.some((c) => Number(r[`unsafe_${c}`] ?? 0) >= REVIEW_SCORE) || Number(r.unsafe_host ?? 0) > 0;
}

/** Reading grade, educational value and safety figures over the quality stage, split by the final stage's survivors. */
export async function teachingFigures(
  catalog: Catalog,
  final: string | null,
  rules: ReportRule[],
): Promise<TeachingFigures | null> {
  const table = await catalog.stageTableSql("quality");
  if (!table) return null;
  const cols = await stageColumns(catalog, "quality");
  const fin = final && final !== "quality" ? await catalog.stageTableSql(final) : null;
  const kept = keptSql(fin);
  const out: TeachingFigures = { stage: "quality", grade: null, gradeBySource: [], edu: null, safety: null };
  if (cols.has("reading_grade")) {
    out.grade = await histogram(catalog, table, kept, "reading_grade", rules, { fixed: [1, 13] });
    out.gradeBySource = (
      await catalog.rows(
        `SELECT source, round(reading_grade)::INTEGER AS grade, count(*) AS docs FROM ${table} t
         WHERE reading_grade IS NOT NULL AND ${kept} GROUP BY ALL ORDER BY source, grade`,
      )
    ).map((r) => ({ source: String(r.source), grade: num(r.grade), docs: num(r.docs) }));
  }
  if (cols.has("edu_score"))
    out.edu = await histogram(catalog, table, kept, "edu_score", rules, { fixed: [0, 5] });
  if (SAFETY.every((c) => cols.has(`unsafe_${c}`))) {
    const counts: SafetyCount[] = [];
    const samples: SafetySample[] = [];
    for (const c of SAFETY) {
      const col = `unsafe_${c}`;
      const [r] = await catalog.rows(
        `SELECT count(*) FILTER (WHERE ${col} >= ${REVIEW_SCORE}) AS review,
                count(*) FILTER (WHERE ${col} > ${DROP_SCORE}) AS high,
                count(*) FILTER (WHERE ${col} >= ${REVIEW_SCORE} AND ${kept}) AS kept
         FROM ${table} t`,
      );
      counts.push({ category: c, review: num(r?.review), high: num(r?.high), kept: num(r?.kept) });
      const top = await catalog.rows(
        `SELECT id, source, ${hostSql()} AS host, ${col} AS score, unsafe_terms AS terms, text FROM ${table} t
         WHERE ${col} >= ${REVIEW_SCORE} ORDER BY ${col} DESC, id LIMIT 3`,
      );
      for (const s of top) {
        const terms = ((s.terms as string[] | null) ?? []).filter((t) => t.startsWith(`${c}:`));
        samples.push({
          category: c,
          id: String(s.id),
          source: String(s.source),
          host: (s.host as string | null) ?? null,
          score: num(s.score),
          terms,
          excerpt: maskedExcerpt(String(s.text), terms),
        });
      }
    }
    const [h] = cols.has("unsafe_host")
      ? await catalog.rows(
          `SELECT count(*) FILTER (WHERE unsafe_host > 0) AS n, count(*) FILTER (WHERE unsafe_host > 0 AND ${kept}) AS kept
           FROM ${table} t`,
        )
      : [];
    out.safety = {
      counts,
      hosts: { category: "listed host", review: num(h?.n), high: num(h?.n), kept: num(h?.kept) },
      samples,
    };
  }
  return out;
}
