import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Document, defined } from "@soro/core";
import { classify, type Outcome, type RetryPolicy } from "./classify.js";
import type { CrawlConfig } from "./config.js";
import { type FetchFailure, type FetchResult, header, isFailure } from "./fetcher.js";
import type { FetchLogRow, FileRow, FrontierItem, NewUrl, UrlUpdate } from "./frontier.js";
import { canonicalElsewhere } from "./layout.js";
import { pageOptOut, type TdmRule, tdmRuleFor } from "./opt-out.js";
import { type PageInput, readPage } from "./page.js";
import { ROBOTS_AGENT } from "./robots.js";
import type { SiteTemplates } from "./site-templates.js";
import { parseSitemap } from "./sitemap.js";
import { hostKey } from "./url.js";
import type { StoredResponse, WarcLocation, WarcWriter } from "./warc.js";

/** What one finished fetch adds to the next catalog commit. */
export interface CommitRows {
  update: UrlUpdate | null;
  /** Null for URLs skipped without a request (robots, per-host cap). */
  log: FetchLogRow | null;
  discovered: NewUrl[];
  doc: Document | null;
  file: FileRow | null;
  /** A stored HTML page: it joins a document batch (so `crawl extract` can redo it). */
  page: boolean;
  /** The URL again, to be fetched later in this run. */
  retry: FrontierItem | null;
}

/** Rows with nothing in them yet. */
export function emptyRows(): CommitRows {
  return { update: null, log: null, discovered: [], doc: null, file: null, page: false, retry: null };
}

/** What the reader needs from the crawl around it. */
export interface ReaderContext {
  cfg: CrawlConfig;
  /** The workspace folder (kept files are recorded relative to it) and the folder they go to. */
  wsDir: string;
  filesDir: string;
  warc: WarcWriter;
  templates: SiteTemplates;
  normalize: (raw: string, base?: string) => string | null;
  /** Null when a URL is in scope, else why not. */
  inScope: (url: string) => string | null;
  /** The tdmrep.json rules of a URL's host, as read with its robots.txt. */
  tdmRules?: (url: string) => TdmRule[];
}

/**
 * Turns a response into catalog rows: classifies it, stores it in the WARC, and reads its body by kind (redirect
 * target, sitemap entries, a kept document file, an HTML page's links and document).
 */
export class ResponseReader {
  private readonly policy: RetryPolicy;

  constructor(private readonly ctx: ReaderContext) {
    this.policy = { ...ctx.cfg.politeness, maxRedirects: ctx.cfg.maxRedirects };
  }

  /** A link found at `base` as a frontier URL, or null when it is out of scope or too deep. */
  admit(
    raw: string,
    base: string,
    from: FrontierItem,
    kind: NewUrl["kind"],
    depth: number,
    hops: number,
  ): NewUrl | null {
    const url = this.ctx.normalize(raw, base);
    if (!url || this.ctx.inScope(url) !== null || depth > this.ctx.cfg.maxDepth) return null;
    return { url, host: hostKey(url), kind, depth, hops, parent: from.url };
  }

  /**
   * The rows of one fetch of `item` made at `at`; `stored` is its WARC record when a killed run already wrote it.
   * The outcome comes back too: the scheduler applies its host wait.
   */
  async read(
    item: FrontierItem,
    res: FetchResult | FetchFailure,
    at: Date,
    stored?: WarcLocation,
  ): Promise<{ rows: CommitRows; outcome: Outcome }> {
    const outcome = classify(item, res, this.policy);
    const log = fetchLog(item, res, at);
    log.error = outcome.error;
    const rows: CommitRows = { ...emptyRows(), log };
    rows.update = {
      url: item.url,
      status: outcome.status,
      reason: outcome.reason,
      attempts: outcome.attempts,
      nextAt: outcome.nextAt,
    };
    if (outcome.retry) rows.retry = { ...item, attempts: outcome.attempts, nextAt: outcome.nextAt };
    if (!isFailure(res)) log.warc = stored ?? (await this.ctx.warc.writeResponse(res, at));
    let found = outcome.outcome;
    if (!isFailure(res)) found = await this.readBody(outcome, item, res, at, rows, log);
    log.outcome = found;
    if (rows.update.status === "done") rows.update.reason = found;
    return { rows, outcome };
  }

