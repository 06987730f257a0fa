import { describe, expect, it } from "vitest";
import {
  ALLOW_ALL,
  classify,
  DEFAULT_POLITENESS,
  type FetchFailure,
  type FetchResult,
  type FrontierItem,
  HostTable,
  parseRobots,
  type RetryPolicy,
} from "../src/index.js";

const policy: RetryPolicy = { maxRetries: 2, backoffMs: 1000, maxRetryAfterMs: 60_000, maxRedirects: 3 };
const NOW = Date.parse("2026-01-01T00:00:00Z");
/** No jitter: backoff is exactly base × 2^attempt × 0.5 + ... with random() = 0.5, i.e. base × 2^attempt. */
const half = () => 0.5;

function item(extra: Partial<FrontierItem> = {}): FrontierItem {
  return {
    url: "http://x.tj/a",
    seq: 1,
    host: "x.tj",
    kind: "page",
    depth: 1,
    hops: 0,
    attempts: 0,
    nextAt: 0,
    ...extra,
  };
}

function res(status: number, headers: Record<string, string> = {}): FetchResult {
  return {
    url: "http://x.tj/a",
    status,
    statusText: "",
    headers: Object.entries(headers),
    body: Buffer.from("<p>Салом</p>"),
    truncated: null,
    contentEncoding: null,
    elapsedMs: 5,
  };
}

const failure = (kind: FetchFailure["kind"]): FetchFailure => ({
  url: "http://x.tj/a",
  error: `${kind} error`,
  kind,
  elapsedMs: 5,
});

describe("classify", () => {
  const cases: Array<
    [string, FrontierItem, FetchResult | FetchFailure, Partial<ReturnType<typeof classify>>]
  > = [
    ["an HTML page", item(), res(200, { "content-type": "text/html" }), { status: "done", body: "page" }],
    ["an undeclared type reads as HTML", item(), res(200), { body: "page" }],
    ["a PDF is kept as a file", item(), res(200, { "content-type": "application/pdf" }), { body: "file" }],
    ["an image is skipped", item(), res(200, { "content-type": "image/png" }), { outcome: "skipped-type" }],
    ["a sitemap URL", item({ kind: "sitemap" }), res(200), { outcome: "sitemap", body: "sitemap" }],
    ["a 404", item(), res(404), { status: "done", outcome: "http-404", reason: "http-404", retry: false }],
    [
      "a redirect",
      item(),
      res(301, { location: "/b" }),
      { status: "done", body: "redirect", location: "/b", outcome: "redirect" },
    ],
    ["a redirect without Location", item(), res(302), { outcome: "redirect-without-location", body: "none" }],
    [
      "a redirect past the hop limit",
      item({ hops: 3 }),
      res(301, { location: "/b" }),
      { outcome: "too-many-redirects" },
    ],
    [
      "a 500 is retried after backoff",
      item(),
      res(500),
      { status: "queued", outcome: "server-error", reason: "http 500", retry: true, nextAt: NOW + 1000 },
    ],
    [
      "a 500 on the last retry fails",
      item({ attempts: 2 }),
      res(500),
      { status: "failed", attempts: 3, retry: false },
    ],
    [
      "a 429 with Retry-After makes the host wait too",
      item(),
      res(429, { "retry-after": "7" }),
      {
        status: "queued",
        outcome: "retry-after-429",
        nextAt: NOW + 7000,
        retry: true,
        hostWaitUntil: NOW + 7000,
      },
    ],
    [
      "a Retry-After beyond the limit parks the URL for a later run",
      item(),
      res(503, { "retry-after": "3600" }),
      { status: "queued", retry: false, nextAt: NOW + 3_600_000, hostWaitUntil: NOW + 60_000 },
    ],
    [
      "a network error is retried",
      item({ attempts: 1 }),
      failure("network"),
      { status: "queued", outcome: "network", error: "network error", nextAt: NOW + 2000, retry: true },
    ],
    [
      "a blocked address fails at once",
      item(),
      failure("blocked"),
      { status: "failed", outcome: "blocked", reason: "blocked error", nextAt: 0, retry: false },
    ],
  ];
  for (const [name, it0, r, want] of cases) {
    it(name, () => {
      expect(classify(it0, r, policy, NOW, half)).toMatchObject(want);
    });
  }

  it("jitters the backoff within ±50%", () => {
    const low = classify(item(), res(500), policy, NOW, () => 0);
    const high = classify(item(), res(500), policy, NOW, () => 0.999);
    expect(low.nextAt).toBe(NOW + 500);
    expect(high.nextAt).toBeGreaterThan(NOW + 1490);
  });
});

describe("the host table", () => {
  const politeness = { ...DEFAULT_POLITENESS, minDelayMs: 1000, maxRetries: 1, backoffMs: 100 };

  it("spaces requests by the delay, raised by Crawl-delay, and honours a host-wide wait", () => {
    const table = new HostTable(politeness, new Map(), 10);
    table.enqueue(item());
    const h = table.get("http://x.tj/");
    expect(table.needsRobots(h, NOW)).toBe(true);
    table.robotsStarted(h);
    table.robotsRead(h, parseRobots("http://x.tj/robots.txt", "User-agent: *\nCrawl-delay: 5\n"), NOW);
    table.finished(h, NOW);
    expect(h.nextAt).toBe(NOW + 5000);
    const next = table.take(h, NOW + 5000);
    expect(typeof next).toBe("object");
    table.pageStarted(h, NOW + 5000);
    expect(h).toMatchObject({ nextAt: NOW + 10_000, fetched: 1, active: 1 });
    table.waitUntil(h, NOW + 60_000);
    table.finished(h, NOW + 5100);
    expect(h.nextAt).toBe(NOW + 60_000);
    expect(table.queued).toBe(0);
  });

  it("reads robots.txt again after its time to live", () => {
    const table = new HostTable({ ...politeness, robotsTtlMs: 1000 }, new Map(), 10);
    const h = table.get("http://x.tj/");
    table.robotsRead(h, ALLOW_ALL, NOW);
    expect(table.needsRobots(h, NOW + 500)).toBe(false);
    expect(table.needsRobots(h, NOW + 1500)).toBe(true);
  });

  it("waits on an unreachable robots.txt, then disallows the host and keeps that verdict", () => {
    const table = new HostTable(politeness, new Map(), 10);
    const h = table.get("http://x.tj/");
    expect(table.robotsUnreachable(h, 3000, NOW)).toBe(false);
    expect(h).toMatchObject({ robots: null, nextAt: NOW + 3000 });
    expect(table.robotsUnreachable(h, null, NOW)).toBe(true);
    expect(h.robots !== null && h.robots !== "loading" && h.robots.isAllowed("http://x.tj/a")).toBe(false);
    expect(table.needsRobots(h, NOW + 1000)).toBe(false);
  });

  it("drops idle hosts beyond the limit and keeps their page counts", () => {
    const before = new Map<string, number>();
    const table = new HostTable(politeness, before, 1);
    const a = table.get("http://a.tj/");
    const b = table.get("http://b.tj/");
    table.pageStarted(a, NOW);
    table.finished(a, NOW);
    expect(table.evictIfIdle(a, NOW)).toBe(false); // its delay is pending
    expect(table.evictIfIdle(a, NOW + 1000)).toBe(true);
    expect(before.get("a.tj")).toBe(1);
    expect(table.evictIfIdle(b, NOW)).toBe(false); // now within the limit
    expect(table.get("http://a.tj/x").fetched).toBe(1);
  });
});
