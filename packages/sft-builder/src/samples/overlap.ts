import { type Catalog, FINAL_STAGES, firstActiveStage, readShard, UsageError } from "@soro/core";
import { ngramHashes, xxhashApi } from "@soro/dedup";
import type { ChatMessage } from "./schema.js";

/** Words per n-gram of the overlap (instructions are short questions, so shorter than decontamination's 13). */
export const OVERLAP_NGRAM = 8;

/** Per-sample overlap of SFT text with the pretraining shards (migration key `ext:sft_overlap`). */
const OVERLAP_MIGRATIONS = [
  `CREATE TABLE sft_overlap_samples (
    sample_id VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    ngram INTEGER NOT NULL,
    part VARCHAR NOT NULL,
    ngrams INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    measured_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (sample_id, part)
  );`,
];

/** One part of the SFT set and how much of it the pretraining shards hold. */
export interface OverlapPart {
  /** `instruction` (system and user turns) or `answer` (assistant turns). */
  part: "instruction" | "answer";
  samples: number;
  /** Samples with at least one n-gram in pretraining. */
  samplesHit: number;
  ngrams: number;
  /** N-grams (with repeats) also found in pretraining. */
  ngramsHit: number;
  /** Samples shorter than one n-gram. */
  tooShort: number;
}

/** What an overlap measurement found. */
export interface OverlapSummary {
  stage: string;
  ngram: number;
  docsScanned: number;
  parts: OverlapPart[];
}

/**
 * Measures how much of the SFT samples' text (instructions and answers separately) also sits in the pretraining
 * shards: word n-grams hashed as decontamination hashes them (@soro/dedup's `ngramHashes`), the SFT n-grams held in
 * memory, the final stage's shards streamed once. Stores one row per sample and part in `sft_overlap_samples`, so a
 * trainer can decide whether to drop overlapping samples or documents; removes nothing.
 */
export async function measureSftOverlap(
  catalog: Catalog,
  opts: { stage?: string; ngram?: number } = {},
): Promise<OverlapSummary> {
  const n = opts.ngram ?? OVERLAP_NGRAM;
  const stage = opts.stage ?? (await firstActiveStage(catalog, [...FINAL_STAGES, "select"]));
  if (!stage)
    throw new UsageError(
      "soro sft overlap: no pretraining shards to compare with",
      "run soro dedup run first",
    );
  const samples = (await catalog.rows(
    `SELECT sample_id, CAST(messages AS VARCHAR) AS messages FROM sft_samples WHERE task <> 'edu_value' ORDER BY sample_id`,
  )) as Array<{ sample_id: string; messages: string }>;
  const xx = await xxhashApi();
  // Each sample part's n-gram hashes, and every hash to whether pretraining holds it.
  const parts = samples.flatMap((s) => {
    const messages = JSON.parse(s.messages) as ChatMessage[];
    const text = (roles: string[]) =>
      messages
        .filter((m) => roles.includes(m.role))
        .map((m) => m.content)
        .join("\n");
    return [
      { id: s.sample_id, part: "instruction" as const, hashes: ngramHashes(xx, text(["system", "user"]), n) },
      { id: s.sample_id, part: "answer" as const, hashes: ngramHashes(xx, text(["assistant"]), n) },
    ];
  });
  const found = new Map<bigint, boolean>();
  for (const p of parts) for (const h of p.hashes) found.set(h, false);
  let docsScanned = 0;
  for (const shard of await catalog.activeShards([stage]))
    for await (const batch of readShard(catalog.shardPath(shard), { columns: ["text"] }))
      for (const row of batch) {
        docsScanned++;
        for (const h of ngramHashes(xx, String(row.text), n)) if (found.has(h)) found.set(h, true);
      }
  const summary: OverlapSummary = { stage, ngram: n, docsScanned, parts: [] };
  for (const part of ["instruction", "answer"] as const) {
    const mine = parts.filter((p) => p.part === part);
    const hit = mine.map((p) => p.hashes.filter((h) => found.get(h)).length);
    summary.parts.push({
      part,
      samples: mine.length,
      samplesHit: hit.filter((h) => h > 0).length,
      ngrams: mine.reduce((s, p) => s + p.hashes.length, 0),
      ngramsHit: hit.reduce((s, h) => s + h, 0),
      tooShort: mine.filter((p) => p.hashes.length === 0).length,
    });
  }
  await catalog.ensureExtension("sft_overlap", OVERLAP_MIGRATIONS);
  await catalog.transaction(async () => {
    await catalog.conn.run(`DELETE FROM sft_overlap_samples`);
    const app = await catalog.conn.createAppender("sft_overlap_samples");
    for (const p of parts) {
      app.appendVarchar(p.id);
      app.appendVarchar(stage);
      app.appendInteger(n);
      app.appendVarchar(p.part);
      app.appendInteger(p.hashes.length);
      app.appendInteger(p.hashes.filter((h) => found.get(h)).length);
      app.appendDefault();
      app.endRow();
    }
    app.closeSync();
  });
  return summary;
}
