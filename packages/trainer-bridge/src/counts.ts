import { availableParallelism } from "node:os";
import path from "node:path";
import type { Catalog, ShardRecord } from "@soro/core";
import { ensureBridgeTables, TOKEN_GOAL } from "./catalog-ext.js";
import { TokenPool } from "./pool.js";
import { resolveStage } from "./stage.js";
import { type TokenizerSpec, tokenizerFileHash } from "./tokenizer.js";

/** Options for counting a stage's tokens. */
export interface CountOptions {
  stage?: string;
  tokenizer?: TokenizerSpec;
  /** Worker threads (default: cores; 0 = this thread). */
  workers?: number;
  /** Recount shards already counted with this tokenizer. */
  force?: boolean;
  /** Workers to count in, left open for the caller's next task (fertility); default: a pool of `workers`, closed. */
  pool?: TokenPool;
  onShard?: (shard: ShardRecord, tokens: number) => void;
}

/** What a count did. */
export interface CountSummary {
  stage: string;
  tokenizer: string;
  shards: number;
  counted: number;
  skipped: number;
  docs: number;
  tokens: number;
}

/** The identity a tokenizer's counts are stored under: `gemma3` for the shipped one, else its file's sha256. */
export function tokenizerKey(spec: TokenizerSpec = {}): string {
  return spec.tokenizerJson ? `sha256:${tokenizerFileHash(spec)}` : "gemma3";
}

/** Where counting keeps a shard's token ids, relative to the workspace. */
function tokenFilePath(key: string, shardId: string): string {
  return path.join("tokens", key.replace(/[^\w.-]+/g, "_"), `${shardId}.tok`);
}

/** The token files counting kept for these shards under this tokenizer: shard id → absolute path. */
export async function keptTokenFiles(
  catalog: Catalog,
  shards: ShardRecord[],
  spec: TokenizerSpec = {},
): Promise<Map<string, string>> {
  await ensureBridgeTables(catalog);
  const wanted = new Set(shards.map((s) => s.shard_id));
  // A shard whose rows changed since counting (a takedown rewrote it) is tokenized again, never read from its file.
  const rows = await catalog.rows(
    `SELECT t.shard_id, t.ids_path FROM trainer_bridge_shard_tokens t JOIN shards s USING (shard_id)
     WHERE t.tokenizer = $1 AND t.ids_path IS NOT NULL AND t.docs = s.rows`,
    [tokenizerKey(spec)],
  );
  return new Map(
    rows
      .filter((r) => wanted.has(String(r.shard_id)))
      .map((r) => [String(r.shard_id), path.join(catalog.ws.dir, String(r.ids_path))]),
  );
}

/**
 * Counts the exact tokens of every document of a stage's active shards in worker threads and stores them per
 * document and per shard; Gemma 3 counts also go to the catalog's shard token column. Each shard's ids are kept in
 * a token file (`<workspace>/tokens/`) that exports read instead of tokenizing again. Counted shards are skipped.
 */
export async function countStageTokens(catalog: Catalog, opts: CountOptions = {}): Promise<CountSummary> {
  await ensureBridgeTables(catalog);
  const { stage, shards } = await resolveStage(catalog, opts.stage);
  const spec = opts.tokenizer ?? {};
  const key = tokenizerKey(spec);
  const done = new Set(
    (
      await catalog.rows(
        `SELECT t.shard_id FROM trainer_bridge_shard_tokens t JOIN shards s USING (shard_id)
         WHERE t.tokenizer = $1 AND t.docs = s.rows`,
        [key],
      )
    ).map((r) => String(r.shard_id)),
  );
  const todo = opts.force ? shards : shards.filter((s) => !done.has(s.shard_id));
  const summary: CountSummary = {
    stage,
    tokenizer: key,
    shards: shards.length,
    counted: 0,
    skipped: shards.length - todo.length,
    docs: 0,
    tokens: 0,
  };
  if (todo.length === 0) return summary;
  const pool = opts.pool ?? new TokenPool(Math.min(opts.workers ?? availableParallelism(), todo.length));
  try {
    const pending = todo.map((shard) =>
      pool
        .count({
          file: catalog.shardPath(shard),
          tokenizer: spec,
          idsOut: path.join(catalog.ws.dir, tokenFilePath(key, shard.shard_id)),
        })
        .then((r) => ({ shard, r })),
    );
    for (const p of pending) p.catch(() => {});
    for (const p of pending) {
      const { shard, r } = await p;
      await catalog.transaction(async () => {
        await catalog.conn.run(
          `DELETE FROM trainer_bridge_doc_tokens WHERE shard_id = $1 AND tokenizer = $2`,
          [shard.shard_id, key],
        );
        const app = await catalog.conn.createAppender("trainer_bridge_doc_tokens");
        for (const [i, id] of r.ids.entries()) {
          app.appendVarchar(shard.shard_id);
          app.appendVarchar(key);
          app.appendVarchar(id);
          app.appendInteger(r.counts[i] ?? 0);
          app.endRow();
        }
        app.closeSync();
        await catalog.conn.run(
          `INSERT OR REPLACE INTO trainer_bridge_shard_tokens VALUES ($1, $2, $3, $4, DEFAULT, $5)`,
          [shard.shard_id, key, r.tokens, r.ids.length, tokenFilePath(key, shard.shard_id)],
        );
        if (key === "gemma3") await catalog.setShardTokens(shard.shard_id, r.tokens);
      });
      summary.counted++;
      summary.docs += r.ids.length;
      summary.tokens += r.tokens;
      opts.onShard?.(shard, r.tokens);
    }
  } finally {
    if (!opts.pool) await pool.close();
  }
  return summary;
}

/** How far a stage's corpus is from the token goal: exact where counted, estimated at CHARS_PER_TOKEN elsewhere. */
export interface GoalStatus {
  stage: string;
  countedTokens: number;
  uncountedShards: number;
  estimatedTokens: number;
  goalTokens: number;
  remainingTokens: number;
  /** Share of the goal reached (estimated), 0..1+. */
  share: number;
}

/** Reads the goal view for a stage (resolved as the bridge resolves it). */
export async function goalStatus(catalog: Catalog, stage?: string): Promise<GoalStatus> {
  await ensureBridgeTables(catalog);
  const resolved = await resolveStage(catalog, stage);
  const rows = await catalog.rows(`SELECT * FROM trainer_bridge_goal WHERE stage = $1`, [resolved.stage]);
  const r = rows[0] ?? {};
  const estimated = Number(r.estimated_tokens ?? 0);
  return {
    stage: resolved.stage,
    countedTokens: Number(r.counted_tokens ?? 0),
    uncountedShards: Number(r.uncounted_shards ?? 0),
    estimatedTokens: estimated,
    goalTokens: TOKEN_GOAL,
    remainingTokens: Math.max(0, TOKEN_GOAL - estimated),
    share: estimated / TOKEN_GOAL,
  };
}
