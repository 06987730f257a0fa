import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, type Document, SourceRun, UsageError } from "@soro/core";
import type { CrawlConfig } from "./config.js";
import {
  Fetcher,
  type FetchFailure,
  type FetchResult,
  header,
  isDocumentType,
  isFailure,
} from "./fetcher.js";
import {
  type FetchLogRow,
  type FileRow,
  Frontier,
  type FrontierItem,
  type NewUrl,
  type UrlUpdate,
} from "./frontier.js";
import { batchKey, canonicalElsewhere, crawlDirs } from "./layout.js";
import { isHtml, type PageInput, readPage } from "./page.js";
import { rebuildBatches } from "./recover.js";
import { ALLOW_ALL, parseRobots, type RobotsRules, robotsVerdict } from "./robots.js";
import type { Resolver } from "./safety.js";
import { SiteTemplates } from "./site-templates.js";
import { parseSitemap } from "./sitemap.js";
import { hostKey, scopeChecker, urlNormalizer } from "./url.js";
import { type StoredResponse, trimWarc, type WarcLocation, WarcWriter, warcTail } from "./warc.js";

/** Cap on a robots.txt body whatever its Content-Type (RFC 9309 asks crawlers to read at least 500 KiB). */
const ROBOTS_MAX_BYTES = 512 * 1024;

/** What a crawl run did. */
export interface CrawlSummary {
  fetched: number;
  documents: number;
  files: number;
  failed: number;
  /** URLs still queued (a limit was reached, a stop was asked, or retries are parked for later). */
  queued: number;
  /** Documents rebuilt from WARCs for batches a killed run recorded but never committed. */
  recovered: number;
  /** Responses a killed run had stored but not committed, taken over instead of fetched again. */
  adopted: number;
  elapsedMs: number;
}

/** Hooks for the CLI and tests. */
export interface CrawlHooks {
  /** Replaces DNS (tests model answers such as a name that resolves to a private address). */
  resolver?: Resolver;
  /** Called for every fetch as it is logged. */
  onFetch?: (row: FetchLogRow) => void;
  /** Aborting stops dispatching; in-flight fetches finish and everything is committed. */
  signal?: AbortSignal;
}

/** How long robots.txt rules are trusted before they are fetched again (RFC 9309 suggests at most a day). */
const ROBOTS_TTL_MS = 24 * 3600_000;

/** Politeness state of one host. */
interface Host {
  key: string;
  origin: string;
  queue: FrontierItem[];
  active: number;
  nextAt: number;
  robots: RobotsRules | "loading" | null;
  robotsAttempts: number;
  /** When the robots rules were read: a crawl that runs for days reads them again after ROBOTS_TTL_MS. */
  robotsAt: number;
  delayMs: number;
  fetched: number;
}

/** What one finished fetch adds to the next catalog commit. */
interface Outcome {
  update: UrlUpdate | null;
  /** Null for URLs skipped without a request (robots, per-host cap). */
  log: FetchLogRow | null;
  discovered: NewUrl[];
  doc: Document | null;
  file: FileRow | null;
  /** A stored HTML page: it joins a document batch (so `crawl extract` can redo it). */
  page: boolean;
  retry: FrontierItem | null;
}

