import { gzipSync } from "node:zlib";
import { encodeText } from "@soro/core";
import { libreofficeTajikStrings, tajikTextDir, tajikTextLines, udhrSections } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  addressGuard,
  backoffMs,
  decodeBody,
  extractHtml,
  metaCharset,
  parseRobots,
  parseSeeds,
  parseSitemap,
  retryAfterMs,
  robotsVerdict,
  scopeChecker,
  urlNormalizer,
} from "../src/index.js";
import { encodeSingleByte, withoutTajikLetters } from "./site.js";

describe("url normalisation and scope", () => {
  const norm = urlNormalizer();
  it("folds case, default port, fragment, query order and tracking parameters", () => {
    expect(norm("HTTP://Khovar.TJ:80/Ахбор?b=2&utm_source=x&a=1&fbclid=z#top")).toBe(
      "http://khovar.tj/%D0%90%D1%85%D0%B1%D0%BE%D1%80?a=1&b=2",
    );
    expect(norm("https://khovar.tj:443/?utm_medium=a")).toBe("https://khovar.tj/");
    expect(norm("../b", "http://x.tj/a/c")).toBe("http://x.tj/b");
    expect(norm("mailto:a@b.tj")).toBeNull();
    expect(norm("javascript:void(0)")).toBeNull();
    expect(urlNormalizer(["sid"])("http://x.tj/?sid=1&utm_source=2")).toBe("http://x.tj/?utm_source=2");
  });
  it("keeps to seed hosts, domains, allow and deny patterns", () => {
    const hosts = scopeChecker({ mode: "hosts", deny: ["/print/"] }, ["https://www.president.tj/"]);
    expect(hosts("https://www.president.tj/node/1")).toBeNull();
    expect(hosts("https://president.tj/node/1")).toMatch(/out of scope/);
    expect(hosts("https://www.president.tj/print/1")).toMatch(/deny/);
    const domains = scopeChecker({ mode: "domains", allow: ["/tg/"] }, ["https://www.tnu.tj/tg/"]);
    expect(domains("https://lib.tnu.tj/tg/a")).toBeNull();
    expect(domains("https://lib.tnu.tj/ru/a")).toMatch(/allow/);
    expect(domains("https://tnu.tj.evil.com/tg/")).toMatch(/out of scope/);
  });
  it("reads seed files with notes", () => {
    expect(parseSeeds("# news\nhttps://khovar.tj/  # state agency\n\nhttps://tg.wikipedia.org/\n")).toEqual([
      "https://khovar.tj/",
      "https://tg.wikipedia.org/",
    ]);
  });
});

describe("address safety", () => {
  const strict = addressGuard({});
  it("refuses loopback, private, link-local, CGNAT and IPv4-mapped addresses", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:8.8.8.8",
    ])
      expect(strict(ip), ip).not.toBeNull();
    for (const ip of ["8.8.8.8", "185.177.0.1", "2a00:1450:4001::1"]) expect(strict(ip), ip).toBeNull();
  });
  it("allows only the networks named, or everything with allowPrivate", () => {
    const local = addressGuard({ allowNetworks: ["127.0.0.1/32"] });
    expect(local("127.0.0.1")).toBeNull();
    expect(local("127.0.0.2")).not.toBeNull();
    expect(local("169.254.169.254")).not.toBeNull();
    expect(addressGuard({ allowPrivate: true })("10.0.0.1")).toBeNull();
  });
});

