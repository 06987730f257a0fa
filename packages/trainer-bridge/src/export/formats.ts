import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { type Catalog, defined, REPLAY_SOURCE, type ShardRecord } from "@soro/core";
import type { CorpusFormat } from "../defaults.js";
import { TokenPool } from "../pool.js";
import type { TokenizerSpec } from "../tokenizer.js";
import { type ExportFilter, filteredShards, shardsSql } from "./filter.js";
import { countedTokensPerSource } from "./manifest.js";
import { datasetCard, exportText } from "./text.js";
import { exportMds, exportMegatron, type TokenExportOptions, type TokenExportResult } from "./tokens.js";

/** What a format's writer is given: the stage's shards, the staging folder and the export's options. */
export interface FormatContext {
  out: string;
  stage: string;
  /** The stage's shards (Tajik) and the workspace's replay text, when the format carries it. */
  shards: ShardRecord[];
  replayShards: ShardRecord[];
  /** The export filter (takedowns, licences) and its SQL over alias `d`. */
  filter: ExportFilter;
  where: string;
  /** Scratch folder for filtered copies of shards. */
  tmpDir: string;
  tokenizer: TokenizerSpec;
  bos: number | null;
  eos: number | null;
  workers?: number;
  validationShare?: number;
  fileBytes?: number;
  name?: string;
  onShard?: (shard: ShardRecord, docs: number) => void;
}

/** What a format's writer wrote, for the manifest. */
export interface FormatWrite {
  docs: number;
  /** Gemma 3 tokens per source, or null when the documents were never tokenized (run `soro bridge count`). */
  tokensPerSource: Record<string, number> | null;
  extra: Record<string, unknown>;
  /** The replay text the export carries (not counted in `docs` or `tokensPerSource`). */
  replay: { docs: number; tokens: number | null; source: string } | null;
}

/** A trainer format of the corpus export. */
export interface TrainerFormat {
  /** The name in manifest.json (and in `--format`, with `--mds-column` choosing between the MDS ones). */
  name: string;
  /** `--format` value that selects it. */
  flag: CorpusFormat;
  /** Holds token ids (the tokenizer, BOS and EOS are part of it) rather than text. */
  tokenized: boolean;
  /** Continued pretraining (`soro train cpt`) can read it. */
  trainable: boolean;
  /** Carries the workspace's replay text (`soro ingest --source replay`) beside the Tajik documents. */
  carriesReplay: boolean;
  write(catalog: Catalog, ctx: FormatContext): Promise<FormatWrite>;
}

/** Parquet or JSONL text with train/validation splits and an HF `datasets` card; replay text under `replay/`. */
function textFormat(name: "parquet" | "jsonl"): TrainerFormat {
  return {
    name,
    flag: name,
    tokenized: false,
    trainable: true,
    carriesReplay: true,
    async write(catalog, ctx) {
      const dataset = ctx.name ?? "soro-tajik";
      const fileBytes = ctx.fileBytes ?? 256 * 2 ** 20;
      const { where } = ctx;
      const result = await exportText(catalog, {
        format: name,
        out: ctx.out,
        stage: ctx.stage,
        shards: ctx.shards,
        validationShare: ctx.validationShare ?? 0.005,
        fileBytes,
        name: dataset,
        where,
      });
      const docs = Object.values(result.splits).reduce((n, s) => n + s.docs, 0);
      const tokensPerSource = await countedTokensPerSource(catalog, ctx.shards, where);
      let replay: FormatWrite["replay"] = null;
      if (ctx.replayShards.length > 0) {
        const r = await exportText(catalog, {
          format: name,
          out: path.join(ctx.out, REPLAY_SOURCE),
          stage: REPLAY_SOURCE,
          shards: ctx.replayShards,
          validationShare: 0,
          fileBytes,
          name: dataset,
          where,
        });
        const counted = await countedTokensPerSource(catalog, ctx.replayShards, where);
        replay = {
          docs: Object.values(r.splits).reduce((n, s) => n + s.docs, 0),
          tokens: counted ? (counted[REPLAY_SOURCE] ?? 0) : null,
          source: `${REPLAY_SOURCE}/data/train`,
        };
      }
      const tokens = tokensPerSource ? Object.values(tokensPerSource).reduce((a, b) => a + b, 0) : null;
      await writeFile(
        `${ctx.out}/README.md`,
        datasetCard({ format: name, name: dataset, stage: ctx.stage }, result, { docs, tokens }),
      );
      return { docs, tokensPerSource, extra: { splits: result.splits }, replay };
    },
  };
}

