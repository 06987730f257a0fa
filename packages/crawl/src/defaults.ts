// The crawl's defaults, in a module that loads no library (`@soro/crawl/defaults`): the `soro crawl` help prints
// them without loading undici, cheerio or DuckDB.
import type { CrawlConfig, Politeness } from "./config.js";
import type { FetchSettings } from "./fetcher.js";
import type { OptOutPolicy } from "./opt-out.js";

/** Defaults suited to a polite crawl of the open web. */
export const DEFAULT_FETCH: FetchSettings = {
  userAgent: "soro-data-crawler/0.1 (+https://github.com/soro-data/soro-data#crawler)",
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  bodyTimeoutMs: 20_000,
  totalTimeoutMs: 60_000,
  maxBodyBytes: 1024 * 1024,
  maxDocumentBytes: 32 * 1024 * 1024,
  maxDecompressionRatio: 100,
};

/** Honour every signal. */
export const DEFAULT_OPT_OUT: OptOutPolicy = {
  noindex: true,
  noai: true,
  noimageai: true,
  tdm: true,
  aiRobots: true,
};

/** Query parameters removed by default: analytics and click identifiers that never change the page. */
export const DEFAULT_TRACKING_PARAMS = [
  "utm_*",
  "fbclid",
  "gclid",
  "yclid",
  "msclkid",
  "mc_cid",
  "mc_eid",
  "_ga",
  "_openstat",
  "ref_src",
];

/** Defaults for a polite crawl of the open web. */
export const DEFAULT_POLITENESS: Politeness = {
  robots: true,
  robotsTtlMs: 24 * 3600_000,
  minDelayMs: 2_000,
  perHostConnections: 2,
  maxPagesPerHost: 0,
  maxRetries: 3,
  backoffMs: 2_000,
  maxRetryAfterMs: 10 * 60_000,
};

/** Defaults for a polite crawl. */
export const DEFAULT_CRAWL: CrawlConfig = {
  seeds: [],
  scope: { mode: "hosts" },
  maxDepth: 5,
  maxPages: 0,
  concurrency: 16,
  politeness: DEFAULT_POLITENESS,
  optOut: DEFAULT_OPT_OUT,
  maxRedirects: 5,
  sitemaps: true,
  trackingParams: DEFAULT_TRACKING_PARAMS,
  batchDocs: 500,
  idleHosts: 10_000,
  warcFileBytes: 1024 * 1024 * 1024,
  fetch: DEFAULT_FETCH,
};
