import type { Catalog } from "@soro/core";
import type { ChatMessage, SampleStatus, SftSample } from "../samples/schema.js";
import { agreementByTask, type RatedReview, type TaskAgreement } from "./agreement.js";
import { type DiffPart, diffMessages } from "./diff.js";
import { REJECT_REASONS } from "./guidelines.js";
import { ReviewError } from "./serial.js";
import type { ReviewUser } from "./users.js";

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

/** A reviewer's verdict on one sample; `messages` carries an edit (which counts as accepting). */
export interface ReviewInput {
  version: number;
  decision: "accept" | "reject";
  reason?: string | null;
  rating?: number | null;
  comment?: string | null;
  messages?: ChatMessage[];
}

/** A stored review. */
export interface StoredReview {
  username: string;
  decision: string;
  reason: string | null;
  rating: number | null;
  comment: string | null;
  edited: boolean;
  sample_version: number;
}

/** Everything the review screen shows for one sample. */
export interface SampleView {
  sample: SftSample;
  /** The messages before the first edit, when edited. */
  original: ChatMessage[] | null;
  diff: Array<{ role: string; parts: DiffPart[] }> | null;
  mine: StoredReview | null;
  /** All reviews, for leads only (annotators see their own, so others do not sway them). */
  reviews: StoredReview[] | null;
  reviewCount: number;
}

/** The outcome of saving: either saved, or refused because the sample changed since the reviewer loaded it. */
export type SaveResult =
  | { saved: true; view: SampleView }
  | { saved: false; conflict: true; view: SampleView };

type Param = string | number | boolean | null;

// An assignment nobody acted on for this long frees its slot for another reviewer.
const ASSIGNMENT_TTL = "INTERVAL 30 MINUTE";
const REASONS = new Set(REJECT_REASONS.map((r) => r.code));

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
  if (filters.q?.trim()) add(`contains(lower(${alias}.messages::VARCHAR), lower(?))`, filters.q.trim());
  return parts.length ? parts.join(" AND ") : "true";
}

async function loadSample(c: Catalog, id: string): Promise<SftSample | null> {
  const rows = await c.rows(
    "SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples WHERE sample_id = $1",
    [id],
  );
  const r = rows[0];
  return r ? ({ ...r, messages: JSON.parse(String(r.messages)) } as unknown as SftSample) : null;
}

async function audit(c: Catalog, sampleId: string | null, user: string, action: string, detail: unknown) {
  await c.conn.run(
    "INSERT INTO sft_review_audit (sample_id, username, action, detail) VALUES ($1, $2, $3, $4)",
    [sampleId, user, action, JSON.stringify(detail ?? null)],
  );
}

async function reviewsOf(c: Catalog, id: string): Promise<StoredReview[]> {
  return (await c.rows(
    `SELECT username, decision, reason, rating, comment, edited, sample_version FROM sft_review_reviews
     WHERE sample_id = $1 ORDER BY created_at, username`,
    [id],
  )) as unknown as StoredReview[];
}

/** The review screen's view of one sample for a user; 404 when it does not exist. */
export async function sampleView(c: Catalog, user: ReviewUser, id: string): Promise<SampleView> {
  const sample = await loadSample(c, id);
  if (!sample) throw new ReviewError(404, `no sample ${id}`);
  const orig = await c.rows("SELECT messages FROM sft_review_originals WHERE sample_id = $1", [id]);
  const original = orig[0] ? (JSON.parse(String(orig[0].messages)) as ChatMessage[]) : null;
  const reviews = await reviewsOf(c, id);
  return {
    sample,
    original,
    diff: original ? diffMessages(original, sample.messages) : null,
    mine: reviews.find((r) => r.username === user.username) ?? null,
    reviews: user.role === "lead" ? reviews : null,
    reviewCount: reviews.length,
  };
}

/**
 * The next sample for a user: an open assignment of theirs, else a queued sample that still needs reviewers (those
 * others already started first, so overlap completes), which is then assigned to them. Null when none is left.
 */
