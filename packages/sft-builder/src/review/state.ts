import { type Catalog, describeError } from "@soro/core";
import type { ChatMessage, SampleStatus, SftSample } from "../samples/schema.js";
import { type DiffPart, diffMessages } from "./diff.js";
import type { ReviewFilters } from "./queries.js";
import { type QueuedItem, ReviewQueue } from "./queue.js";
import { ReviewError, type SerialCatalog } from "./serial.js";
import type { ReviewUser } from "./users.js";
import { changed, outcome, type ReviewInput, type StoredReview, validate } from "./verdict.js";
import { PendingWrites } from "./write-behind.js";

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

/**
 * The review state the server answers from: the queue (queue.ts), reviews and first originals, held in memory while
 * the server is the review database's only writer (review-db.ts). Every change is applied here at once and written
 * to the catalog in the next transaction of the SerialCatalog (write-behind.ts), many requests per commit (a review
 * costs microseconds here instead of a dozen statements); a save is answered once its transaction has committed, so
 * nothing answered is ever lost. A failed write drops the memory state, which is read again from the catalog.
 */
export class ReviewState {
  private queue: ReviewQueue;
  private reviews = new Map<string, StoredReview[]>();
  private originals = new Map<string, ChatMessage[]>();
  private loaded: Promise<void> | null = null;
  private writes = new PendingWrites();
  /** The next audit row's id: the server is the audit log's only writer. */
  private nextAuditId = 1;

  constructor(
    private readonly serial: SerialCatalog,
    private readonly overlap: number,
  ) {
    this.queue = new ReviewQueue(overlap);
    serial.writeBehind = this;
  }