/** Exponential backoff with ±50% jitter, so retries of many URLs do not arrive together. */
export function backoffMs(base: number, attempt: number): number {
  return Math.min(base * 2 ** attempt * (0.5 + Math.random()), 30 * 60_000);
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or null. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs (or resumes) the crawl of a workspace: seeds are added to the persistent frontier, and the crawl goes on
 * until the frontier is exhausted, a limit is reached or `signal` aborts. Safe to SIGKILL at any moment: the next
 * run rebuilds uncommitted document batches from the WARCs, takes over responses stored but not yet committed,
 * trims a half-written record, and repeats only the requests that were in flight.
 */
export async function runCrawl(
  catalog: Catalog,
  cfg: CrawlConfig,
  hooks: CrawlHooks = {},
): Promise<CrawlSummary> {
  const started = Date.now();
  const frontier = await Frontier.open(catalog);
  await frontier.setState("config", cfg);
  const dirs = crawlDirs(catalog);
  const normalize = urlNormalizer(cfg.trackingParams);
  const seeds = cfg.seeds.map((s) => {
    const url = normalize(s);
    if (!url)
      throw new UsageError(`soro crawl: seed ${s} is not an http(s) URL`, "fix the seeds file or config");
    return url;
  });
  const inScope = scopeChecker(cfg.scope, seeds);
  const run = await SourceRun.begin(catalog, "crawl", cfg);
  const summary: CrawlSummary = {
    fetched: 0,
    documents: 0,
    files: 0,
    failed: 0,
    queued: 0,
    recovered: 0,
    adopted: 0,
    elapsedMs: 0,
  };
  const fetcher = new Fetcher(cfg.fetch, hooks.resolver);
  const templates = new SiteTemplates();
  const warc = new WarcWriter(dirs.warc, cfg.warcFileBytes);
  let failure: Error | undefined;
  try {
    summary.recovered = await rebuildBatches(catalog, frontier, run, cfg);
    await frontier.commit(
      [],
      [],
      [],
      seeds.map((url) => ({ url, host: hostKey(url), kind: "page", depth: 0, hops: 0, parent: null })),
    );
    const counts = await frontier.fetchedCounts();
    let fetchedTotal = counts.total;
    let batch = Math.max(0, ...(await frontier.batches())) + 1;
    let batchDocs: Document[] = [];
    let batchHasPages = false;

    const hosts = new Map<string, Host>();
    const hostFor = (url: string): Host => {
      const key = hostKey(url);
      let h = hosts.get(key);
      if (!h) {
        h = {
          key,
          origin: new URL(url).origin,
          queue: [],
          active: 0,
          nextAt: 0,
          robots: cfg.robots ? null : ALLOW_ALL,
          robotsAttempts: 0,
          robotsAt: 0,
          delayMs: cfg.minDelayMs,
          fetched: counts.perHost.get(key) ?? 0,
        };
        hosts.set(key, h);
      }
      return h;
    };

    let cursor = 0;
    let dbMore = true;
    let inMemory = 0;
    const refill = async () => {
      const items = await frontier.queued(cursor, 2000);
      if (items.length < 2000) dbMore = false;
      for (const it of items) {
        cursor = Math.max(cursor, it.seq);
        hostFor(it.url).queue.push(it);
        inMemory++;
      }
    };

    // Outcomes wait here until the next commit; documents join a batch only once their fetch rows are committed.
    let pending: Outcome[] = [];
    let lastFlush = Date.now();
    let flushing: Promise<void> | null = null;
    let refilling: Promise<void> | null = null;
    const flush = async () => {
      lastFlush = Date.now();
      if (pending.length === 0) return;
      const out = pending;
      pending = [];
      for (const o of out) if (o.page && o.log) o.log.batch = batch;
      if (out.some((o) => o.page)) batchHasPages = true;
      await warc.sync();
      const added = await frontier.commit(
        out.flatMap((o) => (o.update ? [o.update] : [])),
        out.flatMap((o) => (o.log ? [o.log] : [])),
        out.flatMap((o) => (o.file ? [o.file] : [])),
        out.flatMap((o) => o.discovered),
      );
      if (added > 0) dbMore = true;
      for (const o of out) if (o.doc) batchDocs.push(o.doc);
      if (batchDocs.length >= cfg.batchDocs) await closeBatch();
    };
    const closeBatch = async () => {
      await run.add(
        batchKey(batch),
        batchKey(batch),
        batchDocs.map((doc) => ({ doc })),
      );
      summary.documents += batchDocs.length;
      batchDocs = [];
      batchHasPages = false;
      batch++;
    };

    // Link handling shared by pages, sitemaps and redirects.
    const admit = (
      raw: string,
      base: string,
      from: FrontierItem,
      kind: NewUrl["kind"],
      depth: number,
      hops: number,
    ): NewUrl | null => {
      const url = normalize(raw, base);
      if (!url || inScope(url) !== null || depth > cfg.maxDepth) return null;
      return { url, host: hostKey(url), kind, depth, hops, parent: from.url };
    };

    /**
     * Takes over the complete records a killed run wrote after its last commit, so a fetch that finished before
     * the kill is not made again; only requests still in flight at the kill are repeated. Then trims the rest.
     */
    const adoptWarcTails = async () => {
      if (!existsSync(dirs.warc)) return;
      const ends = await frontier.warcEnds();
      for (const file of await readdir(dirs.warc)) {
        if (!file.endsWith(".warc.gz")) continue;
        let end = ends.get(file) ?? 0;
        for await (const { stored, loc } of warcTail(dirs.warc, file, end)) {
          const item = await frontier.queuedItem(stored.url);
          const at = new Date(stored.date);
          if (item) {
            const h = hostFor(item.url);
            h.fetched++;
            fetchedTotal++;
            pending.push(await handle(h, item, asResult(stored), at, loc));
          } else {
            // robots.txt (and anything else outside the frontier): logged so every WARC record stays accounted for.
            pending.push({ ...emptyOutcome(), log: recoveredLog(stored, loc, at) });
          }
          end = loc.offset + loc.length;
          summary.adopted++;
        }
        await flush();
        await trimWarc(dirs.warc, file, end);
      }
    };

    const task = async (h: Host, item: FrontierItem): Promise<Outcome> => {
      const res = await fetcher.fetch(item.url);
      const fetchedAt = new Date();
      return handle(h, item, res, fetchedAt);
    };

    const handle = async (
      h: Host,
      item: FrontierItem,
      res: FetchResult | FetchFailure,
      at: Date,
      stored?: WarcLocation,
    ): Promise<Outcome> => {
      const log: FetchLogRow = {
        url: item.url,
        host: h.key,
        kind: item.kind,
        depth: item.depth,
        fetchedAt: at.toISOString(),
        status: null,
        contentType: null,
        bytes: null,
        truncated: null,
        elapsedMs: res.elapsedMs,
        outcome: "",
        error: null,
        warc: null,
        batch: null,
      };
      const o: Outcome = {
        update: null,
        log,
        discovered: [],
        doc: null,
        file: null,
        page: false,
        retry: null,
      };
      const attempts = item.attempts + 1;
      const retryLater = (delay: number, reason: string) => {
        if (attempts > cfg.maxRetries || delay > cfg.maxRetryAfterMs) {
          o.update = {
            url: item.url,
            status: attempts > cfg.maxRetries ? "failed" : "queued",
            reason,
            attempts,
            nextAt: Date.now() + delay,
          };
          // A parked URL (Retry-After beyond the limit) stays queued for a later run but leaves this one.
          return;
        }
        const nextAt = Date.now() + delay;
        o.update = { url: item.url, status: "queued", reason, attempts, nextAt };
        o.retry = { ...item, attempts, nextAt };
      };
      if (isFailure(res)) {
        log.outcome = res.kind;
        log.error = res.error;
        if (res.kind === "blocked")
          o.update = { url: item.url, status: "failed", reason: res.error, attempts, nextAt: 0 };
        else retryLater(backoffMs(cfg.backoffMs, attempts - 1), res.error);
        return o;
      }
      const contentType = header(res, "content-type");
      Object.assign(log, {
        status: res.status,
        contentType,
        bytes: res.body.length,
        truncated: res.truncated,
      });
      log.warc = stored ?? (await warc.writeResponse(res, at));
      const done = (outcome: string): Outcome => {
        log.outcome = outcome;
        o.update = { url: item.url, status: "done", reason: outcome, attempts, nextAt: 0 };
        return o;
      };
      if (res.status === 429 || res.status === 503) {
        const wait = retryAfterMs(header(res, "retry-after")) ?? backoffMs(cfg.backoffMs, attempts - 1);
        // The server asked the whole host to slow down, not just this URL.
        h.nextAt = Math.max(h.nextAt, Date.now() + Math.min(wait, cfg.maxRetryAfterMs));
        log.outcome = `retry-after-${res.status}`;
        retryLater(wait, `http ${res.status}`);
        return o;
      }
      if (res.status >= 500) {
        log.outcome = "server-error";
        retryLater(backoffMs(cfg.backoffMs, attempts - 1), `http ${res.status}`);
        return o;
      }
      if (res.status >= 300 && res.status < 400) {
        const location = header(res, "location");
        if (!location) return done("redirect-without-location");
        if (item.hops + 1 > cfg.maxRedirects) return done("too-many-redirects");
        const next = admit(location, item.url, item, item.kind, item.depth, item.hops + 1);
        if (next) o.discovered.push(next);
        done(next ? "redirect" : "redirect-out-of-scope");
        return o;
      }
      if (res.status >= 400) return done(`http-${res.status}`);
      if (item.kind === "sitemap") {
        try {
          const entries = parseSitemap(res.body);
          for (const s of entries.sitemaps) {
            const n = admit(s, item.url, item, "sitemap", item.depth, 0);
            if (n) o.discovered.push(n);
          }
          for (const p of entries.pages) {
            const n = admit(p, item.url, item, "page", item.depth + 1, 0);
            if (n) o.discovered.push(n);
          }
          done("sitemap");
        } catch (err) {
          done("sitemap-unreadable");
          log.error = (err as Error).message;
        }
        return o;
      }
      if (isDocumentType(contentType)) {
        o.file = await keepFile(dirs.files, catalog.ws.dir, item.url, contentType, res, at);
        summary.files++;
        return done("file");
      }
      if (!isHtml(contentType)) return done("skipped-type");
      const read = readPage(pageInput(res, contentType, item.depth, at), templates);
      o.page = true;
      if (!read.extracted.nofollow) {
        for (const link of read.extracted.links) {
          const n = admit(link, item.url, item, "page", item.depth + 1, 0);
          if (n) o.discovered.push(n);
        }
      }
      const canonical = canonicalElsewhere(read.extracted.canonical, item.url, normalize, inScope);
      if (canonical) {
        o.discovered.push({
          url: canonical,
          host: hostKey(canonical),
          kind: "page",
          depth: item.depth,
          hops: item.hops,
          parent: item.url,
        });
        return done("canonical-elsewhere");
      }
      o.doc = read.doc;
      if (read.notText) log.error = read.notText;
      done(
        read.doc ? "document" : read.notText ? "not-text" : read.extracted.noindex ? "noindex" : "no-text",
      );
      return o;
    };

    const robotsTask = async (h: Host): Promise<void> => {
      const url = `${h.origin}/robots.txt`;
      const item: FrontierItem = {
        url,
        seq: 0,
        host: h.key,
        kind: "page",
        depth: 0,
        hops: 0,
        attempts: 0,
        nextAt: 0,
      };
      let res = await fetcher.fetch(url, ROBOTS_MAX_BYTES);
      // robots.txt may redirect (http→https, www); follow a few hops here, each checked by the fetcher (addresses)
      // and by the crawl's scope: a redirect out of scope is not followed (the 3xx then means "allow all").
      for (let hop = 0; hop < 5 && !isFailure(res) && res.status >= 300 && res.status < 400; hop++) {
        const loc = header(res, "location");
        const next = loc ? normalize(loc, res.url) : null;
        if (!next || inScope(next) !== null) break;
        await warc.writeResponse(res, new Date());
        res = await fetcher.fetch(next, ROBOTS_MAX_BYTES);
      }
      const at = new Date();
      const log: FetchLogRow = {
        url: item.url,
        host: h.key,
        kind: "robots",
        depth: null,
        fetchedAt: at.toISOString(),
        status: isFailure(res) ? null : res.status,
        contentType: isFailure(res) ? null : header(res, "content-type"),
        bytes: isFailure(res) ? null : res.body.length,
        truncated: isFailure(res) ? null : res.truncated,
        elapsedMs: res.elapsedMs,
        outcome: "",
        error: isFailure(res) ? res.error : null,
        warc: isFailure(res) ? null : await warc.writeResponse(res, at),
        batch: null,
      };
      const verdict =
        isFailure(res) && res.kind === "blocked"
          ? "blocked"
          : robotsVerdict(isFailure(res) ? null : res.status);
      const discovered: NewUrl[] = [];
      if (verdict === "unreachable") {
        h.robotsAttempts++;
        if (h.robotsAttempts > cfg.maxRetries) {
          // RFC 9309: a robots.txt that stays unreachable means complete disallow.
          h.robots = { isAllowed: () => false, crawlDelayMs: null, sitemaps: [] };
          log.outcome = "robots-unreachable-disallow";
        } else {
          h.robots = null;
          h.nextAt =
            Date.now() +
            (retryAfterMs(isFailure(res) ? null : header(res, "retry-after")) ??
              backoffMs(cfg.backoffMs, h.robotsAttempts - 1));
          log.outcome = "robots-unreachable-wait";
        }
      } else {
        const rules =
          verdict === "parse" && !isFailure(res)
            ? parseRobots(url, res.body.toString("utf8"))
            : verdict === "blocked"
              ? { isAllowed: () => false, crawlDelayMs: null, sitemaps: [] }
              : ALLOW_ALL;
        h.robots = rules;
        h.robotsAt = Date.now();
        h.delayMs = Math.max(cfg.minDelayMs, rules.crawlDelayMs ?? 0);
        log.outcome =
          verdict === "parse" ? "robots" : verdict === "blocked" ? "blocked" : "robots-missing-allow";
        if (cfg.sitemaps && verdict !== "blocked") {
          for (const s of [...rules.sitemaps, `${h.origin}/sitemap.xml`]) {
            const n = admit(s, url, item, "sitemap", 0, 0);
            if (n) discovered.push(n);
          }
        }
        h.nextAt = Math.max(h.nextAt, Date.now() + h.delayMs);
      }
      hooks.onFetch?.(log);
      pending.push({ update: null, log, discovered, doc: null, file: null, page: false, retry: null });
    };

    // The scheduler: start what politeness allows, wait for a completion or the next host to be ready.
    let active = 0;
    let wakeUp: (() => void) | null = null;
    const running = new Set<Promise<void>>();
    // A task beside the scheduler: its failure stops the crawl; its end runs `after` and wakes the scheduler.
    const beside = (task: Promise<void>, after: () => void): Promise<void> =>
      task
        .catch((err: Error) => {
          failure ??= err;
        })
        .finally(() => {
          after();
          wakeUp?.();
        });
    const launch = (h: Host, p: Promise<void>) => {
      h.active++;
      active++;
      const tracked = beside(p, () => {
        h.active--;
        active--;
        h.nextAt = Math.max(h.nextAt, Date.now() + h.delayMs);
        running.delete(tracked);
      });
      running.add(tracked);
    };
    await adoptWarcTails();
    let limitReached = false;
    while (!failure) {
      if (hooks.signal?.aborted) break;
      // Refills run beside the scheduler too, started while a thousand URLs are still in memory, so dispatching
      // never stops for a frontier query. The catalog has one connection: a refill and a commit never overlap.
      if (!refilling && !flushing && inMemory < 1000 && dbMore) {
        refilling = beside(refill(), () => {
          refilling = null;
        });
      }
      const now = Date.now();
      let wake = now + 1000;
      for (const h of hosts.values()) {
        if (hosts.size > cfg.idleHosts && isIdle(h, now)) {
          // Its page count outlives it (for the per-host cap); its robots.txt is read again if it comes back.
          counts.perHost.set(h.key, h.fetched);
          hosts.delete(h.key);
          continue;
        }
        while (
          active < cfg.concurrency &&
          h.active < cfg.fetch.perHostConnections &&
          h.queue.length > 0 &&
          !limitReached
        ) {
          if (h.nextAt > now) {
            wake = Math.min(wake, h.nextAt);
            break;
          }
          if (cfg.robots && h.robots !== "loading" && h.robots !== null && now - h.robotsAt > ROBOTS_TTL_MS)
            h.robots = null;
          if (h.robots === null) {
            h.robots = "loading";
            launch(h, robotsTask(h));
            break;
          }
          if (h.robots === "loading") break;
          const idx = h.queue.findIndex((it) => it.nextAt <= now);
          if (idx < 0) {
            wake = Math.min(wake, ...h.queue.map((it) => it.nextAt));
            break;
          }
          const item = h.queue.splice(idx, 1)[0]!;
          inMemory--;
          const skip = (reason: string) =>
            pending.push({
              update: { url: item.url, status: "skipped", reason, attempts: item.attempts, nextAt: 0 },
              log: null,
              discovered: [],
              doc: null,
              file: null,
              page: false,
              retry: null,
            });
          if (!h.robots.isAllowed(item.url)) {
            skip("robots");
            continue;
          }
          if (cfg.maxPagesPerHost > 0 && h.fetched >= cfg.maxPagesPerHost) {
            skip("host-page-limit");
            continue;
          }
          if (cfg.maxPages > 0 && fetchedTotal >= cfg.maxPages) {
            h.queue.unshift(item);
            inMemory++;
            limitReached = true;
            break;
          }
          h.fetched++;
          fetchedTotal++;
          h.nextAt = now + h.delayMs;
          launch(
            h,
            task(h, item).then((o) => {
              summary.fetched++;
              if (o.update?.status === "failed") summary.failed++;
              if (o.retry) {
                h.queue.push(o.retry);
                inMemory++;
              }
              if (o.log) hooks.onFetch?.(o.log);
              pending.push(o);
            }),
          );
        }
      }
      // Commits go out every 250 ms (or 256 outcomes): a kill loses nothing by it, since responses already in the
      // WARC are taken over on resume; only requests in flight at the kill are made again.
      // The commit runs beside the scheduler, so fetching goes on while DuckDB writes.
      if (!flushing && !refilling && (pending.length >= 256 || Date.now() - lastFlush >= 250)) {
        flushing = beside(flush(), () => {
          flushing = null;
        });
      }
      if (active === 0 && !refilling && (limitReached || (inMemory === 0 && !dbMore))) {
        await flushing;
        await flush();
        if (limitReached || !dbMore) break;
        continue;
      }
      // A catalog call in progress wakes the loop when it ends; until then no commit can start.
      const commitAt = flushing || refilling ? wake : lastFlush + 250;
      const wait = Math.max(0, Math.min(wake, commitAt) - Date.now());
      await Promise.race([sleep(wait), new Promise<void>((r) => (wakeUp = r))]);
      wakeUp = null;
    }
    await Promise.all(running);
    await refilling;
    await flushing;
    await flush();
    if (batchHasPages) await closeBatch();
    await warc.close();
    summary.queued = (await frontier.summary()).queued ?? 0;
  } catch (err) {
    failure ??= err as Error;
  } finally {
    await fetcher.close();
    await warc.close().catch(() => undefined);
    await run.finish(failure);
  }
  if (failure) throw failure;
  summary.elapsedMs = Date.now() - started;
  return summary;
}

/** A host with nothing queued, nothing in flight and no wait pending: dropping it loses only its robots rules. */
function isIdle(h: Host, now: number): boolean {
  return h.queue.length === 0 && h.active === 0 && h.robots !== "loading" && h.nextAt <= now;
}

/** An outcome with nothing in it yet. */
function emptyOutcome(): Outcome {
  return { update: null, log: null, discovered: [], doc: null, file: null, page: false, retry: null };
}

/** A stored response in the fetcher's shape (its body is already decoded, so no Content-Encoding applies). */
function asResult(s: StoredResponse): FetchResult {
  return {
    url: s.url,
    status: s.status,
    statusText: "",
    headers: s.headers,
    body: s.body,
    truncated: s.truncated as FetchResult["truncated"],
    contentEncoding: null,
    elapsedMs: 0,
  };
}

/** The fetch log row of a taken-over record with no frontier row (robots.txt). */
function recoveredLog(s: StoredResponse, loc: WarcLocation, at: Date): FetchLogRow {
  return {
    url: s.url,
    host: hostKey(s.url),
    kind: s.url.endsWith("/robots.txt") ? "robots" : "page",
    depth: null,
    fetchedAt: at.toISOString(),
    status: s.status,
    contentType: header(s, "content-type"),
    bytes: s.body.length,
    truncated: s.truncated,
    elapsedMs: 0,
    outcome: "recovered",
    error: null,
    warc: loc,
    batch: null,
  };
}

/** The page reader's input from a fresh response. */
function pageInput(res: FetchResult, contentType: string | null, depth: number, at: Date): PageInput {
  return {
    url: res.url,
    status: res.status,
    contentType,
    body: res.body,
    truncated: res.truncated,
    fetchedAt: at.toISOString(),
    depth,
  };
}

/** Saves a PDF or office document under crawl/files/ (named by its hash) for the pdf stage. */
async function keepFile(
  dir: string,
  wsDir: string,
  url: string,
  contentType: string | null,
  res: FetchResult,
  at: Date,
): Promise<FileRow> {
  const sha256 = createHash("sha256").update(res.body).digest("hex");
  const ext = /pdf/i.test(contentType ?? "")
    ? ".pdf"
    : path.extname(new URL(url).pathname).slice(0, 8) || ".bin";
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${sha256}${ext}`);
  await writeFile(file, res.body);
  return {
    url,
    path: path.relative(wsDir, file),
    contentType,
    bytes: res.body.length,
    sha256,
    truncated: res.truncated,
    fetchedAt: at.toISOString(),
  };
}
