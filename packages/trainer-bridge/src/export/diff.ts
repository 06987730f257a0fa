import { access, readFile } from "node:fs/promises";
import path from "node:path";
import { openScratchDb, SoroError, sqlString } from "@soro/core";
import type { Manifest } from "./manifest.js";
import { PROVENANCE_FILE } from "./provenance.js";

/** Documents added, removed and changed in one group (a source and licence). */
export interface DiffGroup {
  source: string;
  licence: string;
  added: number;
  removed: number;
  changed: number;
  /** Gemma 3 tokens of B minus A in this group (null where either side was not counted). */
  tokenDelta: number | null;
}

/** One stage whose configuration differs between the two exports' pipelines. */
export interface ConfigChange {
  stage: string;
  from: string | null;
  to: string | null;
  /** Option paths whose values differ (`options.rules.min_words: 3 → 5`). */
  changes: string[];
}

/** What changed from export A to export B. */
export interface ExportDiff {
  a: string;
  b: string;
  docs: { a: number; b: number; added: number; removed: number; changed: number; unchanged: number };
  tokens: { a: number | null; b: number | null; delta: number | null };
  tokensPerSource: Record<string, { a: number; b: number; delta: number }>;
  groups: DiffGroup[];
  configs: ConfigChange[];
  /** Other manifest fields that differ (format, stage, licence filter, exclusions, replay, tokenizer). */
  settings: string[];
  /** False when an export has no provenance list (made before it existed): documents are not compared. */
  documentsCompared: boolean;
}

async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, "manifest.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as Manifest;
  } catch {
    throw new SoroError(
      `soro bridge diff: ${file} is missing or not JSON`,
      "give two export folders written by `soro bridge export`",
      2,
    );
  }
}

/** Leaf values of a JSON value by dotted path. */
function leaves(value: unknown, prefix = "", out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, JSON.stringify(value));
  return out;
}

/** The differing leaves of two JSON values, as `path: a → b`. */
export function jsonChanges(a: unknown, b: unknown): string[] {
  const la = leaves(a);
  const lb = leaves(b);
  const keys = [...new Set([...la.keys(), ...lb.keys()])].sort();
  return keys
    .filter((k) => la.get(k) !== lb.get(k))
    .map((k) => `${k || "(value)"}: ${la.get(k) ?? "(none)"} → ${lb.get(k) ?? "(none)"}`);
}

/** Stages whose configuration hash differs, with the option paths that explain it. */
function configChanges(a: Manifest, b: Manifest): ConfigChange[] {
  const by = (m: Manifest) => new Map(m.pipeline.map((p) => [p.stage, p]));
  const pa = by(a);
  const pb = by(b);
  const out: ConfigChange[] = [];
  for (const stage of [...new Set([...pa.keys(), ...pb.keys()])]) {
    const x = pa.get(stage);
    const y = pb.get(stage);
    if (x?.config_hash === y?.config_hash) continue;
    out.push({
      stage,
      from: x?.config_hash ?? null,
      to: y?.config_hash ?? null,
      changes:
        x && y && (x.config !== undefined || y.config !== undefined) ? jsonChanges(x.config, y.config) : [],
    });
  }
  return out;
}

/** Manifest settings other than the pipeline that differ. */
function settingChanges(a: Manifest, b: Manifest): string[] {
  const pick = (m: Manifest) => ({
    format: m.format,
    stage: m.stage,
    tokenizer: m.tokenizer,
    replay: m.replay,
    licence_allow: m.extra.licence_allow ?? null,
    excluded: m.extra.excluded ?? null,
  });
  return jsonChanges(pick(a), pick(b));
}

/**
 * Compares two corpus exports: documents added, removed and changed (same URL or path, new content) by source and
 * licence from their provenance lists, token deltas, and the stage configurations and export settings that differ.
 */
