import { rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { udhrSections } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_OPT_OUT,
  namedAiAgents,
  pageOptOut,
  parseTdmRep,
  robotsDirectives,
  runCrawl,
  tdmRuleFor,
} from "../src/index.js";
import { crawlDocs, tempCatalog, testConfig, testResolver } from "./helpers.js";

describe("opt-out signals (pure)", () => {
  it("reads robots directives for this crawler only, TDMRep rules and AI crawler groups", () => {
    expect([...robotsDirectives(["noindex, nofollow"], "soro-data-crawler")]).toEqual([
      "noindex",
      "nofollow",
    ]);
    expect([
      ...robotsDirectives(["googlebot: noindex", "otherbot: noai, noimageai"], "soro-data-crawler"),
    ]).toEqual([]);
    expect([
      ...robotsDirectives(["soro-data-crawler: noai", "unavailable_after: 2030-01-01"], "soro-data-crawler"),
    ]).toEqual(["noai", "unavailable_after:"]);
    const rules = parseTdmRep(
      '[{"location":"/news/*","tdm-reservation":1,"tdm-policy":"https://x.tj/p.json"},{"location":"/*","tdm-reservation":0}]',
    );
    expect(tdmRuleFor(rules, "https://x.tj/news/1")).toMatchObject({
      reservation: true,
      policy: "https://x.tj/p.json",
    });
    expect(tdmRuleFor(rules, "https://x.tj/about")).toMatchObject({ reservation: false });
    expect(parseTdmRep("<html>not json</html>")).toEqual([]);
    expect(
      namedAiAgents("User-agent: gptbot\nDisallow: /\nUser-Agent: CCBot # no\nUser-agent: *\nAllow: /"),
    ).toEqual(["GPTBot", "CCBot"]);
  });

  it("a page's own TDMRep value overrides the site file, and a policy that honours nothing still records", () => {
    const base = {
      xRobotsTag: [],
      metaRobots: "",
      tdmHeader: null,
      tdmMeta: null,
      tdmPolicy: null,
      tdmFile: null,
    };
    const file = { location: "/*", reservation: true, policy: null };
    expect(pageOptOut({ ...base, tdmFile: file }, DEFAULT_OPT_OUT, "a").refused).toBe(
      "tdm-reservation (tdmrep.json)",
    );
    expect(pageOptOut({ ...base, tdmFile: file, tdmMeta: "0" }, DEFAULT_OPT_OUT, "a").refused).toBeNull();
    const none = { noindex: false, noai: false, noimageai: false, tdm: false, aiRobots: false };
    const v = pageOptOut({ ...base, xRobotsTag: ["noai"], tdmHeader: "1" }, none, "a");
    expect(v).toEqual({ seen: { "x-robots-tag": "noai", "tdm-reservation-header": "1" }, refused: null });
  });
});