/**
 * Runs a token writer with a pool of tokenizer workers over the shards (and the replay text when the format carries
 * it); shards that lose documents to the filter are handed over as filtered copies, since the workers read files.
 */
async function withPool(
  format: Pick<TrainerFormat, "carriesReplay">,
  catalog: Catalog,
  ctx: FormatContext,
  write: (common: TokenExportOptions) => Promise<TokenExportResult>,
): Promise<TokenExportResult> {
  const toEncode = await filteredShards(
    catalog,
    [...ctx.shards, ...(format.carriesReplay ? ctx.replayShards : [])],
    ctx.filter,
    ctx.tmpDir,
  );
  const pool = new TokenPool(Math.min(ctx.workers ?? availableParallelism(), toEncode.length));
  try {
    const { out, tokenizer, bos, eos, onShard } = ctx;
    return await write({ out, shards: toEncode, tokenizer, bos, eos, pool, onShard });
  } finally {
    await pool.close();
  }
}

/** Documents of the shards an export keeps. */
async function docsOf(catalog: Catalog, shards: ShardRecord[], where: string): Promise<number> {
  if (shards.length === 0) return 0;
  const [r] = await catalog.rows(
    `SELECT count(*)::BIGINT AS n FROM ${shardsSql(catalog, shards)} d WHERE ${where}`,
  );
  return Number(r?.n ?? 0);
}

/** Token ids in Megatron's indexed format, one prefix per source; replay text under its own prefix. */
const megatron: TrainerFormat = {
  name: "megatron",
  flag: "megatron",
  tokenized: true,
  trainable: true,
  carriesReplay: true,
  async write(catalog, ctx) {
    const r = await withPool({ carriesReplay: true }, catalog, ctx, (common) =>
      exportMegatron(catalog, common),
    );
    const tokensPerSource = r.tokensPerSource;
    const extra: Record<string, unknown> = { ...r.extra, reused_shards: r.reusedShards ?? 0 };
    let docs = r.docs;
    let replay: FormatWrite["replay"] = null;
    if (REPLAY_SOURCE in tokensPerSource) {
      // Replay is no Tajik source: the trainer draws it by the replay share, outside the mixture.
      const prefixes = (extra.megatron as { prefixes: Record<string, string> }).prefixes;
      replay = {
        docs: await docsOf(catalog, ctx.replayShards, ctx.where),
        tokens: tokensPerSource[REPLAY_SOURCE] ?? 0,
        source: defined(prefixes[REPLAY_SOURCE], "the Megatron prefix of the replay source"),
      };
      delete prefixes[REPLAY_SOURCE];
      delete tokensPerSource[REPLAY_SOURCE];
      docs -= replay.docs;
    }
    return { docs, tokensPerSource, extra, replay };
  },
};

/** MosaicML streaming shards: token ids (`tokens`, ndarray:int32) or the text (`text`, str). */
function mdsFormat(column: "tokens" | "text"): TrainerFormat {
  return {
    name: `mds-${column}`,
    flag: "mds",
    tokenized: column === "tokens",
    trainable: false,
    carriesReplay: false,
    async write(catalog, ctx) {
      const r = await withPool({ carriesReplay: false }, catalog, ctx, (common) =>
        exportMds(catalog, { ...common, column }),
      );
      if (column === "tokens")
        return {
          docs: r.docs,
          tokensPerSource: r.tokensPerSource,
          extra: { ...r.extra, reused_shards: r.reusedShards ?? 0 },
          replay: null,
        };
      return {
        docs: r.docs,
        tokensPerSource: await countedTokensPerSource(catalog, ctx.shards),
        extra: r.extra,
        replay: null,
      };
    },
  };
}

/** Every corpus export format, by manifest name. */
export const TRAINER_FORMATS: readonly TrainerFormat[] = [
  textFormat("parquet"),
  textFormat("jsonl"),
  megatron,
  mdsFormat("tokens"),
  mdsFormat("text"),
];

/** The format a manifest names, or undefined (an SFT export, or one from a newer version). */
export function trainerFormat(name: string): TrainerFormat | undefined {
  return TRAINER_FORMATS.find((f) => f.name === name);
}

/** The format `--format` (and, for MDS, `--mds-column`) select. */
export function formatForFlag(flag: CorpusFormat, mdsColumn: "text" | "tokens" = "tokens"): TrainerFormat {
  const name = flag === "mds" ? `mds-${mdsColumn}` : flag;
  const f = trainerFormat(name);
  if (!f) throw new Error(`no trainer format ${name}`);
  return f;
}

/** The formats continued pretraining reads, for messages. */
export function trainableFormats(): string[] {
  return TRAINER_FORMATS.filter((f) => f.trainable).map((f) => f.name);
}
