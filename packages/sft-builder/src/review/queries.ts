import type { Catalog } from "@soro/core";
import type { ChatMessage, SampleStatus, SftSample } from "../samples/schema.js";
import { agreementByTask, type RatedReview, type TaskAgreement } from "./agreement.js";
import type { ReviewUser } from "./users.js";

// Read-only queries of the review app over the catalog (the queue list, filter menus, progress, the audit log,
// agreement) and the same filters applied in memory.

/** Search and filters of the queue (all optional). */
export interface ReviewFilters {
  task?: string;
  subject?: string;
  grade?: number;
  status?: SampleStatus;
  /** Only samples this annotator reviewed. */
  annotator?: string;
  /** Words to find in the messages. */
  q?: string;
}

type Param = string | number | boolean | null;

/** Whether a sample passes the filters (all but `annotator`); `raw` is its messages as stored JSON text. */
export function matches(s: SftSample, raw: string, filters: ReviewFilters): boolean {
  if (filters.task && s.task !== filters.task) return false;
  if (filters.subject && s.subject !== filters.subject) return false;
  if (filters.grade !== undefined && Number.isFinite(filters.grade) && s.grade !== filters.grade)
    return false;
  if (filters.status && s.status !== filters.status) return false;
  const q = filters.q?.trim().toLowerCase();
  // A rated passage has no messages; its text is the excerpt.
  return !q || raw.toLowerCase().includes(q) || (s.source_excerpt?.toLowerCase().includes(q) ?? false);
}

function where(filters: ReviewFilters, params: Param[], alias = "s"): string {
  const parts: string[] = [];
  const add = (sql: string, value: Param) => {
    params.push(value);
    parts.push(sql.replaceAll("?", `$${params.length}`));
  };
  if (filters.task) add(`${alias}.task = ?`, filters.task);
  if (filters.subject) add(`${alias}.subject = ?`, filters.subject);
  if (filters.grade !== undefined && Number.isFinite(filters.grade)) add(`${alias}.grade = ?`, filters.grade);
  if (filters.status) add(`${alias}.status = ?`, filters.status);
  if (filters.annotator)
    add(
      `EXISTS (SELECT 1 FROM sft_review_reviews f WHERE f.sample_id = ${alias}.sample_id AND f.username = ?)`,
      filters.annotator,
    );
  if (filters.q?.trim())
    add(
      `contains(lower(${alias}.messages::VARCHAR || coalesce(${alias}.source_excerpt, '')), lower(?))`,
      filters.q.trim(),
    );
  return parts.length ? parts.join(" AND ") : "true";
}

/** One row of the queue list. */
export interface QueueRow {
  sample_id: string;
  task: string;
  subject: string | null;
  grade: number | null;
  status: SampleStatus;
  version: number;
  snippet: string;
  reviews: number;
  my_decision: string | null;
  edited: boolean;
}

/** Samples matching the filters (at most `limit`), oldest first, with the user's own decision on each. */
export async function listQueue(
  c: Catalog,
  user: ReviewUser,
  filters: ReviewFilters,
  limit = 200,
): Promise<QueueRow[]> {
  const params: Param[] = [user.username];
  const rows = await c.rows(
    `SELECT s.sample_id, s.task, s.subject, s.grade, s.status, s.version, s.messages, s.source_excerpt,
       (SELECT count(*) FROM sft_review_reviews r WHERE r.sample_id = s.sample_id) AS reviews,
       (SELECT any_value(decision) FROM sft_review_reviews r WHERE r.sample_id = s.sample_id AND r.username = $1) AS my_decision,
       EXISTS (SELECT 1 FROM sft_review_originals o WHERE o.sample_id = s.sample_id) AS edited
     FROM sft_samples s WHERE ${where(filters, params)} ORDER BY s.created_at, s.sample_id LIMIT ${Math.max(1, Math.min(limit, 1000))}`,
    params,
  );
  return rows.map(({ messages, source_excerpt, ...r }) => {
    const msgs = JSON.parse(String(messages)) as ChatMessage[];
    const first = msgs.find((m) => m.role === "user") ?? msgs[0];
    const text = first?.content ?? (source_excerpt as string | null) ?? "";
    return { ...r, snippet: text.slice(0, 140) } as unknown as QueueRow;
  });
}

/** The values filters can take, for the filter menus. */
export async function facets(
  c: Catalog,
): Promise<{ tasks: string[]; subjects: string[]; grades: number[]; annotators: string[] }> {
  const col = async (sql: string) => (await c.rows(sql)).map((r) => Object.values(r)[0]);
  return {
    tasks: (await col("SELECT DISTINCT task FROM sft_samples ORDER BY 1")) as string[],
    subjects: (await col(
      "SELECT DISTINCT subject FROM sft_samples WHERE subject IS NOT NULL ORDER BY 1",
    )) as string[],
    grades: (await col(
      "SELECT DISTINCT grade FROM sft_samples WHERE grade IS NOT NULL ORDER BY 1",
    )) as number[],
    annotators: (await col("SELECT username FROM sft_review_users ORDER BY 1")) as string[],
  };
}

/** Per-reviewer counts (everyone for leads, oneself for annotators) and samples per status. */
export async function progress(c: Catalog, user: ReviewUser) {
  const params: Param[] = user.role === "lead" ? [] : [user.username];
  const people = await c.rows(
    `SELECT u.username, u.display_name, u.role,
       count(r.sample_id) AS reviewed,
       count(r.sample_id) FILTER (WHERE r.decision = 'accept') AS accepted,
       count(r.sample_id) FILTER (WHERE r.decision = 'reject') AS rejected,
       count(r.sample_id) FILTER (WHERE r.edited) AS edited,
       (SELECT count(*) FROM sft_review_assignments a WHERE a.username = u.username AND NOT EXISTS
         (SELECT 1 FROM sft_review_reviews d WHERE d.sample_id = a.sample_id AND d.username = a.username)) AS open
     FROM sft_review_users u LEFT JOIN sft_review_reviews r ON r.username = u.username
     ${params.length ? "WHERE u.username = $1" : ""}
     GROUP BY u.username, u.display_name, u.role ORDER BY u.username`,
    params,
  );
  const statuses = await c.rows(
    "SELECT status, count(*) AS n FROM sft_samples GROUP BY status ORDER BY status",
  );
  return {
    people,
    statuses: Object.fromEntries(statuses.map((r) => [String(r.status), Number(r.n)])),
  };
}

/** Every recorded action on a sample, oldest first. */
export async function auditLog(c: Catalog, id: string) {
  const rows = await c.rows(
    `SELECT audit_id, username, action, detail, strftime(happened_at, '%Y-%m-%d %H:%M:%S') AS at
     FROM sft_review_audit WHERE sample_id = $1 ORDER BY audit_id`,
    [id],
  );
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : JSON.parse(String(r.detail)) }));
}

/** Agreement per task over every stored review. */
export async function agreement(c: Catalog): Promise<TaskAgreement[]> {
  const rows = await c.rows(
    `SELECT s.task, r.sample_id, r.username, r.decision, r.rating
     FROM sft_review_reviews r JOIN sft_samples s ON s.sample_id = r.sample_id`,
  );
  return agreementByTask(rows as unknown as RatedReview[]);
}
