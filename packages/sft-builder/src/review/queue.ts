import type { SftSample } from "../samples/schema.js";
import { matches, type ReviewFilters } from "./queries.js";

// An assignment nobody acted on for this long frees its slot for another reviewer.
export const ASSIGNMENT_TTL_MS = 30 * 60_000;

/** A sample under review as the queue holds it. */
export interface QueuedItem {
  sample: SftSample;
  /** Position in queue order. */
  index: number;
  /** The messages as stored JSON text, searched by the `q` filter. */
  raw: string;
}

/** One reviewer's slot on one sample: when it was (re)assigned, and whether their review is in. */
export interface Assignment {
  at: number;
  done: boolean;
}

/**
 * The review queue and its assignment policy, in memory: samples in queue order (created_at, sample_id), who holds
 * which sample, and which sample a reviewer gets next so that each reaches `overlap` reviews. Nothing here touches
 * the catalog; ReviewState writes what changes.
 */
export class ReviewQueue {
  private items = new Map<string, QueuedItem>();
  private order: QueuedItem[] = [];
  /** Samples before this index in `order` are decided; a decided sample never returns to the queue. */
  private head = 0;
  private bySample = new Map<string, Map<string, Assignment>>();
  /** Each user's assignments not yet reviewed. */
  private openByUser = new Map<string, Map<string, Assignment>>();
  /** Queued samples someone was assigned: the candidates for completing overlap, few compared to the queue. */
  private started = new Set<QueuedItem>();

  constructor(private readonly overlap: number) {}

  clear(): void {
    this.items.clear();
    this.order = [];
    this.head = 0;
    this.bySample.clear();
    this.openByUser.clear();
    this.started.clear();
  }

  has(id: string): boolean {
    return this.items.has(id);
  }

  get(id: string): QueuedItem | undefined {
    return this.items.get(id);
  }

  /** Appends a sample (read from the catalog as a row whose `messages` is JSON text) at the end of the queue. */
  add(row: Record<string, unknown>): QueuedItem {
    const raw = String(row.messages);
    const item = {
      sample: { ...row, messages: JSON.parse(raw) } as unknown as SftSample,
      index: this.order.length,
      raw,
    };
    this.items.set(item.sample.sample_id, item);
    this.order.push(item);
    return item;
  }

  /** The user's slot on a sample, made when missing (`fresh`). */
  slot(id: string, username: string, at: number): { a: Assignment; fresh: boolean } {
    let a = this.bySample.get(id)?.get(username);
    if (a) return { a, fresh: false };
    a = { at, done: false };
    const slots = this.bySample.get(id) ?? new Map<string, Assignment>();
    slots.set(username, a);
    this.bySample.set(id, slots);
    const open = this.openByUser.get(username) ?? new Map<string, Assignment>();
    open.set(id, a);
    this.openByUser.set(username, open);
    const item = this.items.get(id);
    if (item?.sample.status === "queued") this.started.add(item);
    return { a, fresh: true };
  }

  /** Marks a slot's review as in. */
  markDone(id: string, username: string, a: Assignment): void {
    a.done = true;
    this.openByUser.get(username)?.delete(id);
  }

  /** Whether the user holds a slot on the sample. */
  holds(id: string, username: string): boolean {
    return this.bySample.get(id)?.has(username) ?? false;
  }

  /** Reviewers other than `username` whose slot on the sample still counts: reviewed, or assigned within the TTL. */
  liveOthers(id: string, username: string, now: number): number {
    let n = 0;
    for (const [name, a] of this.bySample.get(id) ?? [])
      if (name !== username && (a.done || a.at > now - ASSIGNMENT_TTL_MS)) n++;
    return n;
  }

  /** Takes a sample out of the overlap candidates once it is decided. */
  decided(item: QueuedItem): void {
    this.started.delete(item);
  }

  /**
   * The sample a user should review next under the filters: their own open assignment (oldest first), else the
   * started sample with the most live reviewers short of `overlap` (earliest first, so overlap completes), else
   * the earliest queued sample nobody started. Assigning it is the caller's.
   */
  next(username: string, filters: ReviewFilters, now: number): QueuedItem | null {
    const f = { ...filters, status: "queued" as const, annotator: undefined };
    let best: { id: string; at: number } | null = null;
    for (const [id, a] of this.openByUser.get(username) ?? []) {
      const s = this.items.get(id);
      if (!s || !matches(s.sample, s.raw, f)) continue;
      if (!best || a.at < best.at || (a.at === best.at && id < best.id)) best = { id, at: a.at };
    }
    const held = best && this.items.get(best.id);
    if (held) return held;
    let pick: { s: QueuedItem; n: number } | null = null;
    for (const s of this.started) {
      if (!matches(s.sample, s.raw, f)) continue;
      const slots = this.bySample.get(s.sample.sample_id) ?? new Map<string, Assignment>();
      if (slots.has(username)) continue;
      let n = 0;
      for (const a of slots.values()) if (a.done || a.at > now - ASSIGNMENT_TTL_MS) n++;
      if (n >= this.overlap) continue;
      if (!pick || n > pick.n || (n === pick.n && s.index < pick.s.index)) pick = { s, n };
    }
    if (!pick?.n) {
      while ((this.order[this.head]?.sample.status ?? "queued") !== "queued") this.head++;
      const end = pick?.s.index ?? this.order.length;
      for (const s of this.order.slice(this.head, end)) {
        if (this.started.has(s) || !matches(s.sample, s.raw, f)) continue;
        return s;
      }
    }
    return pick?.s ?? null;
  }
}
