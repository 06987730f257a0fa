import { readShard } from "@soro/core";
import { loadTokenizer, type Tokenizer, type TokenizerSpec } from "./tokenizer.js";

/** Count every document of a shard. */
export interface CountTask {
  kind: "count";
  file: string;
  tokenizer: TokenizerSpec;
}

/** Token ids of every document of a shard, framed by optional BOS/EOS ids. */
export interface EncodeTask {
  kind: "encode";
  file: string;
  tokenizer: TokenizerSpec;
  bos: number | null;
  eos: number | null;
}

/** Per-document counts of one shard. */
export interface CountResult {
  ids: string[];
  counts: number[];
  tokens: number;
}

/** One shard's documents as one flat id array plus per-document lengths (transferable buffers). */
export interface EncodeResult {
  docIds: string[];
  sources: string[];
  lengths: Int32Array;
  tokens: Int32Array;
}

export type TokenTask = CountTask | EncodeTask;

const cache = new Map<string, Tokenizer>();

/** The worker's tokenizer for a spec, loaded on first use: loading costs ~2 s and ~490 MB, so never per task. */
function tokenizerFor(spec: TokenizerSpec): Tokenizer {
  const key = spec.tokenizerJson ?? "";
  let tok = cache.get(key);
  if (!tok) {
    tok = loadTokenizer(spec);
    cache.set(key, tok);
  }
  return tok;
}

/** Counts the tokens of each document of a shard. */
export async function countShard(task: CountTask): Promise<CountResult> {
  const tok = tokenizerFor(task.tokenizer);
  const out: CountResult = { ids: [], counts: [], tokens: 0 };
  for await (const batch of readShard(task.file, { columns: ["id", "text"] })) {
    for (const row of batch) {
      const n = tok.count(String(row.text ?? ""));
      out.ids.push(String(row.id));
      out.counts.push(n);
      out.tokens += n;
    }
  }
  return out;
}

/** Encodes the documents of a shard in order, each framed by BOS/EOS when given. */
export async function encodeShard(task: EncodeTask): Promise<EncodeResult> {
  const tok = tokenizerFor(task.tokenizer);
  const docIds: string[] = [];
  const sources: string[] = [];
  const lengths: number[] = [];
  const parts: number[][] = [];
  let total = 0;
  for await (const batch of readShard(task.file, { columns: ["id", "source", "text"] })) {
    for (const row of batch) {
      const ids = tok.encode(String(row.text ?? ""));
      if (task.bos !== null) ids.unshift(task.bos);
      if (task.eos !== null) ids.push(task.eos);
      docIds.push(String(row.id));
      sources.push(String(row.source ?? "other"));
      lengths.push(ids.length);
      parts.push(ids);
      total += ids.length;
    }
  }
  const tokens = new Int32Array(total);
  let at = 0;
  for (const ids of parts) {
    tokens.set(ids, at);
    at += ids.length;
  }
  return { docIds, sources, lengths: Int32Array.from(lengths), tokens };
}

/** Runs one task (the worker entry's default export calls this). */
export function runTokenTask(task: TokenTask): Promise<CountResult | EncodeResult> {
  return task.kind === "count" ? countShard(task) : encodeShard(task);
}
