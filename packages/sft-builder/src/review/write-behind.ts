import { sqlString } from "@soro/core";
import type { StoredReview } from "./verdict.js";

/** An `sft_review_audit` row as the server numbers it; `detail` is JSON text. */
export interface AuditRow {
  audit_id: number;
  sample_id: string | null;
  username: string;
  action: string;
  detail: string;
}

/** An `sft_review_assignments` row (the catalog stamps `assigned_at`). */
export interface AssignmentRow {
  sample_id: string;
  username: string;
}

/** An `sft_review_reviews` row: a stored review and its sample. */
export type ReviewRow = StoredReview & { sample_id: string };

/** An `sft_review_originals` row: a sample's messages (JSON text) before its first edit. */
export interface OriginalRow {
  sample_id: string;
  messages: string;
  first_edited_by: string;
}

/** The columns of `sft_samples` review changes: status and version, and the messages (JSON text) when edited. */
export interface SampleRow {
  sample_id: string;
  status: string;
  version: number;
  messages: string;
}

type Value = string | number | boolean | null;

/** A SQL literal of a value (values are inlined so a whole flush is one call; the columns' types convert them). */
function literal(v: Value): string {
  if (v === null) return "NULL";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === "boolean") return String(v);
  // A NUL would end the statement text early; inputs are validated, so this is a bug if it happens.
  if (v.includes("\0")) throw new Error("a NUL character cannot be written inline");
  return sqlString(v);
}

/** Rows as a multi-row VALUES list of literals, the named columns in the order given. */
function values<R extends object>(rows: R[], columns: ReadonlyArray<keyof R & string>): string {
  return rows.map((r) => `(${columns.map((c) => literal(r[c] as Value)).join(", ")})`).join(", ");
}

const REVIEW_COLUMNS = [
  "sample_id",
  "username",
  "decision",
  "reason",
  "rating",
  "comment",
  "edited",
  "sample_version",
] as const satisfies ReadonlyArray<keyof ReviewRow>;
const AUDIT_COLUMNS = ["audit_id", "sample_id", "username", "action", "detail"] as const;
const ORIGINAL_COLUMNS = ["sample_id", "messages", "first_edited_by"] as const;
const ASSIGNMENT_COLUMNS = ["sample_id", "username"] as const;

/**
 * Review-table writes made in memory and not yet committed, in the order they happened, keyed so that a second
 * change of one row before the flush replaces the first. `fresh` marks rows the catalog does not hold yet.
 */
export class PendingWrites {
  audit: AuditRow[] = [];
  /** Assignments made or whose clock restarted, by sample and user. */
  assignments = new Map<string, { row: AssignmentRow; fresh: boolean }>();
  reviews = new Map<string, { row: ReviewRow; fresh: boolean }>();
  originals = new Map<string, OriginalRow>();
  /** Samples whose status or version changed, and whether their messages did. */
  samples = new Map<string, { row: SampleRow; edited: boolean }>();
  /** Settles once these writes are committed (or failed). */
  committed: Promise<void>;
  resolve!: () => void;
  reject!: (err: unknown) => void;

  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be waiting on a batch (assignments alone); its failure is handled where it is written.
    this.committed.catch(() => undefined);
  }

  get empty(): boolean {
    return (
      !this.audit.length &&
      !this.assignments.size &&
      !this.reviews.size &&
      !this.originals.size &&
      !this.samples.size
    );
  }

  /** Notes a review; a second review by the same user before the flush replaces the first. */
  review(row: ReviewRow, fresh: boolean): void {
    const key = `${row.sample_id}\n${row.username}`;
    this.reviews.set(key, { row, fresh: this.reviews.get(key)?.fresh ?? fresh });
  }

  /** Notes an assignment made (`fresh`) or whose clock restarted. */
  assignment(row: AssignmentRow, fresh: boolean): void {
    const key = `${row.sample_id}\n${row.username}`;
    this.assignments.set(key, { row, fresh: this.assignments.get(key)?.fresh ?? fresh });
  }

  /** Notes a sample's current status, version and messages; `edited` when its messages changed. */
  sample(row: SampleRow, edited: boolean): void {
    const before = this.samples.get(row.sample_id);
    this.samples.set(row.sample_id, { row, edited: edited || (before?.edited ?? false) });
  }

  /** The SQL text of a flush: a few multi-row statements, whatever the number of reviews. */
  sql(): string {
    const statements: string[] = [];
    const add = <R extends object>(
      rows: R[],
      columns: ReadonlyArray<keyof R & string>,
      sql: (values: string) => string,
    ) => {
      if (rows.length) statements.push(sql(values(rows, columns)));
    };
    add(
      [...this.originals.values()],
      ORIGINAL_COLUMNS,
      (v) => `INSERT INTO sft_review_originals (${ORIGINAL_COLUMNS.join(", ")}) VALUES ${v}`,
    );
    // Status changes leave the messages alone, and rewriting a JSON column costs more.
    const samples = [...this.samples.values()];
    add(
      samples.filter((x) => !x.edited).map((x) => x.row),
      ["sample_id", "status", "version"],
      (v) =>
        `UPDATE sft_samples SET status = v.status, version = v.version, updated_at = now()
         FROM (VALUES ${v}) AS v(id, status, version) WHERE sft_samples.sample_id = v.id`,
    );
    add(
      samples.filter((x) => x.edited).map((x) => x.row),
      ["sample_id", "status", "version", "messages"],
      (v) =>
        `UPDATE sft_samples SET status = v.status, version = v.version, messages = v.messages, updated_at = now()
         FROM (VALUES ${v}) AS v(id, status, version, messages) WHERE sft_samples.sample_id = v.id`,
    );
    const reviewColumns = `(${REVIEW_COLUMNS.join(", ")})`;
    const reviews = [...this.reviews.values()];
    add(
      reviews.filter((r) => r.fresh).map((r) => r.row),
      REVIEW_COLUMNS,
      (v) => `INSERT INTO sft_review_reviews ${reviewColumns} VALUES ${v}`,
    );
    add(
      reviews.filter((r) => !r.fresh).map((r) => r.row),
      REVIEW_COLUMNS,
      (v) =>
        `INSERT INTO sft_review_reviews ${reviewColumns} VALUES ${v}
         ON CONFLICT DO UPDATE SET decision = excluded.decision, reason = excluded.reason, rating = excluded.rating,
           comment = excluded.comment, edited = excluded.edited, sample_version = excluded.sample_version,
           updated_at = now()`,
    );
    const assignments = [...this.assignments.values()];
    add(
      assignments.filter((a) => a.fresh).map((a) => a.row),
      ASSIGNMENT_COLUMNS,
      (v) => `INSERT INTO sft_review_assignments (${ASSIGNMENT_COLUMNS.join(", ")}) VALUES ${v}`,
    );
    add(
      assignments.filter((a) => !a.fresh).map((a) => a.row),
      ASSIGNMENT_COLUMNS,
      (v) =>
        `UPDATE sft_review_assignments SET assigned_at = now()::TIMESTAMP FROM (VALUES ${v}) AS v(id, username)
         WHERE sft_review_assignments.sample_id = v.id AND sft_review_assignments.username = v.username`,
    );
    add(
      this.audit,
      AUDIT_COLUMNS,
      (v) => `INSERT INTO sft_review_audit (${AUDIT_COLUMNS.join(", ")}) VALUES ${v}`,
    );
    return statements.join(";\n");
  }
}
