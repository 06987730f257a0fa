/** The dedup package's own catalog tables (`catalog.ensureExtension("dedup", ...)`); never edit a released step. */
export const DEDUP_MIGRATIONS: string[] = [
  // v1: clusters, their members with the survivor decision, the verified near-duplicate pairs, and the repeated lines removed from survivors.
  `
  CREATE TABLE dedup_clusters (
    config_hash VARCHAR NOT NULL,
    cluster_id VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    survivor_id VARCHAR NOT NULL,
    exact_members BIGINT NOT NULL,
    PRIMARY KEY (config_hash, cluster_id)
  );
  CREATE TABLE dedup_members (
    config_hash VARCHAR NOT NULL,
    cluster_id VARCHAR NOT NULL,
    doc_id VARCHAR NOT NULL,
    rank INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    jaccard_est DOUBLE,
    source VARCHAR,
    url VARCHAR,
    path VARCHAR,
    length BIGINT,
    quality DOUBLE,
    fetched_at VARCHAR,
    exact_key VARCHAR,
    shard VARCHAR
  );
  CREATE INDEX dedup_members_doc ON dedup_members (doc_id);
  CREATE TABLE dedup_pairs (
    config_hash VARCHAR NOT NULL,
    a_id VARCHAR NOT NULL,
    b_id VARCHAR NOT NULL,
    jaccard_est DOUBLE NOT NULL,
    jaccard_exact DOUBLE
  );
  CREATE TABLE dedup_lines (
    config_hash VARCHAR NOT NULL,
    line_hash UBIGINT NOT NULL,
    docs BIGINT NOT NULL,
    example VARCHAR
  );
  `,
  // v2: which rule removed each repeated line (corpus, host, host_edge).
  `ALTER TABLE dedup_lines ADD COLUMN rule VARCHAR;`,
];
