import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { assertEmptyFolder, type Catalog, REPLAY_SOURCE, type ShardRecord } from "@soro/core";
import { ensureBridgeTables } from "../catalog-ext.js";
import { CORPUS_FORMATS, type CorpusFormat, REPLAY_SHARE } from "../defaults.js";
import { resolveStage } from "../stage.js";
import { GEMMA_BOS, GEMMA_EOS, type TokenizerSpec, tokenizerFileHash } from "../tokenizer.js";
import { type Excluded, type ExportFilter, excludedCounts, keepSql } from "./filter.js";
import { formatForFlag, type TrainerFormat } from "./formats.js";
import { type Manifest, mixture, pipelineHashes, type ReplaySpec, writeManifest } from "./manifest.js";
import { writeProvenance } from "./provenance.js";

export { CORPUS_FORMATS, type CorpusFormat };

/** Options of `soro bridge export` for pretraining data. */
export interface CorpusExportOptions {
  format: CorpusFormat;
  out: string;
  stage?: string;
  tokenizer?: TokenizerSpec;
  workers?: number;
  /** BOS/EOS ids framing each document in token formats (null: none). */
  bos?: number | null;
  eos?: number | null;
  /** MDS column: `text` (str) or `tokens` (ndarray:int32). */
  mdsColumn?: "text" | "tokens";
  validationShare?: number;
  fileBytes?: number;
  name?: string;
  /** Mixture weights by source (default: natural token shares). */
  weights?: Record<string, number>;
  /** Planned training tokens (Tajik plus replay), for effective epochs. */
  trainTokens?: number;
  /**
   * Replay against forgetting: its share of training tokens and, when the workspace has no replay text
   * (`soro ingest --source replay`), where the trainer finds it. With replay text, the export carries it
   * (Megatron: its own prefix; parquet/jsonl: `replay/`) and the share defaults to REPLAY_SHARE.
   */
  replay?: Partial<ReplaySpec>;
  /** Only documents under these licences (SPDX ids, `unknown`); taken-down documents are always left out. */
  licenceAllow?: string[];
  onShard?: (shard: ShardRecord, docs: number) => void;
}

export { REPLAY_SHARE };

/** What an export wrote. */
export interface ExportSummary {
  out: string;
  manifest: Manifest;
  manifestSha256: string;
}

/** Exports a stage's documents in a trainer format and writes its manifest; records the export in the catalog. */
export async function exportCorpus(catalog: Catalog, opts: CorpusExportOptions): Promise<ExportSummary> {
  await ensureBridgeTables(catalog);
  return stagedExport(catalog, opts.out, (dir) => writeCorpus(catalog, { ...opts, out: dir }));
}

