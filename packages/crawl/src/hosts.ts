import { backoffMs } from "./classify.js";
import type { Politeness } from "./config.js";
import type { FrontierItem } from "./frontier.js";
import { ALLOW_ALL, DISALLOW_ALL, type RobotsRules } from "./robots.js";
import { hostKey } from "./url.js";

/** Politeness state of one host, as the scheduler reads it; the host table alone changes it. */
export interface Host {
  readonly key: string;
  readonly origin: string;
  /** URLs of this host loaded from the frontier, in frontier order (retries at the end). */
  readonly queue: FrontierItem[];
  /** Requests in flight (pages and robots.txt). */
  readonly active: number;
  /** No request to this host before this time (ms since the epoch). */
  readonly nextAt: number;
  /** null: to be read (again); "loading": a robots.txt request is in flight. */
  readonly robots: RobotsRules | "loading" | null;
  /** Pages fetched from this host in the whole crawl (for the per-host cap). */
  readonly fetched: number;
}

type HostState = {
  -readonly [K in keyof Host]: Host[K];
} & {
  queue: FrontierItem[];
  robotsAttempts: number;
  /** When the robots rules were read: a crawl that runs for days reads them again after `robotsTtlMs`. */
  robotsAt: number;
  delayMs: number;
};

/**
 * The hosts the crawl has in memory: their queues, delays and robots rules. It is the only writer of a host's
 * `nextAt`, so every rule that makes a host wait (the minimum delay, Crawl-delay, Retry-After, an unreachable
 * robots.txt) is in this file. Idle hosts beyond `idleLimit` are dropped, keeping only their page count.
 */
export class HostTable {
  private readonly hosts = new Map<string, HostState>();
  /** URLs held in all queues. */
  private held = 0;

  constructor(
    private readonly politeness: Politeness,
    /** Pages fetched per host by earlier runs (and by hosts dropped since); updated on eviction. */
    private readonly fetchedBefore: Map<string, number>,
    private readonly idleLimit: number,
  ) {}

  /** URLs held in memory across all hosts. */
  get queued(): number {
    return this.held;
  }

  /** The hosts in memory, in the order they were first seen. */
  values(): IterableIterator<Host> {
    return this.hosts.values();
  }

  /** The host of a URL, created on first sight. */
  get(url: string): Host {
    return this.state(url);
  }

  private state(url: string): HostState {
    const key = hostKey(url);
    let h = this.hosts.get(key);
    if (!h) {
      h = {
        key,
        origin: new URL(url).origin,
        queue: [],
        active: 0,
        nextAt: 0,
        robots: this.politeness.robots ? null : ALLOW_ALL,
        robotsAttempts: 0,
        robotsAt: 0,
        delayMs: this.politeness.minDelayMs,
        fetched: this.fetchedBefore.get(key) ?? 0,
      };
      this.hosts.set(key, h);
    }
    return h;
  }

  private own(h: Host): HostState {
    return h as HostState;
  }

  /** Adds a frontier URL (or a retry) to its host's queue. */
  enqueue(item: FrontierItem): void {
    this.state(item.url).queue.push(item);
    this.held++;
  }

  /** Takes the first URL of the host that is due at `now`, or returns the time the earliest one is due. */
  take(h: Host, now: number): FrontierItem | number {
    const idx = h.queue.findIndex((it) => it.nextAt <= now);
    const [item] = idx < 0 ? [] : this.own(h).queue.splice(idx, 1);
    if (!item) return Math.min(...h.queue.map((it) => it.nextAt));
    this.held--;
    return item;
  }

  /** Puts a taken URL back at the head of its host's queue (a limit stopped it before its fetch). */
  putBack(h: Host, item: FrontierItem): void {
    this.own(h).queue.unshift(item);
    this.held++;
  }

  /**
   * Drops a host with nothing queued, nothing in flight and no wait pending, when more than `idleLimit` hosts are
   * held: it loses only its robots rules (read again if it comes back); its page count is kept. True if dropped.
   */
  evictIfIdle(h: Host, now: number): boolean {
    if (this.hosts.size <= this.idleLimit) return false;
    if (h.queue.length > 0 || h.active > 0 || h.robots === "loading" || h.nextAt > now) return false;
    this.fetchedBefore.set(h.key, h.fetched);
    this.hosts.delete(h.key);
    return true;
  }

  /** Whether robots.txt must be read before the next page: never read, or read longer ago than `robotsTtlMs`. */
  needsRobots(h: Host, now: number): boolean {
    const s = this.own(h);
    if (
      this.politeness.robots &&
      s.robots !== "loading" &&
      s.robots !== null &&
      now - s.robotsAt > this.politeness.robotsTtlMs
    )
      s.robots = null;
    return s.robots === null;
  }

  /** A robots.txt request is sent for the host. */
  robotsStarted(h: Host): void {
    const s = this.own(h);
    s.robots = "loading";
    s.active++;
  }

  /** A page request is sent: the host waits its delay before the next one. */
  pageStarted(h: Host, now: number): void {
    const s = this.own(h);
    s.active++;
    s.fetched++;
    s.nextAt = now + s.delayMs;
  }

  /** A response stored by a killed run was taken over: it counts as a fetch of the host. */
  pageAdopted(h: Host): void {
    this.own(h).fetched++;
  }

  /** A request (page or robots.txt) ended: the next one waits the host's delay from now. */
  finished(h: Host, now = Date.now()): void {
    const s = this.own(h);
    s.active--;
    s.nextAt = Math.max(s.nextAt, now + s.delayMs);
  }

  /** The server asked the whole host to wait (429/503 with or without Retry-After). */
  waitUntil(h: Host, at: number): void {
    const s = this.own(h);
    s.nextAt = Math.max(s.nextAt, at);
  }

  /** robots.txt was read (or found missing, or refused): its rules and Crawl-delay now apply. */
  robotsRead(h: Host, rules: RobotsRules, now = Date.now()): void {
    const s = this.own(h);
    s.robots = rules;
    s.robotsAt = now;
    s.delayMs = Math.max(this.politeness.minDelayMs, rules.crawlDelayMs ?? 0);
    s.nextAt = Math.max(s.nextAt, now + s.delayMs);
  }

  /**
   * robots.txt could not be read (5xx, network): the host waits (Retry-After or backoff) and reads it again, until
   * the retries run out; then, as RFC 9309 says, everything is disallowed. True when it is given up.
   */
  robotsUnreachable(h: Host, retryAfter: number | null, now = Date.now()): boolean {
    const s = this.own(h);
    s.robotsAttempts++;
    if (s.robotsAttempts > this.politeness.maxRetries) {
      s.robots = DISALLOW_ALL;
      // Trusted as long as rules read: without this the host would ask for robots.txt before every page.
      s.robotsAt = now;
      return true;
    }
    s.robots = null;
    s.nextAt = now + (retryAfter ?? backoffMs(this.politeness.backoffMs, s.robotsAttempts - 1));
    return false;
  }
}
