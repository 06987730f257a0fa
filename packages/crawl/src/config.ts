import { UsageError } from "@soro/core";
import { DEFAULT_CRAWL, DEFAULT_FETCH, DEFAULT_OPT_OUT, DEFAULT_POLITENESS } from "./defaults.js";
import type { FetchSettings } from "./fetcher.js";
import type { OptOutPolicy } from "./opt-out.js";
import type { ScopeRules } from "./url.js";

/** How the crawl treats each host: every setting a site's owner would ask about, in one place. */
export interface Politeness {
  /** Obey robots.txt (turned off only for benchmarks against one's own server). */
  robots: boolean;
  /** How long robots.txt rules are trusted before they are read again (RFC 9309 suggests at most a day). */
  robotsTtlMs: number;
  /** Minimum milliseconds between two requests to one host (robots.txt Crawl-delay may raise it). */
  minDelayMs: number;
  /** Connections (and so requests in flight) per host. */
  perHostConnections: number;
  /** Pages fetched per host at most (0: no limit). */
  maxPagesPerHost: number;
  /** Retries after network errors and 429/5xx answers, with exponential backoff and jitter. */
  maxRetries: number;
  /** First backoff step in milliseconds. */
  backoffMs: number;
  /** Longest Retry-After honoured; a longer one parks the URL until a later run. */
  maxRetryAfterMs: number;
}

/** Every setting of a crawl; a YAML/JSON config file holds the same keys, CLI flags override them. */
export interface CrawlConfig {
  /** Seed URLs (a seeds file is read into this list). */
  seeds: string[];
  scope: ScopeRules;
  /** Links deeper than this many hops from a seed are not followed (sitemap entries count as depth 1). */
  maxDepth: number;
  /** Stop after this many fetches in the whole crawl (0: no limit). */
  maxPages: number;
  /** Requests in flight across all hosts. */
  concurrency: number;
  politeness: Politeness;
  /** Which opt-out signals (noindex, noai, TDMRep, AI crawler groups in robots.txt) are honoured; all by default. */
  optOut: OptOutPolicy;
  maxRedirects: number;
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

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K];
};

/** A crawl config as written in a file or assembled from flags: any subset of the keys. */
export type CrawlConfigInput = DeepPartial<CrawlConfig>;

/** Politeness keys that earlier versions kept at the top level (and `perHostConnections` under `fetch:`). */
const MOVED_TO_POLITENESS = [
  "robots",
  "minDelayMs",
  "maxPagesPerHost",
  "maxRetries",
  "backoffMs",
  "maxRetryAfterMs",
] as const;

/**
 * Moves the politeness keys of an older config (a file written before the `politeness:` block, or the saved
 * config of a crawl started by an earlier version) into the block, so `--resume` and old files keep working.
 */
function movePolitenessKeys(input: CrawlConfigInput): CrawlConfigInput {
  const old = input as Record<string, unknown>;
  const fetch = (input.fetch ?? {}) as Record<string, unknown>;
  const moved: Record<string, unknown> = {};
  for (const key of MOVED_TO_POLITENESS) if (key in old) moved[key] = old[key];
  if ("perHostConnections" in fetch) moved.perHostConnections = fetch.perHostConnections;
  if (Object.keys(moved).length === 0) return input;
  const politeness = (input.politeness ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(moved)) {
    if (key in politeness && politeness[key] !== moved[key])
      throw new UsageError(
        `soro crawl: ${key} is set twice, in politeness: and outside it`,
        `keep only politeness.${key}`,
      );
  }
  const rest: Record<string, unknown> = { ...old };
  for (const key of MOVED_TO_POLITENESS) delete rest[key];
  const { perHostConnections: _, ...restFetch } = fetch;
  return {
    ...(rest as CrawlConfigInput),
    ...(input.fetch ? { fetch: restFetch as CrawlConfigInput["fetch"] } : {}),
    politeness: { ...politeness, ...moved } as CrawlConfigInput["politeness"],
  };
}

/** Fills a partial config from the defaults (and `base`, e.g. the config a crawl was started with), checking keys. */
export function resolveCrawlConfig(raw: CrawlConfigInput, base: CrawlConfig = DEFAULT_CRAWL): CrawlConfig {
  const input = movePolitenessKeys(raw);
  const from = movePolitenessKeys(base) as CrawlConfig;
  const known = (what: string, keys: string[], allowed: object, extra: string[] = []) => {
    for (const key of keys) {
      if (!(key in allowed) && !extra.includes(key))
        throw new UsageError(
          `soro crawl: unknown ${what} "${key}"`,
          `known: ${[...Object.keys(allowed), ...extra].join(", ")}`,
        );
    }
  };
  known("config key", Object.keys(input), DEFAULT_CRAWL);
  known("fetch setting", Object.keys(input.fetch ?? {}), DEFAULT_FETCH, ["allowPrivate", "allowNetworks"]);
  known("politeness setting", Object.keys(input.politeness ?? {}), DEFAULT_POLITENESS);
  known("optOut setting", Object.keys(input.optOut ?? {}), DEFAULT_OPT_OUT);
  const cfg: CrawlConfig = {
    // A config saved by an older version lacks the keys added since.
    ...DEFAULT_CRAWL,
    ...from,
    ...(input as Partial<CrawlConfig>),
    scope: { ...from.scope, ...(input.scope as Partial<ScopeRules>) },
    politeness: { ...DEFAULT_POLITENESS, ...from.politeness, ...(input.politeness as Partial<Politeness>) },
    fetch: { ...from.fetch, ...(input.fetch as Partial<FetchSettings>) },
    optOut: { ...DEFAULT_OPT_OUT, ...from.optOut, ...(input.optOut as Partial<OptOutPolicy>) },
  };
  if (!["hosts", "domains", "any"].includes(cfg.scope.mode))
    throw new UsageError(`soro crawl: unknown scope "${cfg.scope.mode}"`, "use hosts, domains or any");
  for (const [k, v] of [...Object.entries(cfg), ...Object.entries(cfg.politeness)]) {
    if (typeof v === "number" && (!Number.isFinite(v) || v < 0))
      throw new UsageError(`soro crawl: ${k} must be a number ≥ 0, got ${v}`, "fix the flag or config file");
  }
  if (cfg.concurrency < 1)
    throw new UsageError("soro crawl: concurrency must be at least 1", "use --concurrency 1 or more");
  if (cfg.politeness.perHostConnections < 1)
    throw new UsageError(
      "soro crawl: politeness.perHostConnections must be at least 1",
      "use --per-host 1 or more",
    );
  return cfg;
}

/** Reads a seeds file: one URL a line; `#` starts a comment (notes on what a site gives). */
export function parseSeeds(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l.length > 0)
    .map((l) => l.split(/\s+/)[0] ?? "");
}
