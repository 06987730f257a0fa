import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CrawlSummary, crawlDirs, readWarcFile, reextract, runCrawl } from "../src/index.js";
import { crawlDocs, SITE_POLICY_FILES, tempCatalog, testConfig, testResolver } from "./helpers.js";
import { startTestSite, type TestSite, withoutTajikLetters } from "./site.js";

describe("a crawl of the local Tajik test site", () => {
  let site: TestSite;
  let c: Catalog;
  let summary: CrawlSummary;
  const fetchRow = async (p: string) =>
    (
      await c.rows("SELECT * FROM crawl_fetches WHERE url = $1 ORDER BY fetched_at", [
        new URL(p, site.url).href,
      ])
    )[0]!;

  beforeAll(async () => {
    site = await startTestSite();
    c = await tempCatalog();
    summary = await runCrawl(c, testConfig(site.url), { resolver: testResolver });
  });
  afterAll(async () => {
    c.close();
    await site.close();
  });

  it("fetches every reachable URL once, robots.txt first, and never a disallowed one", () => {
    for (const [p, n] of site.hits) if (p !== "/busy") expect(n, p).toBe(1);
    expect(site.hits.has("/private/secret")).toBe(false);
    expect(site.times.get("/robots.txt")![0]).toBeLessThanOrEqual(site.times.get("/")![0]!);
    // Articles 4.. are linked only from the gzipped sitemap found through robots.txt and a sitemap index.
    for (let i = 1; i <= site.sections.length; i++)
      expect(site.hits.get(`/article/${i}`), `article ${i}`).toBe(1);
    expect(summary.failed).toBe(0);
  });

  it("writes main text without boilerplate, with title, language, date and HTTP facts", async () => {
    const docs = await crawlDocs(c);
    const a2 = docs.find((d) => d.url.endsWith("/article/2"))!;
    const s = site.sections[1]!;
    expect(a2.text).toBe([s.heading, ...s.paragraphs].join("\n"));
    expect(a2.meta).toMatchObject({
      title: s.heading,
      lang: "tg",
      published: "2024-03-10T08:00:00+05:00",
      depth: 1,
    });
    expect(a2.meta.http).toMatchObject({ status: 200, charset: "utf-8" });
    const home = docs.find((d) => d.url === site.url)!;
    expect(home.text).not.toMatch(/Хабарнигор|©|Шарҳҳо|Facebook|OK/);
    // /dup names /article/1 as canonical, /old redirects to /article/2: no duplicate documents.
    expect(docs.filter((d) => d.url.includes("/dup") || d.url.includes("/old"))).toEqual([]);
    expect(new Set(docs.map((d) => d.url)).size).toBe(docs.length);
    expect(summary.documents).toBe(docs.length);
  });

  it("decodes a windows-1251 page declared only in <meta>, and an undeclared KOI8-R page", async () => {
    const docs = await crawlDocs(c);
    const cp = docs.find((d) => d.url.endsWith("/cp1251"))!;
    expect(cp.text).toBe(
      withoutTajikLetters([site.sections[3]!.heading, ...site.sections[3]!.paragraphs].join("\n")),
    );
    expect(cp.meta.http).toMatchObject({ charset: "windows-1251", charset_source: "meta" });
    const koi = docs.find((d) => d.url.endsWith("/koi8"))!;
    expect(koi.text).toContain(withoutTajikLetters(site.sections[4]!.paragraphs[0]!));
    expect(koi.meta.http).toMatchObject({ charset: "koi8-r", charset_source: "detected" });
  });

  it("cuts a slow-loris response at the total timeout and a gzip bomb at the size cap", async () => {
    const slow = await fetchRow("/slow");
    expect(slow.truncated).toBe("time");
    expect(Number(slow.elapsed_ms)).toBeLessThan(3000);
    const bomb = await fetchRow("/bomb");
    expect(bomb.truncated).toBe("length");
    expect(Number(bomb.bytes)).toBe(1024 * 1024);
  });

  it("waits out 429 Retry-After before asking again", () => {
    const t = site.times.get("/busy")!;
    expect(t).toHaveLength(2);
    expect(t[1]! - t[0]!).toBeGreaterThanOrEqual(950);
  });

  it("follows a redirect loop only until it meets a URL already seen, and a chain only for 5 hops", async () => {
    expect([site.hits.get("/loop/a"), site.hits.get("/loop/b"), site.hits.get("/old")]).toEqual([1, 1, 1]);
    for (let i = 0; i <= 5; i++) expect(site.hits.get(`/chain/${i}`), `hop ${i}`).toBe(1);
    expect(site.hits.has("/chain/6")).toBe(false);
    expect((await fetchRow("/chain/5")).outcome).toBe("too-many-redirects");
  });

  it("decodes brotli and deflate bodies", async () => {
    const docs = await crawlDocs(c);
    expect(docs.find((d) => d.url.endsWith("/brotli"))!.text).toContain(site.sections[6]!.paragraphs[0]!);
    expect(docs.find((d) => d.url.endsWith("/deflate"))!.text).toContain(site.sections[7]!.paragraphs[0]!);
  });

  it("keeps PDFs for the pdf stage instead of parsing them", async () => {
    const files = await c.rows("SELECT * FROM crawl_files");
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ content_type: "application/pdf" });
    expect(existsSync(path.join(c.ws.dir, String(files[0]!.path)))).toBe(true);
  });

  it("stores every response as WARC/1.1 records a WARC reader parses back", async () => {
    const dir = crawlDirs(c).warc;
    const urls: string[] = [];
    for (const f of readdirSync(dir)) for await (const r of readWarcFile(path.join(dir, f))) urls.push(r.url);
    const logged = await c.rows("SELECT url FROM crawl_fetches WHERE warc_file IS NOT NULL");
    expect(urls.sort()).toEqual(logged.map((r) => String(r.url)).sort());
    expect(urls).toContain(new URL("/robots.txt", site.url).href);
  });

  it("re-extracts the same documents from the WARCs without refetching", async () => {
    const before = await crawlDocs(c);
    const hits = [...site.hits.values()].reduce((a, b) => a + b, 0);
    const r = await reextract(c);
    expect(r.documents).toBe(before.length);
    expect(await crawlDocs(c)).toEqual(before);
    expect([...site.hits.values()].reduce((a, b) => a + b, 0)).toBe(hits);
  });
});