  /** Reads the body as the outcome says; returns what was found (the log's outcome). */
  private async readBody(
    outcome: Outcome,
    item: FrontierItem,
    res: FetchResult,
    at: Date,
    rows: CommitRows,
    log: FetchLogRow,
  ): Promise<string> {
    switch (outcome.body) {
      case "none":
        return outcome.outcome;
      case "redirect": {
        const next = this.admit(
          defined(outcome.location, "a redirect's location"),
          item.url,
          item,
          item.kind,
          item.depth,
          item.hops + 1,
        );
        if (next) rows.discovered.push(next);
        return next ? "redirect" : "redirect-out-of-scope";
      }
      case "sitemap":
        try {
          const entries = parseSitemap(res.body);
          for (const s of entries.sitemaps) this.push(rows, s, item, "sitemap", item.depth);
          for (const p of entries.pages) this.push(rows, p, item, "page", item.depth + 1);
          return "sitemap";
        } catch (err) {
          log.error = (err as Error).message;
          return "sitemap-unreadable";
        }
      case "file":
        rows.file = await keepFile(this.ctx.filesDir, this.ctx.wsDir, item.url, log.contentType, res, at);
        return "file";
      case "page":
        return this.readHtml(item, res, at, rows, log);
    }
  }

  private push(rows: CommitRows, raw: string, item: FrontierItem, kind: NewUrl["kind"], depth: number): void {
    const n = this.admit(raw, item.url, item, kind, depth, 0);
    if (n) rows.discovered.push(n);
  }

  private readHtml(
    item: FrontierItem,
    res: FetchResult,
    at: Date,
    rows: CommitRows,
    log: FetchLogRow,
  ): string {
    const policy = this.ctx.cfg.optOut;
    const read = readPage(pageInput(res, log.contentType, item.depth, at), this.ctx.templates, {
      keepNoindex: !policy.noindex,
    });
    rows.page = true;
    const optOut = pageOptOut(
      {
        xRobotsTag: res.headers.filter(([k]) => k === "x-robots-tag").map(([, v]) => v),
        metaRobots: read.extracted.robotsMeta,
        tdmHeader: header(res, "tdm-reservation"),
        tdmMeta: read.extracted.tdmReservation,
        tdmPolicy: header(res, "tdm-policy") ?? read.extracted.tdmPolicy,
        tdmFile: tdmRuleFor(this.ctx.tdmRules?.(item.url) ?? [], item.url),
      },
      policy,
      ROBOTS_AGENT,
    );
    if (Object.keys(optOut.seen).length > 0) log.optOut = JSON.stringify(optOut.seen);
    if (optOut.refused) read.doc = null;
    if (!read.extracted.nofollow)
      for (const link of read.extracted.links) this.push(rows, link, item, "page", item.depth + 1);
    const { normalize, inScope } = this.ctx;
    const canonical = canonicalElsewhere(read.extracted.canonical, item.url, normalize, inScope);
    if (canonical) {
      rows.discovered.push({
        url: canonical,
        host: hostKey(canonical),
        kind: "page",
        depth: item.depth,
        hops: item.hops,
        parent: item.url,
      });
      return "canonical-elsewhere";
    }
    rows.doc = read.doc;
    if (read.notText) log.error = read.notText;
    if (optOut.refused) return `opt-out: ${optOut.refused}`;
    return read.doc ? "document" : read.notText ? "not-text" : read.extracted.noindex ? "noindex" : "no-text";
  }
}

/** The fetch log row of one fetch (its outcome and WARC location filled in after). */
export function fetchLog(
  item: Pick<FrontierItem, "url" | "host" | "kind" | "depth">,
  res: FetchResult | FetchFailure,
  at: Date,
  kind: FetchLogRow["kind"] = item.kind,
): FetchLogRow {
  const ok = !isFailure(res);
  return {
    url: item.url,
    host: item.host,
    kind,
    depth: kind === "robots" ? null : item.depth,
    fetchedAt: at.toISOString(),
    status: ok ? res.status : null,
    contentType: ok ? header(res, "content-type") : null,
    bytes: ok ? res.body.length : null,
    truncated: ok ? res.truncated : null,
    elapsedMs: res.elapsedMs,
    outcome: "",
    error: ok ? null : res.error,
    warc: null,
    batch: null,
  };
}

/** A stored response in the fetcher's shape (its body is already decoded, so no Content-Encoding applies). */
export function asResult(s: StoredResponse): FetchResult {
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
export function recoveredLog(s: StoredResponse, loc: WarcLocation, at: Date): FetchLogRow {
  const robots = s.url.endsWith("/robots.txt");
  const log = fetchLog(
    { url: s.url, host: hostKey(s.url), kind: "page", depth: 0 },
    asResult(s),
    at,
    robots ? "robots" : "page",
  );
  return { ...log, depth: null, outcome: "recovered", warc: loc };
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