/** Writes an export into `opts.out` (the staging folder) and returns its manifest. */
async function writeCorpus(
  catalog: Catalog,
  opts: CorpusExportOptions,
): Promise<{ manifest: Manifest; sha256: string }> {
  const { stage, shards: tajik } = await resolveStage(catalog, opts.stage);
  const format = formatForFlag(opts.format, opts.mdsColumn);
  const replayShards = format.carriesReplay ? await catalog.activeShards([REPLAY_SOURCE]) : [];
  const filter: ExportFilter = { licenceAllow: opts.licenceAllow };
  const where = keepSql([...tajik, ...replayShards], filter);
  const excluded = await excludedCounts(catalog, [...tajik, ...replayShards], filter);
  const licences = await writeProvenance(catalog, opts.out, [...tajik, ...replayShards], where);
  const tmpDir = path.join(catalog.ws.tmpDir, `export-filter-${process.pid}-${Date.now()}`);
  try {
    return await writeFiltered(
      catalog,
      opts,
      { format, stage, tajik, replayShards, filter, where, tmpDir },
      {
        excluded,
        licences,
      },
    );
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}

/** writeCorpus once the documents to export are known. */
async function writeFiltered(
  catalog: Catalog,
  opts: CorpusExportOptions,
  sel: {
    format: TrainerFormat;
    stage: string;
    tajik: ShardRecord[];
    replayShards: ShardRecord[];
    filter: ExportFilter;
    where: string;
    tmpDir: string;
  },
  governance: { excluded: Excluded; licences: Record<string, unknown> },
): Promise<{ manifest: Manifest; sha256: string }> {
  const { stage, tajik: shards, replayShards, filter, where } = sel;
  const spec = opts.tokenizer ?? {};
  const bos = opts.bos === undefined ? GEMMA_BOS : opts.bos;
  const eos = opts.eos === undefined ? GEMMA_EOS : opts.eos;
  const { format } = sel;
  const written = await format.write(catalog, {
    out: opts.out,
    stage,
    shards,
    replayShards,
    filter,
    where,
    tmpDir: sel.tmpDir,
    tokenizer: spec,
    bos,
    eos,
    workers: opts.workers,
    validationShare: opts.validationShare,
    fileBytes: opts.fileBytes,
    name: opts.name,
    onShard: opts.onShard,
  });
  const { tokensPerSource, extra, replay: replayExported } = written;
  const docs = written.docs;
  const replay = replaySpec(opts.replay, replayExported);
  const tokens = tokensPerSource ? Object.values(tokensPerSource).reduce((a, b) => a + b, 0) : null;
  const mix = tokensPerSource
    ? mixture(tokensPerSource, opts.weights, opts.trainTokens, replay?.share ?? 0)
    : null;
  if (format.name === "megatron" && mix) {
    // Megatron's blend: `--data-path W1 PREFIX1 W2 PREFIX2 ...`, weights as the mixture says.
    const prefixes = (extra.megatron as { prefixes: Record<string, string> }).prefixes;
    (extra.megatron as Record<string, unknown>).data_path = Object.entries(prefixes)
      .map(([src, p]) => `${(mix.mixture[src]?.weight ?? 0).toFixed(6)} ${p}`)
      .join(" ");
  }
  return writeManifest(opts.out, {
    format: format.name,
    stage,
    docs,
    tokens,
    tokens_per_source: tokensPerSource ?? {},
    mixture: mix?.mixture ?? {},
    train_tokens: mix?.trainTokens ?? null,
    replay,
    tokenizer: {
      name: spec.tokenizerJson ?? "gemma3",
      sha256: tokenizerFileHash(spec),
      bos: format.tokenized ? bos : null,
      eos: format.tokenized ? eos : null,
    },
    chat_template: null,
    pipeline: await pipelineHashes(catalog),
    extra: {
      ...extra,
      licences: governance.licences,
      excluded: governance.excluded,
      ...(filter.licenceAllow && { licence_allow: filter.licenceAllow }),
    },
  });
}

/**
 * The manifest's replay: the replay text this export carries (its share REPLAY_SHARE unless given), else the share
 * and the outside source the caller named, else none.
 */
function replaySpec(
  asked: Partial<ReplaySpec> | undefined,
  exported: { docs: number; tokens: number | null; source: string } | null,
): ReplaySpec | null {
  if (exported && exported.docs > 0)
    return {
      share: asked?.share ?? REPLAY_SHARE,
      source: exported.source,
      in_export: true,
      docs: exported.docs,
      tokens: exported.tokens,
    };
  if (asked?.share && asked.source) return { share: asked.share, source: asked.source };
  return null;
}

/**
 * Writes an export into `<out>.partial` and renames it to `out` once its manifest is written, so `out` is either
 * absent or complete; a rerun after a kill starts the staging folder over. `out` must be absent or empty.
 */
export async function stagedExport(
  catalog: Catalog,
  out: string,
  write: (dir: string) => Promise<{ manifest: Manifest; sha256: string }>,
): Promise<ExportSummary> {
  const final = path.resolve(out);
  await assertEmptyFolder(out, "soro bridge", "export into a new folder (exports are immutable)");
  const staging = `${final}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const { manifest, sha256 } = await write(staging);
  await rm(final, { recursive: true, force: true }); // absent or empty, checked above
  await rename(staging, final);
  await recordExport(catalog, out, manifest, sha256);
  return { out, manifest, manifestSha256: sha256 };
}

/** Registers an export in the catalog (its manifest hash identifies it). */
export async function recordExport(
  catalog: Catalog,
  out: string,
  manifest: Manifest,
  sha256: string,
): Promise<void> {
  await ensureBridgeTables(catalog);
  await catalog.conn.run(
    `INSERT OR REPLACE INTO trainer_bridge_exports (export_id, format, out_dir, stage, manifest_sha256, files, bytes, tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      sha256.slice(0, 16),
      manifest.format,
      out,
      manifest.stage,
      sha256,
      manifest.files.length,
      manifest.files.reduce((n, f) => n + f.bytes, 0),
      manifest.tokens,
    ],
  );
}
