import { readShard } from "@soro/core";
import { readTokenFile, TokenFileWriter } from "./token-file.js";
import { type BatchTokenizer, loadBatchTokenizer, type TokenizerSpec } from "./tokenizer.js";

/** Count every document of a shard; with `idsOut`, also keep its ids in that token file for exports. */
export interface CountTask {
  kind: "count";
  file: string;
  tokenizer: TokenizerSpec;
  idsOut?: string;
}

/**
 * Token ids of every document of a shard, framed by optional BOS/EOS ids; read from `idsFile` (what counting
 * kept) when it is complete and matches the shard, else tokenized.
 */
export interface EncodeTask {
  kind: "encode";
  file: string;
  tokenizer: TokenizerSpec;
  bos: number | null;
  eos: number | null;
  idsFile?: string;
}

/** Per-document counts of one shard. */
export interface CountResult {
  ids: string[];
  counts: number[];
  tokens: number;
  /** Which tokenizer ran: `native` or `js`. */
  backend: string;
}

/** One shard's documents as one flat id array plus per-document lengths (transferable buffers). */
export interface EncodeResult {
  docIds: string[];
  sources: string[];
  lengths: Int32Array;
  tokens: Int32Array;
  /** Whether the ids came from the shard's token file instead of the tokenizer. */
  reused: boolean;
}

/** Token counts of loose lines (fertility's sample), in a worker whose tokenizer counting already loaded. */
export interface LinesTask {
  kind: "lines";
  lines: string[];
  tokenizer: TokenizerSpec;
}

/** Tokens of each line of a LinesTask, no BOS/EOS. */
export interface LinesResult {
  lengths: Int32Array;
}

export type TokenTask = CountTask | EncodeTask | LinesTask;

const cache = new Map<string, BatchTokenizer>();

/** The worker's tokenizer for a spec, loaded on first use: loading costs ~1-2 s and ~450 MB, so never per task. */
function tokenizerFor(spec: TokenizerSpec): BatchTokenizer {
  const key = spec.tokenizerJson ?? "";
  let tok = cache.get(key);
  if (!tok) {
    tok = loadBatchTokenizer(spec, process.env.SORO_TOKENIZER === "js" ? "js" : undefined);
    cache.set(key, tok);
  }
  return tok;
}

/** Counts the tokens of each document of a shard, writing its ids to `idsOut` when asked. */
export async function countShard(task: CountTask): Promise<CountResult> {
  const tok = tokenizerFor(task.tokenizer);
  const out: CountResult = { ids: [], counts: [], tokens: 0, backend: tok.backend };
  const writer = task.idsOut ? await TokenFileWriter.create(task.idsOut) : null;
  try {
    // Text as UTF-8 bytes: the piece cache splits and hashes bytes, so no text is decoded to a string.
    for await (const batch of readShard(task.file, { columns: ["id", "text"], bytes: ["text"] })) {
      const enc = await tok.encodeBatch(batch.map((row) => row.text as Uint8Array | null));
      await writer?.add(enc.ids, enc.lengths);
      for (const [i, row] of batch.entries()) {
        out.ids.push(String(row.id));
        out.counts.push(enc.lengths[i] ?? 0);
      }
      out.tokens += enc.ids.length;
    }
    await writer?.finish();
  } catch (err) {
    await writer?.abort();
    throw err;
  }
  return out;
}

/** Encodes the documents of a shard in order (or reads what counting kept), each framed by BOS/EOS when given. */
export async function encodeShard(task: EncodeTask): Promise<EncodeResult> {
  const docIds: string[] = [];
  const sources: string[] = [];
  for await (const batch of readShard(task.file, { columns: ["id", "source"] })) {
    for (const row of batch) {
      docIds.push(String(row.id));
      sources.push(String(row.source ?? "other"));
    }
  }
  const kept = task.idsFile ? await readTokenFile(task.idsFile) : null;
  // A token file that does not match the shard is ignored: the text is tokenized after all.
  const reused = kept !== null && kept.lengths.length === docIds.length;
  let enc = reused ? kept : null;
  if (!enc) {
    const tok = tokenizerFor(task.tokenizer);
    const parts: Array<{ ids: Int32Array; lengths: Int32Array }> = [];
    for await (const batch of readShard(task.file, { columns: ["text"], bytes: ["text"] })) {
      parts.push(await tok.encodeBatch(batch.map((row) => row.text as Uint8Array | null)));
    }
    enc = concatBatches(parts);
  }
  return { docIds, sources, ...frame(enc, task.bos, task.eos), reused };
}

/** One flat batch from several. */
function concatBatches(parts: Array<{ ids: Int32Array; lengths: Int32Array }>): {
  ids: Int32Array;
  lengths: Int32Array;
} {
  const ids = new Int32Array(parts.reduce((n, p) => n + p.ids.length, 0));
  const lengths = new Int32Array(parts.reduce((n, p) => n + p.lengths.length, 0));
  let i = 0;
  let l = 0;
  for (const p of parts) {
    ids.set(p.ids, i);
    lengths.set(p.lengths, l);
    i += p.ids.length;
    l += p.lengths.length;
  }
  return { ids, lengths };
}

/** Adds BOS/EOS around each document of a flat id array. */
function frame(
  enc: { ids: Int32Array; lengths: Int32Array },
  bos: number | null,
  eos: number | null,
): { lengths: Int32Array; tokens: Int32Array } {
  const extra = (bos === null ? 0 : 1) + (eos === null ? 0 : 1);
  if (extra === 0) return { lengths: enc.lengths, tokens: enc.ids };
  const tokens = new Int32Array(enc.ids.length + extra * enc.lengths.length);
  const lengths = new Int32Array(enc.lengths.length);
  let from = 0;
  let to = 0;
  for (let i = 0; i < enc.lengths.length; i++) {
    const n = enc.lengths[i] ?? 0;
    if (bos !== null) tokens[to++] = bos;
    tokens.set(enc.ids.subarray(from, from + n), to);
    to += n;
    from += n;
    if (eos !== null) tokens[to++] = eos;
    lengths[i] = n + extra;
  }
  return { lengths, tokens };
}

/** Counts the tokens of each of a few lines. */
export async function countLines(task: LinesTask): Promise<LinesResult> {
  const { lengths } = await tokenizerFor(task.tokenizer).encodeBatch(task.lines);
  return { lengths };
}

/** Runs one task (the worker entry's default export calls this). */
export function runTokenTask(task: TokenTask): Promise<CountResult | EncodeResult | LinesResult> {
  if (task.kind === "count") return countShard(task);
  if (task.kind === "lines") return countLines(task);
  return encodeShard(task);
}
