/**
 * Opt-out signals a site gives against indexing or AI training, read from headers, meta tags, TDMRep and
 * robots.txt. Pure: the crawler gathers the raw values and asks here what they mean under its policy.
 */

/** Which signals the crawl honours (a signal not honoured is still recorded). Default: all of them. */
export interface OptOutPolicy {
  /** `noindex` (X-Robots-Tag, meta robots): the page is not kept. */
  noindex: boolean;
  /** `noai`: the page's text is not kept for training. */
  noai: boolean;
  /** `noimageai`: only images are meant; the crawl keeps no images, so it is recorded, never acted on. */
  noimageai: boolean;
  /** TDMRep (`tdm-reservation: 1` header or meta, `/.well-known/tdmrep.json`): text and data mining reserved. */
  tdm: boolean;
  /** robots.txt groups of AI crawlers (GPTBot, CCBot, Google-Extended, ...) that disallow the URL. */
  aiRobots: boolean;
}

/**
 * User agents of crawlers that gather AI training data. A site that shuts them out in robots.txt says it does not
 * want its text used for training, which is what this crawl gathers it for.
 */
export const AI_CRAWLER_AGENTS = [
  "GPTBot",
  "ChatGPT-User",
  "OAI-SearchBot",
  "CCBot",
  "Google-Extended",
  "anthropic-ai",
  "ClaudeBot",
  "Claude-Web",
  "cohere-ai",
  "Bytespider",
  "PerplexityBot",
  "Applebot-Extended",
  "Meta-ExternalAgent",
  "FacebookBot",
  "Amazonbot",
  "Diffbot",
  "Omgilibot",
  "ImagesiftBot",
  "Timpibot",
  "YouBot",
] as const;

/** The AI crawler agents a robots.txt names in a `User-agent:` line (as the list spells them). */
export function namedAiAgents(robotsTxt: string): string[] {
  const named = new Set<string>();
  for (const m of robotsTxt.matchAll(/^\s*user-agent\s*:\s*([^\s#]+)/gim))
    named.add((m[1] ?? "").toLowerCase());
  return AI_CRAWLER_AGENTS.filter((a) => named.has(a.toLowerCase()));
}

/**
 * The directives of robots meta content or X-Robots-Tag values that apply to `agent`: unprefixed ones, and those
 * after `agent:` (a value such as `googlebot: noindex` applies to another crawler only). Lowercase.
 */
export function robotsDirectives(values: string[], agent: string): Set<string> {
  const out = new Set<string>();
  const me = agent.toLowerCase();
  for (const value of values) {
    let target: string | null = null;
    for (const raw of value.split(",")) {
      let part = raw.trim().toLowerCase();
      // `ua: directive` names the crawler for this and the following directives of the same value.
      const [, ua, rest = ""] = /^([a-z0-9_.-]+)\s*:\s*(.*)$/.exec(part) ?? [];
      if (ua && !/^(unavailable_after|max-snippet|max-image-preview|max-video-preview)$/.test(ua)) {
        target = ua;
        part = rest;
      }
      const [directive] = part.split(/\s+/);
      if (directive && (target === null || target === me)) out.add(directive);
    }
  }
  return out;
}

/** One rule of a `/.well-known/tdmrep.json` file. */
export interface TdmRule {
  /** A path pattern (`/`, `/news/*`, `*.pdf`). */
  location: string;
  reservation: boolean;
  policy: string | null;
}

/** The rules of a tdmrep.json body ([] when it is not the expected JSON array). */
export function parseTdmRep(body: string): TdmRule[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  if (!Array.isArray(json)) return [];
  const out: TdmRule[] = [];
  for (const r of json) {
    if (!r || typeof r !== "object" || typeof (r as { location?: unknown }).location !== "string") continue;
    const rule = r as Record<string, unknown>;
    out.push({
      location: String(rule.location),
      reservation: Number(rule["tdm-reservation"]) === 1,
      policy: typeof rule["tdm-policy"] === "string" ? rule["tdm-policy"] : null,
    });
  }
  return out;
}

/** Whether a TDMRep location pattern matches a URL path: `*` matches any run of characters, anchored at both ends. */
function locationMatches(pattern: string, pathname: string): boolean {
  const re = pattern
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern.startsWith("/") || pattern.startsWith("*") ? "" : "/"}${re}$`).test(pathname);
}

/** The first tdmrep.json rule whose location matches the URL, or null. */
export function tdmRuleFor(rules: TdmRule[], url: string): TdmRule | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  return rules.find((r) => locationMatches(r.location, pathname)) ?? null;
}

/** What a page and its response said. */
export interface PageOptOutSignals {
  /** X-Robots-Tag header values. */
  xRobotsTag: string[];
  /** `<meta name="robots">` content ("" when absent). */
  metaRobots: string;
  /** `tdm-reservation` header and meta values, null when absent. */
  tdmHeader: string | null;
  tdmMeta: string | null;
  tdmPolicy: string | null;
  /** The host's tdmrep.json rule for this URL, if any. */
  tdmFile: TdmRule | null;
}

/** What the crawler saw and did: the signals found (by where), and the one that made it drop the page. */
export interface OptOutVerdict {
  seen: Record<string, string>;
  /** e.g. `noai (x-robots-tag)`, `tdm-reservation (tdmrep.json)`; null when the page is kept. */
  refused: string | null;
}

/** Reads a page's opt-out signals under a policy, for the crawler agent `agent`. */
export function pageOptOut(s: PageOptOutSignals, policy: OptOutPolicy, agent: string): OptOutVerdict {
  const seen: Record<string, string> = {};
  if (s.xRobotsTag.length) seen["x-robots-tag"] = s.xRobotsTag.join(", ");
  if (s.metaRobots) seen["meta-robots"] = s.metaRobots;
  if (s.tdmHeader !== null) seen["tdm-reservation-header"] = s.tdmHeader;
  if (s.tdmMeta !== null) seen["tdm-reservation-meta"] = s.tdmMeta;
  if (s.tdmPolicy) seen["tdm-policy"] = s.tdmPolicy;
  if (s.tdmFile) seen["tdmrep.json"] = `${s.tdmFile.location}: ${s.tdmFile.reservation ? 1 : 0}`;
  const header = robotsDirectives(s.xRobotsTag, agent);
  const meta = robotsDirectives([s.metaRobots], agent);
  let refused: string | null = null;
  const check = (directive: string, honour: boolean) => {
    if (refused || !honour) return;
    if (header.has(directive)) refused = `${directive} (x-robots-tag)`;
    else if (meta.has(directive)) refused = `${directive} (meta robots)`;
  };
  check("noindex", policy.noindex);
  check("none", policy.noindex);
  check("noai", policy.noai);
  if (!refused && policy.tdm) {
    if (s.tdmHeader?.trim() === "1") refused = "tdm-reservation (header)";
    else if (s.tdmMeta?.trim() === "1") refused = "tdm-reservation (meta)";
    // A page's own header or meta of 0 overrides the site file, as TDMRep orders them.
    else if (s.tdmHeader === null && s.tdmMeta === null && s.tdmFile?.reservation)
      refused = "tdm-reservation (tdmrep.json)";
  }
  return { seen, refused };
}