export async function nextSample(
  c: Catalog,
  user: ReviewUser,
  filters: ReviewFilters,
  overlap: number,
): Promise<SampleView | null> {
  const f = { ...filters, status: "queued" as const, annotator: undefined };
  const params: Param[] = [user.username];
  const open = await c.rows(
    `SELECT s.sample_id FROM sft_samples s JOIN sft_review_assignments a ON a.sample_id = s.sample_id
     WHERE a.username = $1 AND NOT a.done AND ${where(f, params)} ORDER BY a.assigned_at, s.sample_id LIMIT 1`,
    params,
  );
  let id = open[0]?.sample_id as string | undefined;
  if (!id) {
    const p2: Param[] = [user.username, overlap];
    const free = await c.rows(
      `WITH load AS (
         SELECT sample_id, count(*) FILTER (WHERE done OR assigned_at > now() - ${ASSIGNMENT_TTL}) AS n,
                bool_or(username = $1) AS mine
         FROM sft_review_assignments GROUP BY sample_id)
       SELECT s.sample_id FROM sft_samples s LEFT JOIN load l ON l.sample_id = s.sample_id
       WHERE coalesce(l.n, 0) < $2 AND NOT coalesce(l.mine, false) AND ${where(f, p2)}
       ORDER BY coalesce(l.n, 0) DESC, s.created_at, s.sample_id LIMIT 1`,
      p2,
    );
    id = free[0]?.sample_id as string | undefined;
    if (!id) return null;
    await c.conn.run(
      `INSERT INTO sft_review_assignments (sample_id, username) VALUES ($1, $2)
       ON CONFLICT DO UPDATE SET assigned_at = now()`,
      [id, user.username],
    );
    await audit(c, id, user.username, "assign", null);
  }
  return sampleView(c, user, id);
}

function validate(input: ReviewInput, current: ChatMessage[]): void {
  if (input.decision !== "accept" && input.decision !== "reject")
    throw new ReviewError(400, "decision must be accept or reject");
  if (!Number.isInteger(input.version)) throw new ReviewError(400, "version is required");
  if (input.decision === "reject" && !REASONS.has(input.reason ?? ""))
    throw new ReviewError(400, `a rejection needs a reason: ${[...REASONS].join(", ")}`);
  if (input.rating !== undefined && input.rating !== null) {
    if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)
      throw new ReviewError(400, "rating must be 1 to 5");
  }
  if (input.comment && (typeof input.comment !== "string" || input.comment.length > 4000))
    throw new ReviewError(400, "comment must be text of at most 4000 characters");
  if (input.messages !== undefined) {
    if (input.decision === "reject") throw new ReviewError(400, "an edited sample is accepted, not rejected");
    const m = input.messages;
    const ok =
      Array.isArray(m) &&
      m.length === current.length &&
      m.every(
        (x, i) =>
          x?.role === current[i]!.role &&
          typeof x.content === "string" &&
          x.content.trim().length > 0 &&
          x.content.length <= 20_000,
      );
    if (!ok) throw new ReviewError(400, "an edit keeps every turn and its role, each with non-empty text");
  }
}

