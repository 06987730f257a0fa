/** Ordered catalog schema migrations; the catalog's version is the number applied. Never edit a released step. */
export const CORE_MIGRATIONS: string[] = [
  // v1: shards, stage runs, per-shard stage input/output, per-rule removals, quarantine.
  `
  CREATE SEQUENCE run_seq START 1;
  CREATE SEQUENCE quarantine_seq START 1;
  CREATE TABLE stage_runs (
    run_id BIGINT PRIMARY KEY,
    stage VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    config JSON,
    started_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
    error VARCHAR,
    workers INTEGER,
    pid INTEGER
  );
  CREATE TABLE shards (
    shard_id VARCHAR PRIMARY KEY,
    stage VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    parents VARCHAR[] NOT NULL,
    config_hash VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('pending', 'active', 'superseded')),
    rows BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    chars BIGINT NOT NULL,
    tokens BIGINT,
    sha256 VARCHAR NOT NULL,
    columns VARCHAR[] NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE stage_io (
    run_id BIGINT NOT NULL,
    stage VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    docs_in BIGINT NOT NULL,
    chars_in BIGINT NOT NULL,
    docs_out BIGINT NOT NULL,
    chars_out BIGINT NOT NULL,
    quarantined BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (stage, config_hash, source_key)
  );
  CREATE TABLE rule_stats (
    run_id BIGINT NOT NULL,
    stage VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    docs_removed BIGINT NOT NULL,
    chars_removed BIGINT NOT NULL,
    tokens_removed BIGINT,
    PRIMARY KEY (stage, config_hash, source_key, rule)
  );
  CREATE TABLE quarantine (
    quarantine_id BIGINT PRIMARY KEY DEFAULT nextval('quarantine_seq'),
    run_id BIGINT,
    stage VARCHAR NOT NULL,
    input VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    excerpt VARCHAR,
    quarantined_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  `,
  // v2: quarantined inputs that a later run read are resolved (kept for the record); quarantine_open is the rest.
  // A table, not a column: DuckDB 1.5 cannot replay from its WAL an ALTER of a table with a nextval default.
  `
  CREATE TABLE quarantine_resolved (
    quarantine_id BIGINT PRIMARY KEY,
    resolved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE VIEW quarantine_open AS
    SELECT * FROM quarantine WHERE quarantine_id NOT IN (SELECT quarantine_id FROM quarantine_resolved);
  `,
  // v3: takedowns (who asked, when, why; honoured by every later source, stage and export), the documents each
  // removed, and the shard rewrites it planned (so a killed takedown is finished by the next).
  `
  CREATE SEQUENCE takedown_seq START 1;
  CREATE TABLE takedowns (
    takedown_id BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL CHECK (kind IN ('url', 'host', 'doc_id')),
    value VARCHAR NOT NULL,
    reason VARCHAR,
    requested_by VARCHAR NOT NULL,
    requested_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    docs_removed BIGINT,
    shards_rewritten BIGINT,
    finished_at TIMESTAMP
  );
  CREATE TABLE takedown_docs (
    takedown_id BIGINT NOT NULL,
    doc_id VARCHAR NOT NULL,
    url VARCHAR,
    stage VARCHAR NOT NULL,
    shard_id VARCHAR NOT NULL
  );
  CREATE TABLE takedown_rewrites (
    takedown_id BIGINT NOT NULL,
    shard_id VARCHAR NOT NULL,
    tmp_path VARCHAR NOT NULL,
    rows BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    chars BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,
    run_id BIGINT NOT NULL,
    done BOOLEAN NOT NULL,
    PRIMARY KEY (takedown_id, shard_id)
  );
  `,
];
