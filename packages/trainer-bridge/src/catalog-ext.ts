import { type Catalog, CHARS_PER_TOKEN } from "@soro/core";

import { TOKEN_GOAL } from "./defaults.js";

export { TOKEN_GOAL };

/** Tables the trainer bridge owns: per-shard and per-document counts by tokenizer, exports, and the goal view. */
const MIGRATIONS = [
  `
  CREATE TABLE trainer_bridge_shard_tokens (
    shard_id VARCHAR NOT NULL,
    tokenizer VARCHAR NOT NULL,
    tokens BIGINT NOT NULL,
    docs BIGINT NOT NULL,
    counted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (shard_id, tokenizer)
  );
  CREATE TABLE trainer_bridge_doc_tokens (
    shard_id VARCHAR NOT NULL,
    tokenizer VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    tokens INTEGER NOT NULL
  );
  CREATE TABLE trainer_bridge_exports (
    export_id VARCHAR PRIMARY KEY,
    format VARCHAR NOT NULL,
    out_dir VARCHAR NOT NULL,
    stage VARCHAR,
    manifest_sha256 VARCHAR NOT NULL,
    files BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    tokens BIGINT,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE VIEW trainer_bridge_goal AS
    SELECT stage,
           sum(tokens) FILTER (WHERE tokens IS NOT NULL) AS counted_tokens,
           count(*) FILTER (WHERE tokens IS NULL) AS uncounted_shards,
           coalesce(sum(chars) FILTER (WHERE tokens IS NULL), 0) AS uncounted_chars,
           coalesce(sum(tokens), 0) + round(coalesce(sum(chars) FILTER (WHERE tokens IS NULL), 0) / ${CHARS_PER_TOKEN})::BIGINT AS estimated_tokens,
           ${TOKEN_GOAL}::BIGINT AS goal_tokens,
           greatest(0, ${TOKEN_GOAL} - coalesce(sum(tokens), 0) - round(coalesce(sum(chars) FILTER (WHERE tokens IS NULL), 0) / ${CHARS_PER_TOKEN}))::BIGINT AS remaining_tokens
    FROM shards WHERE status = 'active' GROUP BY stage;
  `,
  // The token file counting kept for the shard (relative to the workspace), which exports read instead of
  // tokenizing again; NULL for counts made before it existed.
  `ALTER TABLE trainer_bridge_shard_tokens ADD COLUMN ids_path VARCHAR;`,
  // Tokens per word and character of sampled lines by language and source (measureFertility).
  `CREATE TABLE trainer_bridge_fertility (
    tokenizer VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    lines BIGINT NOT NULL,
    words BIGINT NOT NULL,
    chars BIGINT NOT NULL,
    tokens BIGINT NOT NULL,
    measured_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (tokenizer, stage, lang, source)
  );`,
  // Exports made before a takedown, and whether their provenance list held what it removed (NULL: no list).
  `CREATE TABLE trainer_bridge_stale_exports (
    export_id VARCHAR NOT NULL,
    takedown_id BIGINT NOT NULL,
    holds BOOLEAN,
    PRIMARY KEY (export_id, takedown_id)
  );`,
];

/** Creates or migrates the trainer bridge's tables in a catalog. */
export async function ensureBridgeTables(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("trainer_bridge", MIGRATIONS);
}
