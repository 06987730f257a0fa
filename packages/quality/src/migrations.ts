/** Ordered migrations of the tables the quality package owns (catalog extension `quality`). Never edit a released step. */
export const QUALITY_MIGRATIONS: string[] = [
  // v1: what cleaning and masking did per signals configuration; rule sets and per-rule removals of selection.
  `
  CREATE TABLE quality_signal_runs (
    config_hash VARCHAR PRIMARY KEY,
    run_id BIGINT NOT NULL,
    docs BIGINT NOT NULL,
    lines_dropped_rus BIGINT NOT NULL,
    lines_dropped_eng BIGINT NOT NULL,
    lines_dropped_nav BIGINT NOT NULL,
    chars_dropped BIGINT NOT NULL,
    pii_email BIGINT NOT NULL,
    pii_phone BIGINT NOT NULL,
    pii_ip BIGINT NOT NULL,
    pii_id BIGINT NOT NULL,
    docs_with_pii BIGINT NOT NULL,
    recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE quality_rule_sets (
    config_hash VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    rules JSON NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE quality_rule_stats (
    run_id BIGINT NOT NULL,
    config_hash VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    docs_alone BIGINT NOT NULL,
    chars_alone BIGINT NOT NULL,
    docs_removed BIGINT NOT NULL,
    chars_removed BIGINT NOT NULL,
    PRIMARY KEY (config_hash, source_key, rule)
  );
  `,
  // v2: every educational-value model `soro quality edu train` wrote, with the labels it learned from.
  `
  CREATE TABLE quality_edu_models (
    version VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    base_version VARCHAR NOT NULL,
    weak_labels BIGINT NOT NULL,
    annotator_labels BIGINT NOT NULL,
    label_sources JSON NOT NULL,
    trained_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  `,
];