  /** Takes the writes made so far, for the SerialCatalog's next transaction (null when there are none). */
  take(): { sql: string; done: () => void; failed: (err: unknown) => void } | null {
    if (this.writes.empty) return null;
    const w = this.writes;
    this.writes = new PendingWrites();
    return {
      sql: w.sql(),
      done: () => w.resolve(),
      failed: (err) => {
        // Memory is ahead of the catalog now, and so are writes made since: refuse them and read the catalog again.
        console.error(
          `soro sft review: writing ${w.reviews.size} reviews to the catalog failed: ${describeError(err)}`,
        );
        w.reject(err);
        this.writes.reject(err);
        this.writes = new PendingWrites();
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
    const fresh = ids.filter((id) => !this.queue.has(id));
    if (!fresh.length) return;
    const rows = await this.serial.run((c) =>
      c.rows(
        `SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples
         WHERE list_contains(from_json($1, '["VARCHAR"]'), sample_id) ORDER BY created_at, sample_id`,
        [JSON.stringify(fresh)],
      ),
    );
    for (const r of rows) if (!this.queue.has(String(r.sample_id))) this.queue.add(r);
  }

  /** The review screen's view of one sample for a user; 404 when it does not exist. */
  async sampleView(user: ReviewUser, id: string): Promise<SampleView> {
    await this.ready();
    return this.view(user, id);
  }

  /**
   * The next sample for a user (the queue's choice), which is then assigned to them; null when none is left. The
   * assignment is not waited for: losing one in a crash only frees the sample for someone else.
   */
  async nextSample(user: ReviewUser, filters: ReviewFilters): Promise<SampleView | null> {
    await this.ready();
    const now = Date.now();
    const pick = this.queue.next(user.username, filters, now);
    if (!pick) return null;
    const id = pick.sample.sample_id;
    if (this.queue.holds(id, user.username)) return this.view(user, id);
    this.touch(id, user.username, now, { refresh: true, done: false });
    this.audit(id, user.username, "assign", null);
    void this.committed();
    return this.view(user, id);
  }

  /**
   * Saves a review. The version the reviewer saw must still be current (else nothing changes but the audit log,
   * which keeps the refused attempt, and the caller gets the current sample back). Once `overlap` reviews are in,
   * the verdicts decide the sample (verdict.ts `outcome`).
   */
  async submitReview(user: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    await this.ready();
    const item = this.item(id);
    const sample = item.sample;
    validate(input, sample.messages, sample.task);
    if (sample.status !== "queued")
      throw new ReviewError(409, `sample is ${sample.status}, no longer in review`);
    if (input.version !== sample.version) return this.conflict(user, id, input);
    const now = Date.now();
    if (!this.queue.holds(id, user.username) && this.queue.liveOthers(id, user.username, now) >= this.overlap)
      throw new ReviewError(409, "this sample already has enough reviewers");

    const edited = changed(sample.messages, input.messages);
    if (changed(sample.messages, input.messages)) this.edit(user.username, item, input.messages);
    const list = this.reviews.get(id) ?? [];
    this.reviews.set(id, list);
    const i = list.findIndex((r) => r.username === user.username);
    const review: StoredReview = {
      username: user.username,
      decision: input.decision,
      reason: input.decision === "reject" ? (input.reason ?? null) : null,
      rating: input.rating ?? null,
      comment: input.comment?.trim() || null,
      edited: edited || (list[i]?.edited ?? false),
      sample_version: item.sample.version,
    };
    if (i >= 0) list[i] = review;
    else list.push(review);
    this.writes.review({ sample_id: id, ...review }, i < 0);
    this.touch(id, user.username, now, { refresh: false, done: true });
    this.audit(id, user.username, "review", {
      decision: input.decision,
      reason: input.reason ?? null,
      rating: input.rating ?? null,
      comment: input.comment ?? null,
      edited,
    });
    if (list.length >= this.overlap)
      this.setStatus(user.username, item, outcome(sample.task, list), `${list.length} reviews`);
    const view = this.view(user, id);
    await this.committed();
    return { saved: true, view };
  }

  /** A lead's final word on a sample (typically one reviewers disagreed on), with an optional last edit. */
  async adjudicate(lead: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    if (lead.role !== "lead") throw new ReviewError(403, "only leads adjudicate");
    await this.ready();
    const item = this.item(id);
    // A lead's word on a passage is accept (its mean rating stands) or reject; no rating of its own.
    validate(input, item.sample.messages);
    if (input.version !== item.sample.version) return this.conflict(lead, id, input);
    if (changed(item.sample.messages, input.messages)) this.edit(lead.username, item, input.messages);
    this.audit(id, lead.username, "adjudicate", {
      decision: input.decision,
      reason: input.reason ?? null,
      comment: input.comment ?? null,
    });
    this.setStatus(lead.username, item, input.decision === "accept" ? "accepted" : "rejected", "adjudicated");
    const view = this.view(lead, id);
    await this.committed();
    return { saved: true, view };
  }

  private async conflict(user: ReviewUser, id: string, input: ReviewInput): Promise<SaveResult> {
    this.audit(id, user.username, "conflict", { seen_version: input.version, attempt: input });
    const view = this.view(user, id);
    await this.committed();
    return { saved: false, conflict: true, view };
  }

  // The writes made so far, committed in the SerialCatalog's next transaction; a save is answered once committed.
  private committed(): Promise<void> {
    const done = this.writes.committed;
    this.serial.kick();
    return done;
  }

  private item(id: string): QueuedItem {
    const item = this.queue.get(id);
    if (!item) throw new ReviewError(404, `no sample ${id}`);
    return item;
  }

  // A snapshot: later changes replace these objects and arrays rather than change them.
  private view(user: ReviewUser, id: string): SampleView {
    const { sample } = this.item(id);
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

  // Assigns (refresh: the clock restarts) or marks done, and notes the assignment for the next write.
  private touch(id: string, username: string, at: number, change: { refresh: boolean; done: boolean }) {
    const { a, fresh } = this.queue.slot(id, username, at);
    if (change.refresh) a.at = at;
    if (change.done) this.queue.markDone(id, username, a);
    // The catalog keeps when an assignment was made; whether it is done is whether its review exists.
    if (!fresh && !change.refresh) return;
    this.writes.assignment({ sample_id: id, username }, fresh);
  }

  private noteSample(item: QueuedItem, edited: boolean): void {
    const s = item.sample;
    this.writes.sample(
      { sample_id: s.sample_id, status: s.status, version: s.version, messages: item.raw },
      edited,
    );
  }

  private edit(username: string, item: QueuedItem, messages: ChatMessage[]): void {
    const s = item.sample;
    if (!this.originals.has(s.sample_id)) {
      this.originals.set(s.sample_id, s.messages);
      this.writes.originals.set(s.sample_id, {
        sample_id: s.sample_id,
        messages: item.raw,
        first_edited_by: username,
      });
    }
    this.audit(s.sample_id, username, "edit", { before: s.messages, after: messages });
    item.sample = { ...s, messages, version: s.version + 1 };
    item.raw = JSON.stringify(messages);
    this.noteSample(item, true);
  }

  private setStatus(username: string, item: QueuedItem, status: SampleStatus, why: string): void {
    item.sample = { ...item.sample, status, version: item.sample.version + 1 };
    if (status !== "queued") this.queue.decided(item);
    this.noteSample(item, false);
    this.audit(item.sample.sample_id, username, "status", { status, why });
  }

  private audit(id: string | null, username: string, action: string, detail: unknown): void {
    this.writes.audit.push({
      audit_id: this.nextAuditId++,
      sample_id: id,
      username,
      action,
      detail: JSON.stringify(detail ?? null),
    });
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
    this.queue.clear();
    this.reviews.clear();
    this.originals.clear();
    for (const r of await c.rows(
      "SELECT * EXCLUDE (created_at, updated_at) FROM sft_samples ORDER BY created_at, sample_id",
    ))
      this.queue.add(r);
    const now = Date.now();
    // Ages come from the catalog's own clock, which stamped assigned_at.
    for (const r of await c.rows(
      `SELECT sample_id, username, r.sample_id IS NOT NULL AS done,
         date_diff('millisecond', assigned_at, now()::TIMESTAMP) AS age
       FROM sft_review_assignments a LEFT JOIN sft_review_reviews r USING (sample_id, username)`,
    )) {
      const { a } = this.queue.slot(String(r.sample_id), String(r.username), now - Number(r.age));
      if (r.done) this.queue.markDone(String(r.sample_id), String(r.username), a);
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
    this.nextAuditId = Math.max(this.nextAuditId, Number(last?.n ?? 0) + 1);
  }
}
