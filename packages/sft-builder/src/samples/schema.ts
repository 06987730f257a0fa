import { type Catalog, configHash } from "@soro/core";

/** One chat turn of an SFT sample. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** Where a sample is in its life: made, failed an automatic check, waiting for review, or decided by reviewers. */
export type SampleStatus =
  | "candidate"
  | "auto_rejected"
  | "queued"
  | "accepted"
  | "rejected"
  | "needs_adjudication";

/** An SFT sample as the catalog keeps it. */
export interface SftSample {
  sample_id: string;
  task: string;
  subject: string | null;
  grade: number | null;
  source_doc_id: string | null;
  source_excerpt: string | null;
  messages: ChatMessage[];
  engine: string;
  template_version: string | null;
  status: SampleStatus;
  /** Bumped on every change, for optimistic locking in the review app. */
  version: number;
}

/** Catalog tables of SFT samples and their automatic check verdicts (migration key `ext:sft`). */
export const SFT_MIGRATIONS: string[] = [
  `
  CREATE TABLE sft_samples (
    sample_id VARCHAR PRIMARY KEY,
    task VARCHAR NOT NULL,
    subject VARCHAR,
    grade INTEGER,
    source_doc_id VARCHAR,
    source_excerpt VARCHAR,
    messages JSON NOT NULL,
    engine VARCHAR NOT NULL,
    template_version VARCHAR,
    status VARCHAR NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
  );
  CREATE TABLE sft_checks (
    sample_id VARCHAR NOT NULL,
    check_name VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    score DOUBLE,
    detail VARCHAR,
    PRIMARY KEY (sample_id, check_name)
  );
  `,
];

/** Creates or migrates the SFT sample tables. */
export async function ensureSftTables(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("sft", SFT_MIGRATIONS);
}

/** A sample's stable id: the hash of its task and messages, so regenerating the same sample does not duplicate it. */
export function sampleId(task: string, messages: ChatMessage[]): string {
  return configHash({ task, messages });
}

/** Inserts samples (an existing id is left as it is) and returns how many were new. */
export async function addSamples(
  catalog: Catalog,
  samples: Array<Omit<SftSample, "version">>,
): Promise<number> {
  await ensureSftTables(catalog);
  let added = 0;
  await catalog.transaction(async () => {
    for (const s of samples) {
      const rows = await catalog.rows(
        `INSERT INTO sft_samples (sample_id, task, subject, grade, source_doc_id, source_excerpt, messages, engine,
           template_version, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING sample_id`,
        [
          s.sample_id,
          s.task,
          s.subject,
          s.grade,
          s.source_doc_id,
          s.source_excerpt,
          JSON.stringify(s.messages),
          s.engine,
          s.template_version,
          s.status,
        ],
      );
      added += rows.length;
    }
  });
  return added;
}

/** Samples filtered by status (all when omitted), oldest first. */
export async function listSamples(catalog: Catalog, status?: SampleStatus): Promise<SftSample[]> {
  await ensureSftTables(catalog);
  const rows = await catalog.rows(
    `SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples ${status ? "WHERE status = $1" : ""} ORDER BY created_at, sample_id`,
    status ? [status] : [],
  );
  return rows.map(
    (r) => ({ ...r, messages: JSON.parse(String(r.messages)) as ChatMessage[] }) as unknown as SftSample,
  );
}
