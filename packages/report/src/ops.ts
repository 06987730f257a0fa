import type { Catalog } from "@soro/core";
import { currentConfigs, hasTable, sqlList, tableColumns } from "./catalog-sql.js";
import type { ReportRule } from "./corpus.js";
import { num } from "./tables.js";
import { isFlaggedUnsafe, maskedExcerpt } from "./teaching.js";

/** Dedup clusters of the current dedup configuration. */
export interface DedupFigures {
  clusters: number;
  docsInClusters: number;
  sizes: Array<{ size: number; clusters: number }>;
  members: Array<{ rule: string; docs: number }>;
  repeatedLines: number;
}

/** Cluster sizes and member verdicts (null when dedup has not run). */
export async function dedupFigures(catalog: Catalog): Promise<DedupFigures | null> {
  if (!(await hasTable(catalog, "dedup_clusters"))) return null;
  const configs = sqlList(await currentConfigs(catalog, "dedup"));
  const sizes = await catalog.rows(
    `SELECT size, count(*) AS clusters FROM dedup_clusters WHERE config_hash IN ${configs} GROUP BY size ORDER BY size`,
  );
  if (sizes.length === 0 && (await currentConfigs(catalog, "dedup")).length === 0) return null;
  const members = await catalog.rows(
    `SELECT rule, count(*) AS docs FROM dedup_members WHERE config_hash IN ${configs} GROUP BY rule ORDER BY docs DESC`,
  );
  const [lines] = await catalog.rows(`SELECT count(*) AS n FROM dedup_lines WHERE config_hash IN ${configs}`);
  const s = sizes.map((r) => ({ size: num(r.size), clusters: num(r.clusters) }));
  return {
    clusters: s.reduce((n, r) => n + r.clusters, 0),
    docsInClusters: s.reduce((n, r) => n + r.size * r.clusters, 0),
    sizes: s,
    members: members.map((r) => ({ rule: String(r.rule), docs: num(r.docs) })),
    repeatedLines: num(lines?.n),
  };
}

/** Crawl health from the fetch log. */
export interface CrawlFigures {
  fetches: number;
  bytes: number;
  hosts: number;
  statuses: Array<{ key: string; fetches: number }>;
  outcomes: Array<{ key: string; fetches: number }>;
  errors: Array<{ key: string; fetches: number }>;
  topHosts: Array<{ key: string; fetches: number; bytes: number; failed: number }>;
  frontier: Array<{ key: string; fetches: number }>;
}

/** Status codes, outcomes, errors and bytes of the crawl (null without a crawl). */
export async function crawlFigures(catalog: Catalog): Promise<CrawlFigures | null> {
  if (!(await hasTable(catalog, "crawl_fetches"))) return null;
  const [t] = await catalog.rows(
    `SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes, count(DISTINCT host) AS hosts FROM crawl_fetches`,
  );
  const group = async (sql: string) =>
    (await catalog.rows(sql)).map((r) => ({ key: String(r.key), fetches: num(r.n) }));
  const hosts = await catalog.rows(
    `SELECT host AS key, count(*) AS n, coalesce(sum(bytes), 0) AS bytes,
            count(*) FILTER (WHERE status IS NULL OR status >= 400) AS failed
     FROM crawl_fetches GROUP BY host ORDER BY bytes DESC, n DESC, key LIMIT 15`,
  );
  return {
    fetches: num(t?.n),
    bytes: num(t?.bytes),
    hosts: num(t?.hosts),
    statuses: await group(
      `SELECT coalesce(CAST(status AS VARCHAR), 'no response') AS key, count(*) AS n FROM crawl_fetches GROUP BY 1 ORDER BY 1`,
    ),
    outcomes: await group(
      `SELECT outcome AS key, count(*) AS n FROM crawl_fetches GROUP BY 1 ORDER BY n DESC, key`,
    ),
    errors: await group(
      `SELECT left(error, 120) AS key, count(*) AS n FROM crawl_fetches WHERE error IS NOT NULL
       GROUP BY 1 ORDER BY n DESC, key LIMIT 10`,
    ),
    topHosts: hosts.map((r) => ({
      key: String(r.key),
      fetches: num(r.n),
      bytes: num(r.bytes),
      failed: num(r.failed),
    })),
    frontier: (await hasTable(catalog, "crawl_frontier"))
      ? await group(`SELECT status AS key, count(*) AS n FROM crawl_frontier GROUP BY 1 ORDER BY n DESC, key`)
      : [],
  };
}

