import { UsageError } from "@soro/core";
import { DEFAULT_FETCH, type FetchSettings } from "./fetcher.js";
import { DEFAULT_TRACKING_PARAMS, type ScopeRules } from "./url.js";

/** Every setting of a crawl; a YAML/JSON config file holds the same keys, CLI flags override them. */
export interface CrawlConfig {
  /** Seed URLs (a seeds file is read into this list). */
  seeds: string[];
  scope: ScopeRules;
  /** Links deeper than this many hops from a seed are not followed (sitemap entries count as depth 1). */
  maxDepth: number;
  /** Stop after this many fetches in the whole crawl (0: no limit). */
  maxPages: number;
  /** Pages fetched per host at most (0: no limit). */
  maxPagesPerHost: number;
  /** Requests in flight across all hosts. */
  concurrency: number;
  /** Minimum milliseconds between two requests to one host (robots.txt Crawl-delay may raise it). */
  minDelayMs: number;
  /** Retries after network errors and 429/5xx answers, with exponential backoff and jitter. */
  maxRetries: number;
  /** First backoff step in milliseconds. */
  backoffMs: number;
  /** Longest Retry-After honoured; a longer one parks the URL until a later run. */
  maxRetryAfterMs: number;
  maxRedirects: number;
  /** Obey robots.txt (turned off only for benchmarks against one's own server). */
  robots: boolean;
  /** Look for sitemaps in robots.txt and at /sitemap.xml. */
  sitemaps: boolean;
  /** Query parameters removed during normalisation (`*` wildcards). */
  trackingParams: string[];
  /** Documents committed per shard batch. */
  batchDocs: number;
  /**
   * Hosts kept in memory with nothing queued or in flight; beyond this many hosts, idle ones are dropped (their
   * robots.txt is read again if they come back), so a crawl across many hosts stays bounded in memory.
   */
  idleHosts: number;
  /** WARC files are rolled after this many bytes. */
  warcFileBytes: number;
  fetch: FetchSettings;
}

/** Defaults for a polite crawl. */
export const DEFAULT_CRAWL: CrawlConfig = {
  seeds: [],
  scope: { mode: "hosts" },
  maxDepth: 5,
  maxPages: 0,
  maxPagesPerHost: 0,
  concurrency: 16,
  minDelayMs: 2_000,
  maxRetries: 3,
  backoffMs: 2_000,
  maxRetryAfterMs: 10 * 60_000,
  maxRedirects: 5,
  robots: true,
  sitemaps: true,
  trackingParams: DEFAULT_TRACKING_PARAMS,
  batchDocs: 500,
  idleHosts: 10_000,
  warcFileBytes: 1024 * 1024 * 1024,
  fetch: DEFAULT_FETCH,
};

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** A crawl config as written in a file or assembled from flags: any subset of the keys. */
export type CrawlConfigInput = DeepPartial<CrawlConfig>;

/** Fills a partial config from the defaults (and `base`, e.g. the config a crawl was started with), checking keys. */
export function resolveCrawlConfig(input: CrawlConfigInput, base: CrawlConfig = DEFAULT_CRAWL): CrawlConfig {
  for (const key of Object.keys(input)) {
    if (!(key in DEFAULT_CRAWL))
      throw new UsageError(
        `soro crawl: unknown config key "${key}"`,
        `known keys: ${Object.keys(DEFAULT_CRAWL).join(", ")}`,
      );
  }
  for (const key of Object.keys(input.fetch ?? {})) {
    if (!(key in DEFAULT_FETCH) && key !== "allowPrivate" && key !== "allowNetworks")
      throw new UsageError(
        `soro crawl: unknown fetch setting "${key}"`,
        `known: ${Object.keys(DEFAULT_FETCH).join(", ")}, allowPrivate, allowNetworks`,
      );
  }
  const cfg: CrawlConfig = {
    // A config saved by an older version lacks the keys added since.
    ...DEFAULT_CRAWL,
    ...base,
    ...(input as Partial<CrawlConfig>),
    scope: { ...base.scope, ...(input.scope as Partial<ScopeRules>) },
    fetch: { ...base.fetch, ...(input.fetch as Partial<FetchSettings>) },
  };
  if (!["hosts", "domains", "any"].includes(cfg.scope.mode))
    throw new UsageError(`soro crawl: unknown scope "${cfg.scope.mode}"`, "use hosts, domains or any");
  for (const [k, v] of Object.entries(cfg)) {
    if (typeof v === "number" && (!Number.isFinite(v) || v < 0))
      throw new UsageError(`soro crawl: ${k} must be a number ≥ 0, got ${v}`, "fix the flag or config file");
  }
  if (cfg.concurrency < 1)
    throw new UsageError("soro crawl: concurrency must be at least 1", "use --concurrency 1 or more");
  return cfg;
}

/** Reads a seeds file: one URL a line; `#` starts a comment (notes on what a site gives). */
export function parseSeeds(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/)[0]!);
}
