import { rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { runCrawl } from "../src/index.js";
import { tempCatalog, testConfig, testResolver } from "./helpers.js";

/** Five host names on one loopback server: h0.test/ links to h1.test/, and so on; h4.test/ links back to h0.test/again. */
async function ringOfHosts(): Promise<{ port: number; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? "").split(":")[0]!;
    hits.push(`${host}${req.url}`);
    if (req.url === "/robots.txt") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("User-agent: *\nAllow: /\n");
      return;
    }
    const n = Number(/^h(\d)\./.exec(host)?.[1] ?? 0);
    const next = n === 4 ? "h0.test/again" : `h${n + 1}.test/`;
    const { port } = server.address() as AddressInfo;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="tg"><body><article><p>Ҳар инсон ҳақ дорад. Саҳифаи ${n}.</p></article><a href="http://${next.replace("/", `:${port}/`)}">next</a></body></html>`,
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    hits,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe("hosts in memory", () => {
  it("drop idle hosts beyond the limit, reading robots.txt again on return and keeping the per-host cap", async () => {
    const ring = await ringOfHosts();
    const c = await tempCatalog();
    try {
      const cfg = testConfig(`http://h0.test:${ring.port}/`, {
        scope: { mode: "any" },
        sitemaps: false,
        politeness: { maxPagesPerHost: 1 },
        idleHosts: 1,
      });
      await runCrawl(c, cfg, { resolver: testResolver });
      expect(ring.hits.filter((h) => h.startsWith("h0.test/robots.txt"))).toHaveLength(2);
      for (let n = 1; n < 5; n++) expect(ring.hits).toContain(`h${n}.test/`);
      // h0 was dropped before its second link came: its page count still stops the second page.
      expect(ring.hits).not.toContain("h0.test/again");
      const [again] = await c.rows("SELECT status, reason FROM crawl_frontier WHERE url LIKE '%/again'");
      expect(again).toEqual({ status: "skipped", reason: "host-page-limit" });
    } finally {
      c.close();
      rmSync(c.ws.dir, { recursive: true, force: true });
      await ring.close();
    }
  });
});
