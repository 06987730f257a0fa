import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Catalog, REPLAY_SOURCE, readShard, type ShardRecord } from "@soro/core";
import { keptTokenFiles } from "../counts.js";
import { orderedMap, type TokenPool } from "../pool.js";
import type { TokenizerSpec } from "../tokenizer.js";
import { type MdsEncoding, MdsWriter } from "./mds.js";
import { MegatronWriter } from "./megatron.js";

/** Options of a token export (Megatron or MDS). */
export interface TokenExportOptions {
  out: string;
  shards: ShardRecord[];
  tokenizer: TokenizerSpec;
  bos: number | null;
  eos: number | null;
  pool: TokenPool;
  onShard?: (shard: ShardRecord, docs: number) => void;
}

/** What a token export wrote: documents and text tokens (without BOS/EOS) per source, and all tokens written. */
export interface TokenExportResult {
  docs: number;
  tokensPerSource: Record<string, number>;
  written: number;
  extra: Record<string, unknown>;
  /** Shards whose ids came from counting's token files instead of the tokenizer. */
  reusedShards?: number;
}

/** One tokenized document: its id, source and token ids framed by BOS/EOS. */
interface EncodedDoc {
  id: string;
  source: string;
  tokens: Int32Array;
}

/**
 * Tokenizes the shards in worker threads and hands each document to `write` in shard order, counting documents,
 * text tokens per source (without BOS/EOS) and all tokens written into `result`.
 */
async function forEachEncodedDoc(
  catalog: Catalog,
  opts: TokenExportOptions,
  result: TokenExportResult,
  write: (doc: EncodedDoc) => Promise<void>,
): Promise<void> {
  const framing = (opts.bos === null ? 0 : 1) + (opts.eos === null ? 0 : 1);
  const kept = await keptTokenFiles(catalog, opts.shards, opts.tokenizer);
  await orderedMap(
    opts.shards,
    opts.pool.width,
    (shard) =>
      opts.pool.encode({
        file: catalog.shardPath(shard),
        tokenizer: opts.tokenizer,
        bos: opts.bos,
        eos: opts.eos,
        idsFile: kept.get(shard.shard_id),
      }),
    async (enc, shard) => {
      let at = 0;
      for (let i = 0; i < enc.lengths.length; i++) {
        const n = enc.lengths[i] ?? 0;
        const source = enc.sources[i] ?? "";
        await write({ id: enc.docIds[i] ?? "", source, tokens: enc.tokens.subarray(at, at + n) });
        at += n;
        result.tokensPerSource[source] = (result.tokensPerSource[source] ?? 0) + n - framing;
      }
      result.docs += enc.lengths.length;
      result.written += enc.tokens.length;
      if (enc.reused) result.reusedShards = (result.reusedShards ?? 0) + 1;
      opts.onShard?.(shard, enc.lengths.length);
    },
  );
}

/** The Megatron prefix of one source, relative to the export folder. */
export function megatronPrefix(source: string): string {
  // Replay is English or Russian text, not Tajik.
  if (source === REPLAY_SOURCE) return "megatron/replay_text_document";
  return `megatron/tg_${source.replace(/\W+/g, "_")}_text_document`;
}

/**
 * Tokenizes the shards in worker threads and writes one Megatron IndexedDataset per source (so the trainer's
 * `--data-path` can weigh sources), documents in shard order, each framed by BOS/EOS.
 */
export async function exportMegatron(catalog: Catalog, opts: TokenExportOptions): Promise<TokenExportResult> {
  await mkdir(path.join(opts.out, "megatron"), { recursive: true });
  const writers = new Map<string, MegatronWriter>();
  const result: TokenExportResult = { docs: 0, tokensPerSource: {}, written: 0, extra: {} };
  await forEachEncodedDoc(catalog, opts, result, async (doc) => {
    let w = writers.get(doc.source);
    if (!w) {
      w = new MegatronWriter(path.join(opts.out, megatronPrefix(doc.source)));
      writers.set(doc.source, w);
    }
    await w.add(doc.tokens);
  });
  const prefixes: Record<string, string> = {};
  for (const [source, w] of [...writers.entries()].sort()) {
    await w.finish();
    prefixes[source] = megatronPrefix(source);
  }
  result.extra = { megatron: { prefixes, dtype: "int32" } };
  return result;
}

/** Writes a MosaicML streaming (MDS) dataset with `id`, `source` and either `text: str` or `tokens: ndarray:int32`. */
export async function exportMds(
  catalog: Catalog,
  opts: TokenExportOptions & { column: "text" | "tokens"; sizeLimit?: number },
): Promise<TokenExportResult> {
  const dir = path.join(opts.out, "mds");
  await mkdir(dir, { recursive: true });
  const columns: Record<string, MdsEncoding> = { id: "str", source: "str" };
  columns[opts.column] = opts.column === "text" ? "str" : "ndarray:int32";
  const writer = new MdsWriter(dir, columns, opts.sizeLimit);
  const result: TokenExportResult = { docs: 0, tokensPerSource: {}, written: 0, extra: {} };
  if (opts.column === "tokens") {
    await forEachEncodedDoc(catalog, opts, result, (doc) => writer.write({ ...doc }));
  } else {
    for (const shard of opts.shards) {
      let docs = 0;
      for await (const batch of readShard(catalog.shardPath(shard), { columns: ["id", "source", "text"] })) {
        for (const row of batch) {
          await writer.write({ id: String(row.id), source: String(row.source), text: String(row.text) });
          docs++;
        }
      }
      result.docs += docs;
      opts.onShard?.(shard, docs);
    }
  }
  const files = await writer.finish();
  result.extra = { mds: { column: opts.column, shards: files } };
  return result;
}