/** SFT samples by status and, where a review table exists, reviewer agreement. */
export interface SftFigures {
  samples: number;
  statuses: Array<{ key: string; samples: number }>;
  review: { table: string; reviews: number; samplesReviewedTwice: number; agreement: number | null } | null;
}

/** Finds a review table (issue 10) and the columns naming the sample, the reviewer and the verdict. */
async function reviewTable(
  catalog: Catalog,
): Promise<{ table: string; sample: string; reviewer: string; verdict: string } | null> {
  const tables = await catalog.rows(
    `SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'sft\\_%review%' ESCAPE '\\' ORDER BY 1`,
  );
  for (const { table_name } of tables) {
    const cols = await tableColumns(catalog, String(table_name));
    const pick = (names: string[]) => names.find((n) => cols.has(n));
    const sample = pick(["sample_id"]);
    const reviewer = pick(["reviewer", "reviewer_id", "user", "annotator"]);
    const verdict = pick(["verdict", "decision", "label", "status"]);
    if (sample && reviewer && verdict) return { table: String(table_name), sample, reviewer, verdict };
  }
  return null;
}

/** SFT review progress (null when there is no sft_samples table). */
export async function sftFigures(catalog: Catalog): Promise<SftFigures | null> {
  if (!(await hasTable(catalog, "sft_samples"))) return null;
  const statuses = (
    await catalog.rows(`SELECT status AS key, count(*) AS n FROM sft_samples GROUP BY 1 ORDER BY n DESC, key`)
  ).map((r) => ({ key: String(r.key), samples: num(r.n) }));
  const rt = await reviewTable(catalog);
  let review: SftFigures["review"] = null;
  if (rt) {
    const [r] = await catalog.rows(
      `SELECT sum(n) AS reviews, count(*) FILTER (WHERE reviewers >= 2) AS twice,
              count(*) FILTER (WHERE reviewers >= 2 AND verdicts = 1) AS agreed
       FROM (SELECT "${rt.sample}", count(*) AS n, count(DISTINCT "${rt.reviewer}") AS reviewers,
                    count(DISTINCT "${rt.verdict}") AS verdicts FROM "${rt.table}" GROUP BY 1)`,
    );
    const twice = num(r?.twice);
    review = {
      table: rt.table,
      reviews: num(r?.reviews),
      samplesReviewedTwice: twice,
      agreement: twice > 0 ? num(r?.agreed) / twice : null,
    };
  }
  return { samples: statuses.reduce((n, s) => n + s.samples, 0), statuses, review };
}

/** Quarantined inputs per stage and reason. */
export async function quarantineFigures(
  catalog: Catalog,
): Promise<Array<{ stage: string; reason: string; count: number }>> {
  const rows = await catalog.rows(
    `SELECT stage, left(reason, 100) AS reason, count(*) AS n FROM quarantine_open GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT 30`,
  );
  return rows.map((r) => ({ stage: String(r.stage), reason: String(r.reason), count: num(r.n) }));
}

/** One removed document shown so a person can judge the rule that removed it. */
export interface RemovedSample {
  id: string;
  source: string;
  where: string;
  text: string;
  /** The values of the columns the rule reads, or what it was a duplicate of. */
  detail: string;
  /** Flagged by the safety signals: the text is clipped and masked. */
  unsafe?: boolean;
}

/** Sampled removed documents of one rule. */
export interface RuleSamples {
  stage: string;
  rule: string;
  why: string;
  samples: RemovedSample[];
}

const CLIP = 480;
const PER_RULE = 3;