async function applyEdit(
  c: Catalog,
  user: string,
  sample: SftSample,
  messages: ChatMessage[],
): Promise<void> {
  await c.conn.run(
    `INSERT INTO sft_review_originals (sample_id, messages, first_edited_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [sample.sample_id, JSON.stringify(sample.messages), user],
  );
  await c.conn.run(
    `UPDATE sft_samples SET messages = $1, version = version + 1, updated_at = now() WHERE sample_id = $2`,
    [JSON.stringify(messages), sample.sample_id],
  );
  await audit(c, sample.sample_id, user, "edit", { before: sample.messages, after: messages });
}

async function setStatus(
  c: Catalog,
  user: string,
  id: string,
  status: SampleStatus,
  why: string,
): Promise<void> {
  await c.conn.run(
    `UPDATE sft_samples SET status = $1, version = version + 1, updated_at = now() WHERE sample_id = $2`,
    [status, id],
  );
  await audit(c, id, user, "status", { status, why });
}

function changed(a: ChatMessage[], b: ChatMessage[] | undefined): b is ChatMessage[] {
  return (
    b !== undefined && JSON.stringify(a.map((m) => m.content)) !== JSON.stringify(b.map((m) => m.content))
  );
}

/**
 * Saves a review. The version the reviewer saw must still be current (else nothing changes but the audit log,
 * which keeps the refused attempt, and the caller gets the current sample back). Once `overlap` reviews are in, the
 * sample is accepted or rejected when they all agree, or goes to the leads for adjudication.
 */
export async function submitReview(
  c: Catalog,
  user: ReviewUser,
  id: string,
  input: ReviewInput,
  overlap: number,
): Promise<SaveResult> {
  const sample = await loadSample(c, id);
  if (!sample) throw new ReviewError(404, `no sample ${id}`);
  validate(input, sample.messages);
  if (sample.status !== "queued")
    throw new ReviewError(409, `sample is ${sample.status}, no longer in review`);
  if (input.version !== sample.version) {
    await audit(c, id, user.username, "conflict", { seen_version: input.version, attempt: input });
    return { saved: false, conflict: true, view: await sampleView(c, user, id) };
  }
  const slots = await c.rows(
    `SELECT count(*) FILTER (WHERE username <> $2 AND (done OR assigned_at > now() - ${ASSIGNMENT_TTL})) AS others,
            count(*) FILTER (WHERE username = $2) AS mine
     FROM sft_review_assignments WHERE sample_id = $1`,
    [id, user.username],
  );
  if (!Number(slots[0]!.mine) && Number(slots[0]!.others) >= overlap)
    throw new ReviewError(409, "this sample already has enough reviewers");

  const edited = changed(sample.messages, input.messages);
  if (edited) await applyEdit(c, user.username, sample, input.messages!);
  const review = [
    id,
    user.username,
    input.decision,
    input.decision === "reject" ? input.reason! : null,
    input.rating ?? null,
    input.comment?.trim() || null,
    edited,
    sample.version + (edited ? 1 : 0),
  ];
  await c.conn.run(
    `INSERT INTO sft_review_reviews (sample_id, username, decision, reason, rating, comment, edited, sample_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT DO UPDATE SET decision = excluded.decision, reason = excluded.reason, rating = excluded.rating,
       comment = excluded.comment, edited = sft_review_reviews.edited OR excluded.edited,
       sample_version = excluded.sample_version, updated_at = now()`,
    review as Param[],
  );
  await c.conn.run(
    `INSERT INTO sft_review_assignments (sample_id, username, done) VALUES ($1, $2, true)
     ON CONFLICT DO UPDATE SET done = true`,
    [id, user.username],
  );
  await audit(c, id, user.username, "review", {
    decision: input.decision,
    reason: input.reason ?? null,
    rating: input.rating ?? null,
    comment: input.comment ?? null,
    edited,
  });
  const decisions = (await reviewsOf(c, id)).map((r) => r.decision);
  if (decisions.length >= overlap) {
    const all = new Set(decisions);
    const status: SampleStatus =
      all.size > 1 ? "needs_adjudication" : decisions[0] === "accept" ? "accepted" : "rejected";
    await setStatus(c, user.username, id, status, `${decisions.length} reviews`);
  }
  return { saved: true, view: await sampleView(c, user, id) };
}

/** A lead's final word on a sample (typically one reviewers disagreed on), with an optional last edit. */
export async function adjudicate(
  c: Catalog,
  lead: ReviewUser,
  id: string,
  input: ReviewInput,
): Promise<SaveResult> {
  if (lead.role !== "lead") throw new ReviewError(403, "only leads adjudicate");
  const sample = await loadSample(c, id);
  if (!sample) throw new ReviewError(404, `no sample ${id}`);
  validate(input, sample.messages);
  if (input.version !== sample.version) {
    await audit(c, id, lead.username, "conflict", { seen_version: input.version, attempt: input });
    return { saved: false, conflict: true, view: await sampleView(c, lead, id) };
  }
  if (changed(sample.messages, input.messages)) await applyEdit(c, lead.username, sample, input.messages!);
  await audit(c, id, lead.username, "adjudicate", {
    decision: input.decision,
    reason: input.reason ?? null,
    comment: input.comment ?? null,
  });
  await setStatus(c, lead.username, id, input.decision === "accept" ? "accepted" : "rejected", "adjudicated");
  return { saved: true, view: await sampleView(c, lead, id) };
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
    `SELECT s.sample_id, s.task, s.subject, s.grade, s.status, s.version, s.messages,
       (SELECT count(*) FROM sft_review_reviews r WHERE r.sample_id = s.sample_id) AS reviews,
       (SELECT any_value(decision) FROM sft_review_reviews r WHERE r.sample_id = s.sample_id AND r.username = $1) AS my_decision,
       EXISTS (SELECT 1 FROM sft_review_originals o WHERE o.sample_id = s.sample_id) AS edited
     FROM sft_samples s WHERE ${where(filters, params)} ORDER BY s.created_at, s.sample_id LIMIT ${Math.max(1, Math.min(limit, 1000))}`,
    params,
  );
  return rows.map(({ messages, ...r }) => {
    const msgs = JSON.parse(String(messages)) as ChatMessage[];
    const first = msgs.find((m) => m.role === "user") ?? msgs[0];
    return { ...r, snippet: (first?.content ?? "").slice(0, 140) } as unknown as QueueRow;
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
       (SELECT count(*) FROM sft_review_assignments a WHERE a.username = u.username AND NOT a.done) AS open
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
