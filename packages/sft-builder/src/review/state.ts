import { type Catalog, describeError, sqlString } from "@soro/core";
import type { ChatMessage, SampleStatus, SftSample } from "../samples/schema.js";
import { diffMessages } from "./diff.js";
import { EDU_TASK } from "./edu-ratings.js";
import { ReviewError, type SerialCatalog } from "./serial.js";
import {
  changed,
  matches,
  type ReviewFilters,
  type ReviewInput,
  type SampleView,
  type SaveResult,
  type StoredReview,
  validate,
} from "./store.js";
import type { ReviewUser } from "./users.js";

// An assignment nobody acted on for this long frees its slot for another reviewer.
const ASSIGNMENT_TTL_MS = 30 * 60_000;

/** Ratings of one passage further apart than this go to a lead instead of being averaged. */
export const EDU_MAX_SPREAD = 2;

/**
 * What `overlap` reviews decide: a sample is accepted or rejected when all agree, else a lead adjudicates; a
 * passage's ratings are accepted (and averaged by readers) unless they lie more than EDU_MAX_SPREAD apart.
 */
export function outcome(task: string, reviews: StoredReview[]): SampleStatus {
  if (task === EDU_TASK) {
    const ratings = reviews.map((r) => r.rating ?? 0);
    return Math.max(...ratings) - Math.min(...ratings) > EDU_MAX_SPREAD ? "needs_adjudication" : "accepted";
  }
  const all = new Set(reviews.map((r) => r.decision));
  if (all.size > 1) return "needs_adjudication";
  return reviews[0]!.decision === "accept" ? "accepted" : "rejected";
}

interface Cached {
  sample: SftSample;
  /** Position in queue order. */
  index: number;
  /** The messages as stored JSON text, searched by the `q` filter. */
  raw: string;
}

interface Assignment {
  at: number;
  done: boolean;
}

type Row = Array<string | number | boolean | null>;

/** Catalog writes made in memory and not yet committed, kept in the order they happened. */
class Writes {
  audit: Row[] = [];
  /** Assignments made (`fresh`: not in the catalog yet) or whose clock restarted, by sample and user. */
  assignments = new Map<string, { row: Row; fresh: boolean }>();
  reviews = new Map<string, { row: Row; fresh: boolean }>();
  originals = new Map<string, Row>();
  /** Samples changed (id, status, version, messages), and whether their messages did. */
  samples = new Map<string, { row: Row; edited: boolean }>();
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
}