describe("charset", () => {
  it("decodes a windows-1251 page declared only by <meta>, and detects undeclared KOI8-R and windows-1251", async () => {
    const para = withoutTajikLetters((await udhrSections("tgk"))[2]!.paragraphs[0]!);
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head><body><p>${para}</p></body></html>`;
    const bytes = encodeSingleByte(html, "windows-1251");
    expect(metaCharset(bytes)).toBe("windows-1251");
    const d = decodeBody(bytes, "text/html");
    expect(d.charsetSource).toBe("meta");
    expect(d.text).toContain(para);
    const bare = `<p>${para}</p>`;
    expect(decodeBody(encodeSingleByte(bare, "koi8-r"), null)).toMatchObject({
      charset: "koi8-r",
      charsetSource: "detected",
    });
    expect(decodeBody(encodeSingleByte(bare, "windows-1251"), null)).toMatchObject({
      charset: "windows-1251",
      text: bare,
    });
    expect(decodeBody(Buffer.from(`\ufeff${bare}`), "text/html; charset=koi8-r")).toMatchObject({
      charset: "utf-8",
      charsetSource: "bom",
    });
    expect(decodeBody(Buffer.from("<p>Ҳуқуқ</p>"), 'text/html; charset="UTF-8"').charsetSource).toBe(
      "header",
    );
  });

  it.skipIf(tajikTextDir() === null)(
    "reads KOI8-T by its label and tells it from KOI8-R undeclared by the Tajik words it holds",
    () => {
      const para = tajikTextLines("komdil_payom.txt")[2]!;
      const page = `<html><body><p>${para}</p></body></html>`;
      const bytes = encodeText(page, "koi8-t");
      expect(decodeBody(bytes, "text/html; charset=KOI8-T")).toMatchObject({
        charset: "koi8-t",
        charsetSource: "header",
        text: page,
      });
      expect(decodeBody(bytes, null)).toMatchObject({
        charset: "koi8-t",
        charsetSource: "detected",
        text: page,
      });
    },
  );
});

describe("extraction", () => {
  it("keeps the article's heading, paragraphs and list items and drops menus, banners, share widgets and footers", async () => {
    const s = (await udhrSections("tgk"))[1]!;
    const ui = libreofficeTajikStrings()
      .map((x) => x.tg)
      .filter((t) => t.length > 4 && t.length < 30)
      .slice(100, 106);
    const html = `<html lang="TG"><head><title>${s.heading}</title><meta property="article:published_time" content="2024-03-08">
      <link rel="canonical" href="/a/1"><meta name="robots" content="index, follow"></head><body>
      <div class="top-menu">${ui.map((u) => `<a href="/x">${u}</a>`).join(" | ")}</div>
      <div id="cookie-notice">${ui[0]}</div>
      <div class="content"><h2>${s.heading}</h2>${s.paragraphs.map((p) => `<p>${p}</p>`).join("")}<ul><li>${ui[1]} ва ${ui[2]}</li></ul>
      <div class="social-share"><a href="#">${ui[3]}</a></div></div>
      <div class="footer">${ui[4]} ${ui[5]}</div><script>var x = "${ui[0]}";</script></body></html>`;
    const e = extractHtml(html);
    expect(e.lines).toEqual([s.heading, ...s.paragraphs, `${ui[1]} ва ${ui[2]}`]);
    expect(e).toMatchObject({
      title: s.heading,
      lang: "tg",
      canonical: "/a/1",
      published: "2024-03-08",
      noindex: false,
    });
    expect(e.links).toContain("/x");
  });
  it("honours meta robots and rel=nofollow", () => {
    const e = extractHtml(
      '<meta name="robots" content="noindex,nofollow"><a href="/a" rel="nofollow">a</a><a href="/b">b</a>',
    );
    expect(e).toMatchObject({ noindex: true, nofollow: true, links: ["/b"] });
  });
});

describe("robots and sitemaps", () => {
  it("parses rules, crawl-delay and sitemaps for our agent", () => {
    const r = parseRobots(
      "http://x.tj/robots.txt",
      "User-agent: *\nDisallow: /admin/\nCrawl-delay: 3\nSitemap: http://x.tj/s.xml\n",
    );
    expect(r.isAllowed("http://x.tj/admin/a")).toBe(false);
    expect(r.isAllowed("http://x.tj/news")).toBe(true);
    expect(r.crawlDelayMs).toBe(3000);
    expect(r.sitemaps).toEqual(["http://x.tj/s.xml"]);
    expect([
      robotsVerdict(200),
      robotsVerdict(404),
      robotsVerdict(403),
      robotsVerdict(503),
      robotsVerdict(null),
    ]).toEqual(["parse", "allow-all", "allow-all", "unreachable", "unreachable"]);
  });
  it("reads sitemap indexes and gzipped url sets", () => {
    const idx = parseSitemap(
      Buffer.from(
        '<?xml version="1.0"?><sitemapindex><sitemap><loc> http://x.tj/a.xml.gz </loc></sitemap></sitemapindex>',
      ),
    );
    expect(idx).toEqual({ pages: [], sitemaps: ["http://x.tj/a.xml.gz"] });
    const set = parseSitemap(
      gzipSync("<urlset><url><loc>http://x.tj/1</loc></url><url><loc>http://x.tj/2</loc></url></urlset>"),
    );
    expect(set.pages).toEqual(["http://x.tj/1", "http://x.tj/2"]);
    expect(() => parseSitemap(gzipSync(Buffer.alloc(2e6)), 1e6)).toThrow();
  });
  it("computes Retry-After and jittered backoff", () => {
    expect(retryAfterMs("7")).toBe(7000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs("soon")).toBeNull();
    const b = backoffMs(1000, 2);
    expect(b).toBeGreaterThanOrEqual(2000);
    expect(b).toBeLessThanOrEqual(6000);
  });
});

describe("the Tajik seed list and crawl config", () => {
  it("parses into valid http(s) seeds and a valid config", async () => {
    const { readFileSync } = await import("node:fs");
    const { loadConfigFile } = await import("@soro/core");
    const { resolveCrawlConfig } = await import("../src/index.js");
    const seeds = parseSeeds(
      readFileSync(new URL("../../../pipelines/seeds/tajik-seeds.txt", import.meta.url), "utf8"),
    );
    expect(seeds.length).toBeGreaterThanOrEqual(15);
    for (const s of seeds) expect(urlNormalizer()(s), s).toMatch(/^https?:\/\/[^/]+\.(tj|org|info)\//);
    const cfg = resolveCrawlConfig(
      (await loadConfigFile(
        new URL("../../../pipelines/seeds/tajik-crawl.yaml", import.meta.url).pathname,
      )) as object,
    );
    expect(cfg).toMatchObject({ maxDepth: 6, politeness: { minDelayMs: 3000, perHostConnections: 1 } });
    expect(() => resolveCrawlConfig({ maxDepht: 3 } as object)).toThrow(/unknown config key/);
    expect(() => resolveCrawlConfig({ politeness: { minDelay: 3 } } as object)).toThrow(
      /unknown politeness setting "minDelay"/,
    );
  });
  it("reads the politeness keys of an older config (a file or a crawl saved before the block)", async () => {
    const { resolveCrawlConfig, DEFAULT_CRAWL } = await import("../src/index.js");
    const old = { minDelayMs: 700, robots: false, maxPagesPerHost: 9, fetch: { perHostConnections: 3 } };
    const cfg = resolveCrawlConfig(old as object);
    expect(cfg.politeness).toMatchObject({
      minDelayMs: 700,
      robots: false,
      maxPagesPerHost: 9,
      perHostConnections: 3,
    });
    expect(cfg).not.toHaveProperty("minDelayMs");
    expect(cfg.fetch).not.toHaveProperty("perHostConnections");
    // A saved config of the old shape as the base of a resumed crawl, with a flag on top.
    const saved = { seeds: ["http://x.tj/"], scope: DEFAULT_CRAWL.scope, ...old };
    const resumed = resolveCrawlConfig({ maxPages: 5 }, saved as never);
    expect(resumed.politeness.minDelayMs).toBe(700);
    expect(() => resolveCrawlConfig({ minDelayMs: 1, politeness: { minDelayMs: 2 } } as object)).toThrow(
      /minDelayMs is set twice/,
    );
  });
});
