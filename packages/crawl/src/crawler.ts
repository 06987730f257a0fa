import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { type Catalog, type Document, SourceRun, UsageError } from "@soro/core";
import { retryAfterMs } from "./classify.js";
import type { CrawlConfig } from "./config.js";
import { Fetcher, type FetchFailure, type FetchResult, header, isFailure } from "./fetcher.js";
import { type FetchLogRow, Frontier, type FrontierItem, type NewUrl } from "./frontier.js";
import { type Host, HostTable } from "./hosts.js";
import { batchKey, crawlDirs } from "./layout.js";
import { parseTdmRep, type TdmRule } from "./opt-out.js";
import { rebuildBatches } from "./recover.js";
import { asResult, type CommitRows, emptyRows, fetchLog, ResponseReader, recoveredLog } from "./responses.js";
import { ALLOW_ALL, DISALLOW_ALL, parseRobots, robotsVerdict } from "./robots.js";
import type { Resolver } from "./safety.js";
import { SiteTemplates } from "./site-templates.js";
import { hostKey, scopeChecker, urlNormalizer } from "./url.js";
import { trimWarc, type WarcLocation, WarcWriter, warcTail } from "./warc.js";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs (or resumes) the crawl of a workspace: seeds are added to the persistent frontier, and the crawl goes on
 * until the frontier is exhausted, a limit is reached or `signal` aborts. Safe to SIGKILL at any moment: the next
 * run rebuilds uncommitted document batches from the WARCs, takes over responses stored but not yet committed,
 * trims a half-written record, and repeats only the requests that were in flight.
 *
 * The parts: `HostTable` (hosts.ts) holds each host's queue, delay and robots rules; `classify` (classify.ts)
 * decides what a response means; `ResponseReader` (responses.ts) turns it into catalog rows; this file schedules
 * fetches and commits.
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
  const polite = cfg.politeness;
  const fetcher = new Fetcher(cfg.fetch, hooks.resolver, polite.perHostConnections);
  const warc = new WarcWriter(dirs.warc, cfg.warcFileBytes);
  let tdmOf = (_url: string): TdmRule[] => [];
  const reader = new ResponseReader({
    cfg,
    wsDir: catalog.ws.dir,
    filesDir: dirs.files,
    warc,
    templates: new SiteTemplates(),
    normalize,
    inScope,
    // The host table is made below; its hosts' TDMRep rules are read through it once it exists.
    tdmRules: (url) => tdmOf(url),
  });
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
    const hosts = new HostTable(polite, counts.perHost, cfg.idleHosts);
    tdmOf = (url) => {
      const r = hosts.get(url).robots;
      return r && r !== "loading" ? (r.tdm ?? []) : [];
    };
    let batch = Math.max(0, ...(await frontier.batches())) + 1;
    let batchDocs: Document[] = [];
    let batchHasPages = false;

    let cursor = 0;
    let dbMore = true;
    const refill = async () => {
      const items = await frontier.queued(cursor, 2000);
      if (items.length < 2000) dbMore = false;
      for (const it of items) {
        cursor = Math.max(cursor, it.seq);
        hosts.enqueue(it);
      }
    };

    // Rows wait here until the next commit; documents join a batch only once their fetch rows are committed.
    let pending: CommitRows[] = [];
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
      for (const o of out) {
        if (o.doc) batchDocs.push(o.doc);
        if (o.file) summary.files++;
      }
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

    /** The rows of one response; a 429/503 makes its whole host wait. */
    const handle = async (
      h: Host,
      item: FrontierItem,
      res: FetchResult | FetchFailure,
      at: Date,
      stored?: WarcLocation,
    ): Promise<CommitRows> => {
      const { rows, outcome } = await reader.read(item, res, at, stored);
      if (outcome.hostWaitUntil !== null) hosts.waitUntil(h, outcome.hostWaitUntil);
      return rows;
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
            const h = hosts.get(item.url);
            hosts.pageAdopted(h);
            fetchedTotal++;
            pending.push(await handle(h, item, asResult(stored), at, loc));
          } else {
            // robots.txt (and anything else outside the frontier): logged so every WARC record stays accounted for.
            pending.push({ ...emptyRows(), log: recoveredLog(stored, loc, at) });
          }
          end = loc.offset + loc.length;
          summary.adopted++;
        }
        await flush();
        await trimWarc(dirs.warc, file, end);
      }
    };

    /** Reads a host's `/.well-known/tdmrep.json` (TDMRep) beside its robots.txt; logged and kept in the WARC. */
    const tdmRepTask = async (h: Host, item: FrontierItem): Promise<TdmRule[]> => {
      const url = `${h.origin}/.well-known/tdmrep.json`;
      const res = await fetcher.fetch(url, ROBOTS_MAX_BYTES);
      const at = new Date();
      const log = fetchLog({ ...item, url }, res, at, "robots");
      if (!isFailure(res)) log.warc = await warc.writeResponse(res, at);
      const rules = !isFailure(res) && res.status === 200 ? parseTdmRep(res.body.toString("utf8")) : [];
      log.outcome = rules.length > 0 ? "tdmrep" : "tdmrep-none";
      if (rules.length > 0) log.optOut = JSON.stringify({ "tdmrep.json": rules });
      pending.push({ ...emptyRows(), log });
      return rules;
    };

    /** Reads a host's robots.txt (following a few in-scope redirects) into the host table. */
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
      const log = fetchLog(item, res, at, "robots");
      if (!isFailure(res)) log.warc = await warc.writeResponse(res, at);
      const verdict =
        isFailure(res) && res.kind === "blocked"
          ? "blocked"
          : robotsVerdict(isFailure(res) ? null : res.status);
      const discovered: NewUrl[] = [];
      if (verdict === "unreachable") {
        const retryAfter = retryAfterMs(isFailure(res) ? null : header(res, "retry-after"));
        log.outcome = hosts.robotsUnreachable(h, retryAfter)
          ? "robots-unreachable-disallow"
          : "robots-unreachable-wait";
      } else {
        const rules =
          verdict === "parse" && !isFailure(res)
            ? parseRobots(url, res.body.toString("utf8"))
            : verdict === "blocked"
              ? DISALLOW_ALL
              : ALLOW_ALL;
        const tdm = cfg.optOut.tdm && verdict !== "blocked" ? await tdmRepTask(h, item) : [];
        hosts.robotsRead(h, { ...rules, tdm });
        log.outcome =
          verdict === "parse" ? "robots" : verdict === "blocked" ? "blocked" : "robots-missing-allow";
        if (cfg.sitemaps && verdict !== "blocked") {
          for (const s of [...rules.sitemaps, `${h.origin}/sitemap.xml`]) {
            const n = reader.admit(s, url, item, "sitemap", 0, 0);
            if (n) discovered.push(n);
          }
        }
      }
      hooks.onFetch?.(log);
      pending.push({ ...emptyRows(), log, discovered });
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
      active++;
      const tracked = beside(p, () => {
        hosts.finished(h);
        active--;
        running.delete(tracked);
      });
      running.add(tracked);
    };
    const fetchPage = async (h: Host, item: FrontierItem): Promise<void> => {
      const res = await fetcher.fetch(item.url);
      const o = await handle(h, item, res, new Date());
      summary.fetched++;
      if (o.update?.status === "failed") summary.failed++;
      if (o.retry) hosts.enqueue(o.retry);
      if (o.log) hooks.onFetch?.(o.log);
      pending.push(o);
    };
    const skip = (item: FrontierItem, reason: string) =>
      pending.push({
        ...emptyRows(),
        update: { url: item.url, status: "skipped", reason, attempts: item.attempts, nextAt: 0 },
      });
    await adoptWarcTails();
    let limitReached = false;
    while (!failure) {
      if (hooks.signal?.aborted) break;
      // Refills run beside the scheduler too, started while a thousand URLs are still in memory, so dispatching
      // never stops for a frontier query. The catalog has one connection: a refill and a commit never overlap.
      if (!refilling && !flushing && hosts.queued < 1000 && dbMore) {
        refilling = beside(refill(), () => {
          refilling = null;
        });
      }
      const now = Date.now();
      let wake = now + 1000;
      for (const h of hosts.values()) {
        if (hosts.evictIfIdle(h, now)) continue;
        while (
          active < cfg.concurrency &&
          h.active < polite.perHostConnections &&
          h.queue.length > 0 &&
          !limitReached
        ) {
          if (h.nextAt > now) {
            wake = Math.min(wake, h.nextAt);
            break;
          }
          if (hosts.needsRobots(h, now)) {
            hosts.robotsStarted(h);
            launch(h, robotsTask(h));
            break;
          }
          if (h.robots === "loading" || h.robots === null) break;
          const item = hosts.take(h, now);
          if (typeof item === "number") {
            wake = Math.min(wake, item);
            break;
          }
          if (!h.robots.isAllowed(item.url)) {
            skip(item, "robots");
            continue;
          }
          const aiGroups = cfg.optOut.aiRobots ? (h.robots.aiDisallowedBy?.(item.url) ?? []) : [];
          if (aiGroups.length > 0) {
            skip(item, `opt-out: robots.txt ${aiGroups.join(" ")}`);
            continue;
          }
          if (polite.maxPagesPerHost > 0 && h.fetched >= polite.maxPagesPerHost) {
            skip(item, "host-page-limit");
            continue;
          }
          if (cfg.maxPages > 0 && fetchedTotal >= cfg.maxPages) {
            hosts.putBack(h, item);
            limitReached = true;
            break;
          }
          fetchedTotal++;
          hosts.pageStarted(h, now);
          launch(h, fetchPage(h, item));
        }
      }
      // Commits go out every 250 ms (or 256 fetches): a kill loses nothing by it, since responses already in the
      // WARC are taken over on resume; only requests in flight at the kill are made again.
      // The commit runs beside the scheduler, so fetching goes on while DuckDB writes.
      if (!flushing && !refilling && (pending.length >= 256 || Date.now() - lastFlush >= 250)) {
        flushing = beside(flush(), () => {
          flushing = null;
        });
      }
      if (active === 0 && !refilling && (limitReached || (hosts.queued === 0 && !dbMore))) {
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
