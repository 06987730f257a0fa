import type { Catalog } from "@soro/core";
import { ensureSftTables } from "../samples/schema.js";

/**
 * Tables of the review app (migration key `ext:sft-review`). Reviews are one row per sample and annotator (a
 * changed mind updates it); the audit log keeps every action, including edits refused for a stale version.
 */
export const REVIEW_MIGRATIONS: string[] = [
  `
  CREATE TABLE sft_review_users (
    username VARCHAR PRIMARY KEY,
    display_name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE sft_review_sessions (
    token_hash VARCHAR PRIMARY KEY,
    username VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    expires_at TIMESTAMP NOT NULL
  );
  CREATE TABLE sft_review_assignments (
    sample_id VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    done BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (sample_id, username)
  );
  CREATE TABLE sft_review_reviews (
    sample_id VARCHAR NOT NULL,
    username VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    reason VARCHAR,
    rating INTEGER,
    comment VARCHAR,
    edited BOOLEAN NOT NULL DEFAULT false,
    sample_version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (sample_id, username)
  );
  CREATE TABLE sft_review_originals (
    sample_id VARCHAR PRIMARY KEY,
    messages JSON NOT NULL,
    first_edited_by VARCHAR NOT NULL,
    first_edited_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE SEQUENCE sft_review_audit_seq;
  CREATE TABLE sft_review_audit (
    audit_id BIGINT PRIMARY KEY DEFAULT nextval('sft_review_audit_seq'),
    sample_id VARCHAR,
    username VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    detail JSON,
    happened_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  `,
  // The server numbers audit rows itself and writes them with other rows in one statement text; whether an
  // assignment is done is whether its review exists, so a review no longer updates its assignment.
  `
  ALTER TABLE sft_review_audit ALTER COLUMN audit_id DROP DEFAULT;
  DROP SEQUENCE sft_review_audit_seq;
  ALTER TABLE sft_review_assignments DROP COLUMN done;
  `,
];

/** Creates or migrates the sample tables and the review app's own tables. */
export async function ensureReviewTables(catalog: Catalog): Promise<void> {
  await ensureSftTables(catalog);
  await catalog.ensureExtension("sft-review", REVIEW_MIGRATIONS);
}