/** A loopback site whose pages each show one opt-out signal (or none), with real Tajik text. */
async function optOutSite(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const sections = await udhrSections("tgk");
  const hits: string[] = [];
  const pages: Record<string, { headers?: Record<string, string>; head?: string }> = {
    "/open": {},
    "/x-noai": { headers: { "x-robots-tag": "noai" } },
    "/x-other-bot": { headers: { "x-robots-tag": "googlebot: noindex" } },
    "/meta-noai": { head: '<meta name="robots" content="noai, noimageai">' },
    "/meta-noimageai": { head: '<meta name="robots" content="noimageai">' },
    "/tdm-header": { headers: { "tdm-reservation": "1", "tdm-policy": "https://example.tj/policy.json" } },
    "/tdm-meta": { head: '<meta name="tdm-reservation" content="1">' },
    "/reserved/a": {},
    "/ai-closed/a": {},
  };
  const links = Object.keys(pages)
    .map((p) => `<a href="${p}">${p}</a>`)
    .join(" ");
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    hits.push(url);
    if (url === "/robots.txt") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("User-agent: GPTBot\nDisallow: /ai-closed/\n\nUser-agent: *\nAllow: /\n");
      return;
    }
    if (url === "/.well-known/tdmrep.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('[{"location":"/reserved/*","tdm-reservation":1}]');
      return;
    }
    const p = url === "/" ? { head: "" } : pages[url];
    if (!p) {
      res.writeHead(404).end();
      return;
    }
    const s = sections[(Object.keys(pages).indexOf(url) + 1) % sections.length]!;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...p.headers });
    res.end(
      `<!doctype html><html lang="tg"><head><meta charset="utf-8"><title>${s.heading}</title>${p.head ?? ""}</head><body><main><h1>${s.heading}</h1>${s.paragraphs.map((x) => `<p>${x}</p>`).join("")}</main><footer>${url === "/" ? links : ""}</footer></body></html>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("opt-out signals at crawl time", () => {
  it("honours noai, TDMRep and AI crawler groups by default, records every signal seen, and keeps the rest", async () => {
    const site = await optOutSite();
    const c = await tempCatalog();
    try {
      await runCrawl(c, testConfig(`${site.url}/`, { sitemaps: false }), { resolver: testResolver });
      const kept = (await crawlDocs(c)).map((d) => new URL(d.url).pathname).sort();
      expect(kept).toEqual(["/", "/meta-noimageai", "/open", "/x-other-bot"]);
      // An AI crawler group's Disallow is never fetched.
      expect(site.hits).not.toContain("/ai-closed/a");
      const [closed] = await c.rows(
        `SELECT status, reason FROM crawl_frontier WHERE url LIKE '%/ai-closed/a'`,
      );
      expect(closed).toEqual({ status: "skipped", reason: "opt-out: robots.txt GPTBot" });
      const log = Object.fromEntries(
        (await c.rows(`SELECT url, outcome, opt_out FROM crawl_fetches WHERE kind = 'page'`)).map((r) => [
          new URL(String(r.url)).pathname,
          { outcome: r.outcome, seen: r.opt_out === null ? null : JSON.parse(String(r.opt_out)) },
        ]),
      );
      expect(log["/x-noai"]).toEqual({
        outcome: "opt-out: noai (x-robots-tag)",
        seen: { "x-robots-tag": "noai" },
      });
      expect(log["/meta-noai"]!.outcome).toBe("opt-out: noai (meta robots)");
      expect(log["/tdm-header"]).toEqual({
        outcome: "opt-out: tdm-reservation (header)",
        seen: { "tdm-reservation-header": "1", "tdm-policy": "https://example.tj/policy.json" },
      });
      expect(log["/tdm-meta"]!.outcome).toBe("opt-out: tdm-reservation (meta)");
      expect(log["/reserved/a"]).toEqual({
        outcome: "opt-out: tdm-reservation (tdmrep.json)",
        seen: { "tdmrep.json": "/reserved/*: 1" },
      });
      expect(log["/meta-noimageai"]).toEqual({ outcome: "document", seen: { "meta-robots": "noimageai" } });
      expect(log["/x-other-bot"]!.seen).toEqual({ "x-robots-tag": "googlebot: noindex" });
      const [tdm] = await c.rows(`SELECT outcome, opt_out FROM crawl_fetches WHERE url LIKE '%tdmrep.json'`);
      expect(tdm!.outcome).toBe("tdmrep");
    } finally {
      c.close();
      rmSync(c.ws.dir, { recursive: true, force: true });
      await site.close();
    }
  });

  it("keeps every page when the config honours no signal, still recording what it saw", async () => {
    const site = await optOutSite();
    const c = await tempCatalog();
    try {
      const optOut = { noindex: false, noai: false, noimageai: false, tdm: false, aiRobots: false };
      await runCrawl(c, testConfig(`${site.url}/`, { sitemaps: false, optOut }), { resolver: testResolver });
      expect((await crawlDocs(c)).length).toBe(10);
      expect(site.hits).not.toContain("/.well-known/tdmrep.json");
      const [seen] = await c.rows(`SELECT opt_out FROM crawl_fetches WHERE url LIKE '%/x-noai'`);
      expect(JSON.parse(String(seen!.opt_out))).toEqual({ "x-robots-tag": "noai" });
    } finally {
      c.close();
      rmSync(c.ws.dir, { recursive: true, force: true });
      await site.close();
    }
  });
});