export async function diffExports(dirA: string, dirB: string, tmpDir: string): Promise<ExportDiff> {
  const [a, b] = [await readManifest(dirA), await readManifest(dirB)];
  const listA = path.join(dirA, PROVENANCE_FILE);
  const listB = path.join(dirB, PROVENANCE_FILE);
  const has = (f: string) =>
    access(f).then(
      () => true,
      () => false,
    );
  const documentsCompared = (await has(listA)) && (await has(listB));
  const sources = new Set([...Object.keys(a.tokens_per_source), ...Object.keys(b.tokens_per_source)]);
  const diff: ExportDiff = {
    a: dirA,
    b: dirB,
    docs: { a: a.docs, b: b.docs, added: 0, removed: 0, changed: 0, unchanged: 0 },
    tokens: {
      a: a.tokens,
      b: b.tokens,
      delta: a.tokens === null || b.tokens === null ? null : b.tokens - a.tokens,
    },
    tokensPerSource: Object.fromEntries(
      [...sources].sort().map((s) => {
        const x = a.tokens_per_source[s] ?? 0;
        const y = b.tokens_per_source[s] ?? 0;
        return [s, { a: x, b: y, delta: y - x }];
      }),
    ),
    groups: [],
    configs: configChanges(a, b),
    settings: settingChanges(a, b),
    documentsCompared,
  };
  if (!documentsCompared) return diff;
  const { instance, conn } = await openScratchDb(tmpDir);
  try {
    // A document is changed when its origin (URL, else path) is on both sides under different ids (new text).
    await conn.run(
      `CREATE TEMP VIEW a AS SELECT *, coalesce(url, path) AS origin FROM read_parquet(${sqlString(listA)})`,
    );
    await conn.run(
      `CREATE TEMP VIEW b AS SELECT *, coalesce(url, path) AS origin FROM read_parquet(${sqlString(listB)})`,
    );
    const reader = await conn.runAndReadAll(`
      WITH j AS (
        SELECT a.id AS aid, b.id AS bid, coalesce(b.source, a.source) AS source, coalesce(b.licence, a.licence) AS licence,
               a.tokens AS a_tok, b.tokens AS b_tok, a.origin AS ao, b.origin AS bo
        FROM a FULL JOIN b ON a.id = b.id
      ),
      kinds AS (
        SELECT *, CASE
          WHEN aid IS NOT NULL AND bid IS NOT NULL THEN 'same'
          WHEN bid IS NOT NULL AND bo IN (SELECT origin FROM a WHERE origin IS NOT NULL) THEN 'changed'
          WHEN aid IS NOT NULL AND ao IN (SELECT origin FROM b WHERE origin IS NOT NULL) THEN 'changed_old'
          WHEN bid IS NOT NULL THEN 'added' ELSE 'removed' END AS kind
        FROM j
      )
      SELECT source, licence,
             count(*) FILTER (WHERE kind = 'added')::BIGINT AS added,
             count(*) FILTER (WHERE kind = 'removed')::BIGINT AS removed,
             count(*) FILTER (WHERE kind = 'changed')::BIGINT AS changed,
             count(*) FILTER (WHERE kind = 'same')::BIGINT AS same,
             CASE WHEN count(*) FILTER (WHERE (aid IS NOT NULL AND a_tok IS NULL) OR (bid IS NOT NULL AND b_tok IS NULL)) = 0
                  THEN (coalesce(sum(b_tok), 0) - coalesce(sum(a_tok), 0))::BIGINT END AS token_delta
      FROM kinds GROUP BY source, licence ORDER BY source, licence`);
    for (const r of reader.getRowObjectsJS()) {
      const g: DiffGroup = {
        source: String(r.source),
        licence: String(r.licence),
        added: Number(r.added),
        removed: Number(r.removed),
        changed: Number(r.changed),
        tokenDelta: r.token_delta === null ? null : Number(r.token_delta),
      };
      diff.groups.push(g);
      diff.docs.added += g.added;
      diff.docs.removed += g.removed;
      diff.docs.changed += g.changed;
      diff.docs.unchanged += Number(r.same);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return diff;
}

/** The diff as lines for the terminal. */
export function formatDiff(d: ExportDiff): string {
  const sign = (n: number | null) => (n === null ? "?" : n > 0 ? `+${n}` : String(n));
  const lines = [
    `documents: ${d.docs.a} → ${d.docs.b}: ${d.docs.added} added, ${d.docs.removed} removed, ${d.docs.changed} changed, ${d.docs.unchanged} unchanged`,
    `tokens: ${d.tokens.a ?? "?"} → ${d.tokens.b ?? "?"} (${sign(d.tokens.delta)})`,
  ];
  if (!d.documentsCompared) lines.push("(an export has no provenance list: documents not compared)");
  for (const [s, t] of Object.entries(d.tokensPerSource))
    lines.push(`  tokens ${s}: ${t.a} → ${t.b} (${sign(t.delta)})`);
  for (const g of d.groups)
    if (g.added + g.removed + g.changed > 0)
      lines.push(
        `  ${g.source} ${g.licence}: +${g.added} -${g.removed} ~${g.changed} docs, tokens ${sign(g.tokenDelta)}`,
      );
  for (const c of d.configs) {
    lines.push(`config ${c.stage}: ${c.from ?? "(none)"} → ${c.to ?? "(none)"}`);
    for (const x of c.changes) lines.push(`  ${x}`);
  }
  for (const s of d.settings) lines.push(`setting ${s}`);
  return lines.join("\n");
}