/** A few removed documents per selection rule and per dedup verdict, chosen by id hash (stable between runs). */
export async function removedSamples(catalog: Catalog, rules: ReportRule[]): Promise<RuleSamples[]> {
  const out: RuleSamples[] = [];
  const removed = await catalog.stageTableSql("select_removed");
  if (removed) {
    const rows = await catalog.rows(
      `SELECT * FROM ${removed} QUALIFY row_number() OVER (PARTITION BY removed_by ORDER BY hash(id), id) <= ${PER_RULE}
       ORDER BY removed_by, hash(id), id`,
    );
    for (const rule of rules) {
      const mine = rows.filter((r) => r.removed_by === rule.name);
      const cols = [...new Set(rule.all.map((c) => c.column))];
      out.push({
        stage: "select",
        rule: rule.name,
        why: rule.why,
        samples: mine.map((r) => ({
          ...base(r),
          detail: cols.map((c) => `${c}=${fmtValue(r[c])}`).join("  "),
        })),
      });
    }
  }
  const sigs = await catalog.stageTableSql("minhash");
  if (sigs && (await hasTable(catalog, "dedup_members"))) {
    const configs = sqlList(await currentConfigs(catalog, "dedup"));
    const rows = await catalog.rows(
      `SELECT m.rule, m.jaccard_est, c.survivor_id, c.size, t.*
       FROM dedup_members m JOIN dedup_clusters c USING (config_hash, cluster_id) JOIN ${sigs} t ON t.id = m.doc_id
       WHERE m.config_hash IN ${configs} AND m.rule IN ('exact_duplicate', 'near_duplicate')
       QUALIFY row_number() OVER (PARTITION BY m.rule ORDER BY hash(m.doc_id), m.doc_id) <= ${PER_RULE}
       ORDER BY m.rule, hash(m.doc_id), m.doc_id`,
    );
    for (const rule of ["exact_duplicate", "near_duplicate"]) {
      const mine = rows.filter((r) => r.rule === rule);
      if (mine.length === 0) continue;
      out.push({
        stage: "dedup",
        rule,
        why:
          rule === "exact_duplicate"
            ? "the same text (after folding) as the cluster's survivor"
            : "MinHash near-duplicate of the cluster's survivor",
        samples: mine.map((r) => ({
          ...base(r),
          detail: `kept instead: ${String(r.survivor_id).slice(0, 16)}  cluster size ${num(r.size)}${
            r.jaccard_est === null ? "" : `  jaccard≈${Number(r.jaccard_est).toFixed(2)}`
          }`,
        })),
      });
    }
    const lines = await catalog.rows(
      `SELECT docs, example FROM dedup_lines WHERE config_hash IN ${configs} AND example IS NOT NULL
       ORDER BY docs DESC, example LIMIT ${PER_RULE}`,
    );
    if (lines.length > 0) {
      out.push({
        stage: "dedup",
        rule: "repeated_lines",
        why: "lines repeated across many documents (boilerplate), cut from the survivors",
        samples: lines.map((r, i) => ({
          id: `line ${i + 1}`,
          source: "",
          where: "",
          text: clip(String(r.example)),
          detail: `in ${num(r.docs)} documents`,
        })),
      });
    }
  }
  const quarantined = await catalog.rows(
    `SELECT stage, input, reason, excerpt FROM quarantine_open
     QUALIFY row_number() OVER (PARTITION BY stage ORDER BY quarantine_id) <= ${PER_RULE} ORDER BY stage, quarantine_id`,
  );
  for (const stage of [...new Set(quarantined.map((r) => String(r.stage)))]) {
    out.push({
      stage,
      rule: "quarantined",
      why: "inputs the stage could not use, kept with their reason",
      samples: quarantined
        .filter((r) => r.stage === stage)
        .map((r) => ({
          id: String(r.input),
          source: "",
          where: "",
          text: clip(r.excerpt === null ? "" : String(r.excerpt)),
          detail: String(r.reason),
        })),
    });
  }
  return out;
}

function clip(text: string): string {
  return text.length > CLIP ? `${text.slice(0, CLIP)}…` : text;
}

function base(r: Record<string, unknown>): Omit<RemovedSample, "detail"> {
  // A document the safety signals flag is shown only clipped, its matched terms masked (and blurred in the page).
  const unsafe = isFlaggedUnsafe(r);
  return {
    id: String(r.id),
    source: String(r.source ?? ""),
    where: String(r.url ?? r.path ?? ""),
    text: unsafe
      ? maskedExcerpt(String(r.text ?? ""), (r.unsafe_terms as string[] | null) ?? [])
      : clip(String(r.text ?? "")),
    ...(unsafe ? { unsafe } : {}),
  };
}

function fmtValue(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return v === null || v === undefined ? "NULL" : String(v);
}
