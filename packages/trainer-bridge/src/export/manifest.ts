import { createHash } from "node:crypto";
import { readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, fileSha256, fileSize, type ShardRecord } from "@soro/core";

/** One file of an export. */
export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** A source's part of the training mixture. */
export interface MixtureEntry {
  tokens: number;
  /** Share of the non-replay training tokens drawn from this source. */
  weight: number;
  /** How many times the trainer sees this source's tokens for the planned training tokens. */
  effectiveEpochs: number;
}

/** English replay against forgetting: its share of training tokens and where that data comes from. */
export interface ReplaySpec {
  share: number;
  /** A dataset or Megatron prefix outside the export, or (with `in_export`) a path inside it. */
  source: string;
  /** The export carries the replay text itself (`soro ingest --source replay`). */
  in_export?: boolean;
  docs?: number;
  tokens?: number | null;
}

/** What every export carries: the files with checksums, token accounting, mixture and provenance. */
export interface Manifest {
  soro_manifest: 1;
  format: string;
  created_at: string;
  stage: string | null;
  files: ManifestFile[];
  docs: number;
  tokens: number | null;
  tokens_per_source: Record<string, number>;
  mixture: Record<string, MixtureEntry>;
  train_tokens: number | null;
  replay: ReplaySpec | null;
  tokenizer: { name: string; sha256: string; bos: number | null; eos: number | null };
  chat_template: { name: string; sha256: string } | null;
  pipeline: Array<{ stage: string; config_hash: string; shards: number; config?: unknown }>;
  extra: Record<string, unknown>;
}

/** Every file under an export folder except the manifest itself, with sizes and sha256, in path order. */
export async function listFiles(dir: string): Promise<ManifestFile[]> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((rel) => rel !== "manifest.json")
    .sort();
  const out: ManifestFile[] = [];
  for (const rel of names) {
    const abs = path.join(dir, rel);
    out.push({
      path: rel.split(path.sep).join("/"),
      bytes: await fileSize(abs),
      sha256: await fileSha256(abs),
    });
  }
  return out;
}

/**
 * Mixture weights and effective epochs. Without explicit weights each source weighs its token share (one epoch
 * each); with weights, `trainTokens` (default: all tokens at natural weights) decides how often each is repeated.
 */
export function mixture(
  tokensPerSource: Record<string, number>,
  weights: Record<string, number> = {},
  trainTokens?: number,
  replayShare = 0,
): { mixture: Record<string, MixtureEntry>; trainTokens: number } {
  const total = Object.values(tokensPerSource).reduce((a, b) => a + b, 0);
  const explicit = Object.keys(weights).length > 0;
  const raw: Record<string, number> = {};
  for (const [src, n] of Object.entries(tokensPerSource)) raw[src] = explicit ? (weights[src] ?? 0) : n;
  const sum = Object.values(raw).reduce((a, b) => a + b, 0) || 1;
  const tajikTokens = trainTokens === undefined ? total : trainTokens * (1 - replayShare);
  const out: Record<string, MixtureEntry> = {};
  for (const [src, n] of Object.entries(tokensPerSource)) {
    const weight = (raw[src] ?? 0) / sum;
    out[src] = { tokens: n, weight, effectiveEpochs: n > 0 ? (weight * tajikTokens) / n : 0 };
  }
  return { mixture: out, trainTokens: trainTokens ?? Math.round(total / (1 - replayShare)) };
}

/**
 * The config hashes of every stage's active shards: which pipeline configurations the export came from, each
 * with the options of the last run that used it (what `soro bridge diff` compares between two exports).
 */
export async function pipelineHashes(catalog: Catalog): Promise<Manifest["pipeline"]> {
  const rows = await catalog.rows(
    `SELECT s.stage, s.config_hash, count(*)::INTEGER AS shards,
            (SELECT CAST(r.config AS VARCHAR) FROM stage_runs r WHERE r.stage = s.stage AND r.config_hash = s.config_hash
             ORDER BY r.run_id DESC LIMIT 1) AS config
     FROM shards s WHERE s.status = 'active'
     GROUP BY s.stage, s.config_hash ORDER BY min(s.created_at), s.stage`,
  );
  return rows.map((r) => ({
    stage: String(r.stage),
    config_hash: String(r.config_hash),
    shards: Number(r.shards),
    config: r.config === null || r.config === undefined ? null : (JSON.parse(String(r.config)) as unknown),
  }));
}

/** Tokens per source of a set of shards from the per-document Gemma 3 counts (null when some are uncounted). */
export async function countedTokensPerSource(
  catalog: Catalog,
  shards: ShardRecord[],
  where = "TRUE",
): Promise<Record<string, number> | null> {
  if (shards.length === 0 || shards.some((s) => s.tokens === null)) return null;
  const files = shards.map((s) => `'${catalog.shardPath(s).replaceAll("'", "''")}'`).join(", ");
  const rows = await catalog.rows(
    `SELECT d.source, sum(t.tokens)::BIGINT AS tokens FROM read_parquet([${files}], union_by_name = true) d
     JOIN (SELECT DISTINCT doc_id, tokens FROM trainer_bridge_doc_tokens WHERE tokenizer = 'gemma3') t ON t.doc_id = d.id
     WHERE ${where} GROUP BY d.source ORDER BY d.source`,
  );
  return Object.fromEntries(rows.map((r) => [String(r.source), Number(r.tokens)]));
}

/** Writes manifest.json (files listed and hashed now) and returns it with its own sha256. */
export async function writeManifest(
  dir: string,
  fields: Omit<Manifest, "soro_manifest" | "files" | "created_at">,
): Promise<{ manifest: Manifest; sha256: string }> {
  const manifest: Manifest = {
    soro_manifest: 1,
    created_at: new Date().toISOString(),
    ...fields,
    files: await listFiles(dir),
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  // Written whole or not at all: its presence is what marks a complete export.
  const tmp = path.join(dir, "manifest.json.tmp");
  await writeFile(tmp, text, { flush: true });
  await rename(tmp, path.join(dir, "manifest.json"));
  return { manifest, sha256: createHash("sha256").update(text).digest("hex") };
}
