import { createRequire } from "node:module";
import { namedAiAgents, type TdmRule } from "./opt-out.js";

/** The part of robots-parser's answer used here. */
interface ParsedRobots {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
}

// robots-parser is CommonJS exporting a bare function, which its typings mis-declare as a default export.
const robotsParser = createRequire(import.meta.url)("robots-parser") as (
  url: string,
  body: string,
) => ParsedRobots;

/** The crawler token matched against robots.txt groups. */
export const ROBOTS_AGENT = "soro-data-crawler";

/** What robots.txt says about one host, as far as the crawler cares. */
export interface RobotsRules {
  isAllowed(url: string): boolean;
  /** Crawl-delay in milliseconds, if the file gives one for us or for `*`. */
  crawlDelayMs: number | null;
  sitemaps: string[];
  /** The AI crawler groups (GPTBot, CCBot, ...) that disallow a URL; [] when none do. */
  aiDisallowedBy?: (url: string) => string[];
  /** The host's `/.well-known/tdmrep.json` rules, read with robots.txt. */
  tdm?: TdmRule[];
}

/** Rules when robots.txt is missing (4xx): everything allowed, per RFC 9309. */
export const ALLOW_ALL: RobotsRules = { isAllowed: () => true, crawlDelayMs: null, sitemaps: [] };

/** Rules when robots.txt forbids everything: refused by the safety rules, or unreachable past the retries. */
export const DISALLOW_ALL: RobotsRules = { isAllowed: () => false, crawlDelayMs: null, sitemaps: [] };

/** Parses a robots.txt body fetched from `robotsUrl`. */
export function parseRobots(robotsUrl: string, body: string): RobotsRules {
  const r = robotsParser(robotsUrl, body);
  const delay = r.getCrawlDelay(ROBOTS_AGENT);
  const ai = namedAiAgents(body);
  return {
    aiDisallowedBy: (url) => ai.filter((agent) => r.isAllowed(url, agent) === false),
    // robots-parser answers undefined for URLs of another origin; those are judged by their own host's file.
    isAllowed: (url) => r.isAllowed(url, ROBOTS_AGENT) !== false,
    crawlDelayMs: delay === undefined ? null : Math.min(delay, 120) * 1000,
    sitemaps: r.getSitemaps(),
  };
}

/**
 * How a robots.txt response status is treated (RFC 9309): 2xx parse it, 4xx allow everything,
 * 429/5xx and network failures mean "unreachable": wait and ask again, and disallow if it stays so.
 */
export function robotsVerdict(status: number | null): "parse" | "allow-all" | "unreachable" {
  if (status === null || status === 429 || status >= 500) return "unreachable";
  if (status >= 200 && status < 300) return "parse";
  return "allow-all";
}