describe("safety and politeness", () => {
  it("refuses redirects to 169.254.169.254, a private address and a name resolving to one", async () => {
    const site = await startTestSite({ articles: 2 });
    const c = await tempCatalog();
    try {
      const cfg = testConfig(site.url, {
        scope: {
          mode: "hosts",
          // Scope includes the port: the intranet name redirects to the test site's port.
          hosts: ["169.254.169.254", "10.20.30.40", `intranet.test:${new URL(site.url).port}`],
          allow: ["127\\.0\\.0\\.1:\\d+/(redir|$)", "169|10\\.20|intranet"],
        },
      });
      await runCrawl(c, cfg, { resolver: testResolver });
      const rows = await c.rows(
        "SELECT url, outcome, error FROM crawl_fetches WHERE outcome = 'blocked' ORDER BY url",
      );
      expect(rows.map((r) => new URL(String(r.url)).hostname)).toEqual([
        "10.20.30.40",
        "169.254.169.254",
        "intranet.test",
      ]);
      expect(String(rows[2]!.error)).toMatch(/192\.168\.7\.7/);
    } finally {
      c.close();
      await site.close();
    }
  });

  it("honours Crawl-delay and waits while robots.txt answers 503", async () => {
    const site = await startTestSite({ articles: 3, crawlDelay: 1, robots503: 1 });
    const c = await tempCatalog();
    try {
      await runCrawl(c, testConfig(site.url, { maxPages: 4, politeness: { backoffMs: 300 } }), {
        resolver: testResolver,
      });
      expect(site.hits.get("/robots.txt")).toBe(2);
      const starts = [...site.times.entries()]
        .filter(([p]) => !SITE_POLICY_FILES.has(p))
        .flatMap(([, t]) => t)
        .sort();
      expect(starts.length).toBe(4);
      for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(950);
      expect(starts[0]! - site.times.get("/robots.txt")![1]!).toBeGreaterThanOrEqual(950);
    } finally {
      c.close();
      await site.close();
    }
  });
});

describe("stopping", () => {
  it("stops on abort after in-flight fetches, commits them, and a later run finishes the crawl", async () => {
    const site = await startTestSite({ articles: 10 });
    const c = await tempCatalog();
    try {
      const stop = new AbortController();
      let seen = 0;
      const cfg = testConfig(site.url, { scope: { mode: "hosts", deny: ["/(slow|bomb|busy)"] } });
      const first = await runCrawl(c, cfg, {
        signal: stop.signal,
        onFetch: () => {
          if (++seen === 6) stop.abort();
        },
      });
      expect(first.queued).toBeGreaterThan(0);
      const second = await runCrawl(c, cfg);
      expect(second.queued).toBe(0);
      for (const [p, n] of site.hits) if (!SITE_POLICY_FILES.has(p)) expect(n, p).toBe(1);
      for (let i = 1; i <= 10; i++) expect(site.hits.get(`/article/${i}`)).toBe(1);
      expect((await crawlDocs(c)).filter((d) => d.url.includes("/article/"))).toHaveLength(10);
    } finally {
      c.close();
      await site.close();
    }
  });
});
