import { escapeRegex } from "@soro/core";
import { DEFAULT_TRACKING_PARAMS } from "./defaults.js";

/** Builds a predicate for parameter names from patterns where `*` matches any run of characters. */
function paramMatcher(patterns: string[]): (name: string) => boolean {
  const exact = new Set(patterns.filter((p) => !p.includes("*")).map((p) => p.toLowerCase()));
  const globs = patterns
    .filter((p) => p.includes("*"))
    .map((p) => new RegExp(`^${p.split("*").map(escapeRegex).join(".*")}$`, "i"));
  return (name) => exact.has(name.toLowerCase()) || globs.some((g) => g.test(name));
}

/** A URL normaliser: scheme and host case, default port, no fragment, sorted query, tracking parameters removed. */
export function urlNormalizer(trackingParams: string[] = DEFAULT_TRACKING_PARAMS) {
  const isTracking = paramMatcher(trackingParams);
  /** The canonical form of `raw` (resolved against `base`), or null when it is not an http(s) URL. */
  return (raw: string, base?: string): string | null => {
    let u: URL;
    try {
      u = new URL(raw.trim(), base);
    } catch {
      return null;
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    // WHATWG URL already lowercases scheme and host, drops default ports and canonicalises IPv4 forms.
    u.hash = "";
    u.username = "";
    u.password = "";
    if (u.search) {
      const kept = [...u.searchParams].filter(([k]) => !isTracking(k));
      kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
      u.search = new URLSearchParams(kept).toString();
    }
    if (u.hostname.endsWith(".")) u.hostname = u.hostname.slice(0, -1);
    return u.href;
  };
}

/** The host[:port] key that politeness is counted by. */
export function hostKey(url: string): string {
  return new URL(url).host;
}

/** Which URLs a crawl may visit. */
export interface ScopeRules {
  /** `hosts`: only the seeds' hosts; `domains`: seeds' domains and their subdomains; `any`: anywhere. */
  mode: "hosts" | "domains" | "any";
  /** Extra hosts (exact) in scope besides the seeds'. */
  hosts?: string[];
  /** Extra domains (with subdomains) in scope. */
  domains?: string[];
  /** Regular expressions a URL must match one of (when any are given). */
  allow?: string[];
  /** Regular expressions that put a URL out of scope. */
  deny?: string[];
}

/**
 * Compiles scope rules against the seed URLs into a predicate that says why a URL is out of scope (null when in).
 * Scope is by origin, scheme and port included: a seed's origin (and its https twin, the usual upgrade), extra
 * hosts as written (`host` or `host:port`), and domains on their scheme's default port; another port of the same
 * machine is another site.
 */
export function scopeChecker(rules: ScopeRules, seeds: string[]): (url: string) => string | null {
  const origins = new Set<string>();
  const hosts = new Set((rules.hosts ?? []).map((h) => h.toLowerCase()));
  const domains = new Set((rules.domains ?? []).map((d) => d.toLowerCase().replace(/^\*?\./, "")));
  for (const s of seeds) {
    const u = new URL(s);
    origins.add(u.origin);
    if (u.protocol === "http:" && u.port === "") origins.add(`https://${u.host}`);
    if (rules.mode === "domains") domains.add(u.hostname.replace(/^www\./, ""));
  }
  const allow = (rules.allow ?? []).map((r) => new RegExp(r));
  const deny = (rules.deny ?? []).map((r) => new RegExp(r));
  return (url) => {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return `scheme ${u.protocol} out of scope`;
    if (rules.mode !== "any" && !origins.has(u.origin) && !hosts.has(u.host)) {
      let d = u.hostname;
      let inDomain = false;
      while (u.port === "" && d.includes(".")) {
        if (domains.has(d)) {
          inDomain = true;
          break;
        }
        d = d.slice(d.indexOf(".") + 1);
      }
      if (!inDomain) return `${u.origin} out of scope`;
    }
    if (deny.some((r) => r.test(url))) return "matches a deny pattern";
    if (allow.length > 0 && !allow.some((r) => r.test(url))) return "matches no allow pattern";
    return null;
  };
}