/** A SQL literal of a value (values are inlined so a whole flush is one call; the columns' types convert them). */
function literal(v: string | number | boolean | null): string {
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

/** Rows as a multi-row VALUES list of literals. */
function values(rows: Row[]): string {
  return rows.map((r) => `(${r.map(literal).join(", ")})`).join(", ");
}

/**
 * The review state the server answers from: samples under review, assignments, reviews and first originals, held
 * in memory while the server is the review database's only writer (review-db.ts). Every change is applied here at once and written to the
 * catalog in the next transaction of the SerialCatalog, many requests per commit (a review costs microseconds here
 * instead of a dozen statements); a save is answered once its transaction has committed, so nothing answered is
 * ever lost. A failed write drops the memory state, which is read again from the catalog.
 */
export class ReviewState {
  private samples = new Map<string, Cached>();
  /** Samples in queue order (created_at, sample_id). */
  private order: Cached[] = [];
  /** Samples before this index in `order` are decided; the server never puts one back in the queue. */
  private head = 0;
  private bySample = new Map<string, Map<string, Assignment>>();
  /** Each user's assignments not yet reviewed. */
  private openByUser = new Map<string, Map<string, Assignment>>();
  /** Queued samples someone was assigned: the candidates for completing overlap, few compared to the queue. */
  private started = new Set<Cached>();
  private reviews = new Map<string, StoredReview[]>();
  private originals = new Map<string, ChatMessage[]>();
  private loaded: Promise<void> | null = null;
  private writes = new Writes();
  /** The next audit row's id: the server is the audit log's only writer. */
  private nextAuditId = 1;

  constructor(
    private readonly serial: SerialCatalog,
    private readonly overlap: number,
  ) {
    serial.writeBehind = this;
  }

  /** Takes the writes made so far, for the SerialCatalog's next transaction (null when there are none). */
  take(): { sql: string; done: () => void; failed: (err: unknown) => void } | null {
    if (this.writes.empty) return null;
    const w = this.writes;
    this.writes = new Writes();
    return {
      sql: this.sql(w),
      done: () => w.resolve(),
      failed: (err) => {
        // Memory is ahead of the catalog now, and so are writes made since: refuse them and read the catalog again.
        console.error(
          `soro sft review: writing ${w.reviews.size} reviews to the catalog failed: ${describeError(err)}`,
        );
        w.reject(err);
        this.writes.reject(err);
        this.writes = new Writes();
        this.loaded = null;
      },
    };
  }

  /**
   * Puts samples added to the database since the state was read (by a sync with the workspace catalog) at the end
   * of the queue; ids already known are ignored.
   */
  async addSamples(ids: string[]): Promise<void> {
    if (!this.loaded) return; // read whole on first use
    await this.loaded;
    const fresh = ids.filter((id) => !this.samples.has(id));
    if (!fresh.length) return;
    const rows = await this.serial.run((c) =>
      c.rows(
        `SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples
         WHERE list_contains(from_json($1, '["VARCHAR"]'), sample_id) ORDER BY created_at, sample_id`,
        [JSON.stringify(fresh)],
      ),
    );
    for (const r of rows) {
      const id = String(r.sample_id);
      if (this.samples.has(id)) continue;
      const raw = String(r.messages);
      const cached = {
        sample: { ...r, messages: JSON.parse(raw) } as unknown as SftSample,
        index: this.order.length,
        raw,
      };
      this.samples.set(id, cached);
      this.order.push(cached);
    }
  }

  /** The review screen's view of one sample for a user; 404 when it does not exist. */
  async sampleView(user: ReviewUser, id: string): Promise<SampleView> {
    await this.ready();
    return this.view(user, id);
  }

  /**
   * The next sample for a user: an open assignment of theirs, else a queued sample that still needs reviewers
   * (those others already started first, so overlap completes), which is then assigned to them. Null when none is
   * left. The assignment is not waited for: losing one in a crash only frees the sample for someone else.
   */
  async nextSample(user: ReviewUser, filters: ReviewFilters): Promise<SampleView | null> {
    await this.ready();
    const f = { ...filters, status: "queued" as const, annotator: undefined };
    let best: { id: string; at: number } | null = null;
    for (const [id, a] of this.openByUser.get(user.username) ?? []) {
      const s = this.samples.get(id);
      if (!s || !matches(s.sample, s.raw, f)) continue;
      if (!best || a.at < best.at || (a.at === best.at && id < best.id)) best = { id, at: a.at };
    }
    if (best) return this.view(user, best.id);
    const now = Date.now();
    // The started sample with the most live reviewers, earliest first; else the earliest one nobody started.
    let pick: { s: Cached; n: number } | null = null;
    for (const s of this.started) {
      if (!matches(s.sample, s.raw, f)) continue;
      const slots = this.bySample.get(s.sample.sample_id)!;
      if (slots.has(user.username)) continue;
      let n = 0;
      for (const a of slots.values()) if (a.done || a.at > now - ASSIGNMENT_TTL_MS) n++;
      if (n >= this.overlap) continue;
      if (!pick || n > pick.n || (n === pick.n && s.index < pick.s.index)) pick = { s, n };
    }
    if (!pick?.n) {
      while (this.head < this.order.length && this.order[this.head]!.sample.status !== "queued") this.head++;
      const end = pick?.s.index ?? this.order.length;
      for (let i = this.head; i < end; i++) {
        const s = this.order[i]!;
        if (this.started.has(s) || !matches(s.sample, s.raw, f)) continue;
        pick = { s, n: 0 };
        break;
      }
    }
    if (!pick) return null;
    const id = pick.s.sample.sample_id;
    this.touch(id, user.username, now, { refresh: true, done: false });
    this.audit(id, user.username, "assign", null);
    void this.committed();
    return this.view(user, id);
  }

  /**
   * Saves a review. The version the reviewer saw must still be current (else nothing changes but the audit log,
   * which keeps the refused attempt, and the caller gets the current sample back). Once `overlap` reviews are in,
   * the sample is accepted or rejected when they all agree, or goes to the leads for adjudication.
   */
  async submitReview(user: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    await this.ready();
    const cached = this.cached(id);
    const sample = cached.sample;
    validate(input, sample.messages, sample.task);
    if (sample.status !== "queued")
      throw new ReviewError(409, `sample is ${sample.status}, no longer in review`);
    if (input.version !== sample.version) return this.conflict(user, id, input);
    const now = Date.now();
    const slots = this.bySample.get(id);
    let others = 0;
    for (const [name, a] of slots ?? [])
      if (name !== user.username && (a.done || a.at > now - ASSIGNMENT_TTL_MS)) others++;
    if (!slots?.has(user.username) && others >= this.overlap)
      throw new ReviewError(409, "this sample already has enough reviewers");

    const edited = changed(sample.messages, input.messages);
    if (edited) this.edit(user.username, cached, input.messages!);
    const list = this.reviews.get(id) ?? [];
    this.reviews.set(id, list);
    const i = list.findIndex((r) => r.username === user.username);
    const review: StoredReview = {
      username: user.username,
      decision: input.decision,
      reason: input.decision === "reject" ? input.reason! : null,
      rating: input.rating ?? null,
      comment: input.comment?.trim() || null,
      edited: edited || (i >= 0 && list[i]!.edited),
      sample_version: cached.sample.version,
    };
    if (i >= 0) list[i] = review;
    else list.push(review);
    const key = `${id}\n${user.username}`;
    const row = [
      id,
      review.username,
      review.decision,
      review.reason,
      review.rating,
      review.comment,
      review.edited,
      review.sample_version,
    ];
    this.writes.reviews.set(key, { row, fresh: this.writes.reviews.get(key)?.fresh ?? i < 0 });
    this.touch(id, user.username, now, { refresh: false, done: true });
    this.audit(id, user.username, "review", {
      decision: input.decision,
      reason: input.reason ?? null,
      rating: input.rating ?? null,
      comment: input.comment ?? null,
      edited,
    });
    if (list.length >= this.overlap)
      this.setStatus(user.username, cached, outcome(sample.task, list), `${list.length} reviews`);
    const view = this.view(user, id);
    await this.saved();
    return { saved: true, view };
  }

  /** A lead's final word on a sample (typically one reviewers disagreed on), with an optional last edit. */
  async adjudicate(lead: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    if (lead.role !== "lead") throw new ReviewError(403, "only leads adjudicate");
    await this.ready();
    const cached = this.cached(id);
    // A lead's word on a passage is accept (its mean rating stands) or reject; no rating of its own.
    validate(input, cached.sample.messages);
    if (input.version !== cached.sample.version) return this.conflict(lead, id, input);
    if (changed(cached.sample.messages, input.messages)) this.edit(lead.username, cached, input.messages!);
    this.audit(id, lead.username, "adjudicate", {
      decision: input.decision,
      reason: input.reason ?? null,
      comment: input.comment ?? null,
    });
    this.setStatus(
      lead.username,
      cached,
      input.decision === "accept" ? "accepted" : "rejected",
      "adjudicated",
    );
    const view = this.view(lead, id);
    await this.saved();
    return { saved: true, view };
  }

  private async conflict(user: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    this.audit(id, user.username, "conflict", { seen_version: input.version, attempt: input });
    const view = this.view(user, id);
    await this.saved();
    return { saved: false, conflict: true, view };
  }

  // A save is answered once committed.
  private async saved(): Promise<void> {
    await this.committed();
  }

  // The writes made so far, committed in the SerialCatalog's next transaction.
  private committed(): Promise<void> {
    const done = this.writes.committed;
    this.serial.kick();
    return done;
  }

  private cached(id: string): Cached {
    const cached = this.samples.get(id);
    if (!cached) throw new ReviewError(404, `no sample ${id}`);
    return cached;
  }

  // A snapshot: later changes replace these objects and arrays rather than change them.
  private view(user: ReviewUser, id: string): SampleView {
    const { sample } = this.cached(id);
    const original = this.originals.get(id) ?? null;
    const reviews = [...(this.reviews.get(id) ?? [])];
    return {
      sample: { ...sample },
      original,
      diff: original ? diffMessages(original, sample.messages) : null,
      mine: reviews.find((r) => r.username === user.username) ?? null,
      reviews: user.role === "lead" ? reviews : null,
      reviewCount: reviews.length,
    };
  }

  // The user's assignment to a sample, created when missing.
  private slot(id: string, username: string, at: number): { a: Assignment; fresh: boolean } {
    let a = this.bySample.get(id)?.get(username);
    if (a) return { a, fresh: false };
    a = { at, done: false };
    const slots = this.bySample.get(id) ?? new Map<string, Assignment>();
    slots.set(username, a);
    this.bySample.set(id, slots);
    const open = this.openByUser.get(username) ?? new Map<string, Assignment>();
    open.set(id, a);
    this.openByUser.set(username, open);
    const cached = this.samples.get(id);
    if (cached?.sample.status === "queued") this.started.add(cached);
    return { a, fresh: true };
  }

  // Assigns (refresh: the clock restarts) or marks done, and notes the assignment for the next write.
  private touch(id: string, username: string, at: number, change: { refresh: boolean; done: boolean }) {
    const { a, fresh } = this.slot(id, username, at);
    if (change.refresh) a.at = at;
    if (change.done) this.markDone(id, username, a);
    // The catalog keeps when an assignment was made; whether it is done is whether its review exists.
    if (!fresh && !change.refresh) return;
    const key = `${id}\n${username}`;
    this.writes.assignments.set(key, {
      row: [id, username],
      fresh: this.writes.assignments.get(key)?.fresh ?? fresh,
    });
  }

  private markDone(id: string, username: string, a: Assignment): void {
    a.done = true;
    this.openByUser.get(username)?.delete(id);
  }

  // Notes a sample's current state for the next write.
  private noteSample(cached: Cached, edited: boolean): void {
    const s = cached.sample;
    const w = this.writes.samples.get(s.sample_id);
    this.writes.samples.set(s.sample_id, {
      row: [s.sample_id, s.status, s.version, cached.raw],
      edited: edited || (w?.edited ?? false),
    });
  }

  private edit(username: string, cached: Cached, messages: ChatMessage[]): void {
    const s = cached.sample;
    if (!this.originals.has(s.sample_id)) {
      this.originals.set(s.sample_id, s.messages);
      this.writes.originals.set(s.sample_id, [s.sample_id, cached.raw, username]);
    }
    this.audit(s.sample_id, username, "edit", { before: s.messages, after: messages });
    cached.sample = { ...s, messages, version: s.version + 1 };
    cached.raw = JSON.stringify(messages);
    this.noteSample(cached, true);
  }

  private setStatus(username: string, cached: Cached, status: SampleStatus, why: string): void {
    cached.sample = { ...cached.sample, status, version: cached.sample.version + 1 };
    if (status !== "queued") this.started.delete(cached);
    this.noteSample(cached, false);
    this.audit(cached.sample.sample_id, username, "status", { status, why });
  }

  private audit(id: string | null, username: string, action: string, detail: unknown): void {
    this.writes.audit.push([this.nextAuditId++, id, username, action, JSON.stringify(detail ?? null)]);
  }

  private ready(): Promise<void> {
    this.loaded ??= this.serial
      .run((c) => this.load(c))
      .catch((err) => {
        this.loaded = null; // the next request tries again
        throw err;
      });
    return this.loaded;
  }

  private async load(c: Catalog): Promise<void> {
    this.samples.clear();
    this.bySample.clear();
    this.openByUser.clear();
    this.started.clear();
    this.reviews.clear();
    this.originals.clear();
    const samples = await c.rows(
      "SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples ORDER BY created_at, sample_id",
    );
    this.head = 0;
    this.order = samples.map((r, index) => {
      const raw = String(r.messages);
      const cached = { sample: { ...r, messages: JSON.parse(raw) } as unknown as SftSample, index, raw };
      this.samples.set(cached.sample.sample_id, cached);
      return cached;
    });
    const now = Date.now();
    // Ages come from the catalog's own clock, which stamped assigned_at.
    for (const r of await c.rows(
      `SELECT sample_id, username, r.sample_id IS NOT NULL AS done,
         date_diff('millisecond', assigned_at, now()::TIMESTAMP) AS age
       FROM sft_review_assignments a LEFT JOIN sft_review_reviews r USING (sample_id, username)`,
    )) {
      const { a } = this.slot(String(r.sample_id), String(r.username), now - Number(r.age));
      if (r.done) this.markDone(String(r.sample_id), String(r.username), a);
    }
    for (const r of await c.rows(
      `SELECT sample_id, username, decision, reason, rating, comment, edited, sample_version
       FROM sft_review_reviews ORDER BY created_at, username`,
    )) {
      const { sample_id, ...review } = r;
      const list = this.reviews.get(String(sample_id)) ?? [];
      list.push(review as unknown as StoredReview);
      this.reviews.set(String(sample_id), list);
    }
    for (const r of await c.rows("SELECT sample_id, messages FROM sft_review_originals"))
      this.originals.set(String(r.sample_id), JSON.parse(String(r.messages)));
    const [last] = await c.rows("SELECT coalesce(max(audit_id), 0) AS n FROM sft_review_audit");
    // A request already past ready() may have numbered rows after a failed write; ids only need to be unique.
    this.nextAuditId = Math.max(this.nextAuditId, Number(last!.n) + 1);
  }

  // The SQL text of a flush: a few multi-row statements, whatever the number of reviews.
  private sql(w: Writes): string {
    const statements: string[] = [];
    const add = (rows: Row[], sql: (values: string) => string) => {
      if (rows.length) statements.push(sql(values(rows)));
    };
    add(
      [...w.originals.values()],
      (v) => `INSERT INTO sft_review_originals (sample_id, messages, first_edited_by) VALUES ${v}`,
    );
    // Status changes leave the messages alone, and rewriting a JSON column costs more.
    const samples = [...w.samples.values()];
    add(
      samples.filter((x) => !x.edited).map((x) => x.row.slice(0, 3)),
      (v) =>
        `UPDATE sft_samples SET status = v.status, version = v.version, updated_at = now()
         FROM (VALUES ${v}) AS v(id, status, version) WHERE sft_samples.sample_id = v.id`,
    );
    add(
      samples.filter((x) => x.edited).map((x) => x.row),
      (v) =>
        `UPDATE sft_samples SET status = v.status, version = v.version, messages = v.messages, updated_at = now()
         FROM (VALUES ${v}) AS v(id, status, version, messages) WHERE sft_samples.sample_id = v.id`,
    );
    const reviewColumns = "(sample_id, username, decision, reason, rating, comment, edited, sample_version)";
    const reviews = [...w.reviews.values()];
    add(
      reviews.filter((r) => r.fresh).map((r) => r.row),
      (v) => `INSERT INTO sft_review_reviews ${reviewColumns} VALUES ${v}`,
    );
    add(
      reviews.filter((r) => !r.fresh).map((r) => r.row),
      (v) =>
        `INSERT INTO sft_review_reviews ${reviewColumns} VALUES ${v}
         ON CONFLICT DO UPDATE SET decision = excluded.decision, reason = excluded.reason, rating = excluded.rating,
           comment = excluded.comment, edited = excluded.edited, sample_version = excluded.sample_version,
           updated_at = now()`,
    );
    const assignments = [...w.assignments.values()];
    add(
      assignments.filter((a) => a.fresh).map((a) => a.row),
      (v) => `INSERT INTO sft_review_assignments (sample_id, username) VALUES ${v}`,
    );
    add(
      assignments.filter((a) => !a.fresh).map((a) => a.row),
      (v) =>
        `UPDATE sft_review_assignments SET assigned_at = now()::TIMESTAMP FROM (VALUES ${v}) AS v(id, username)
         WHERE sft_review_assignments.sample_id = v.id AND sft_review_assignments.username = v.username`,
    );
    add(
      w.audit,
      (v) => `INSERT INTO sft_review_audit (audit_id, sample_id, username, action, detail) VALUES ${v}`,
    );
    return statements.join(";\n");
  }
}
