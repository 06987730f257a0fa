import http from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { udhrParagraphs } from "@soro/samples";
import { afterEach, describe, expect, it } from "vitest";
import { Fetcher } from "../src/fetcher.js";
import { runCrawl } from "../src/index.js";
import { scopeChecker } from "../src/url.js";
import { crawlDocs, tempCatalog, testConfig, testResolver } from "./helpers.js";

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server on 127.0.0.1 answering with `handle`; every path it was asked for is logged. */
async function serve(handle: (path: string, res: http.ServerResponse, origin: string) => void) {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? "");
    handle(req.url ?? "", res, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

const page = (body: string) =>
  `<!doctype html><html lang="tg"><head><title>Саҳифа</title></head><body><article>${body}</article></body></html>`;

describe("a hostile site", () => {
  it("cannot lead the crawl to another port, through a link or a robots.txt redirect, nor store junk as text", async () => {
    const p = await udhrParagraphs("tgk");
    const other = await serve((_path, res) => res.end(page(`<p>${p[5]}</p>`)));
    const site = await serve((path, res) => {
      if (path === "/robots.txt") {
        res.writeHead(302, { location: `${other.url}/robots.txt` });
        return res.end();
      }
      if (path === "/") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        return res.end(
          page(
            `<p>${p[0]}</p><p>${p[1]}</p><a href="${other.url}/">дигар</a> <a href="/bomb">a</a> <a href="/nul">b</a> <a href="/utf16">c</a> <a href="/latin">d</a>`,
          ),
        );
      }
      if (path === "/bomb") {
        res.writeHead(200, { "content-type": "text/html", "content-encoding": "gzip" });
        return res.end(gzipSync(Buffer.alloc(16 * 2 ** 20), { level: 9 }));
      }
      if (path === "/nul") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        return res.end(Buffer.concat([Buffer.from(page(`<p>${p[2]}</p>`)), Buffer.alloc(4096)]));
      }
      if (path === "/utf16") {
        res.setHeader("content-type", "text/html; charset=utf-16");
        return res.end(page(`<p>${p[3]}</p>`));
      }
      if (path === "/latin") {
        res.setHeader("content-type", "text/html; charset=windows-1251");
        return res.end(page(`<p>${p[4]}</p>`));
      }
      res.writeHead(404);
      res.end();
    });
    const c = await tempCatalog();
    try {
      await runCrawl(c, testConfig(`${site.url}/`), { resolver: testResolver });
      expect(other.asked).toEqual([]);
      const docs = await crawlDocs(c);
      expect(docs.map((d) => d.url.replace(site.url, "")).sort()).toEqual(["/", "/latin", "/utf16"]);
      expect(docs.find((d) => d.url.endsWith("/utf16"))!.text).toContain(p[3]);
      expect(docs.find((d) => d.url.endsWith("/latin"))!.text).toContain(p[4]);
      const refused = await c.rows(
        "SELECT url, outcome, error FROM crawl_fetches WHERE outcome = 'not-text' ORDER BY url",
      );
      expect(refused.map((r) => [String(r.url).replace(site.url, ""), r.error])).toEqual([
        // The 1 MiB cap stops this bomb before its ratio does; its NULs are then refused as binary.
        ["/bomb", expect.stringMatching(/decompression bomb|NUL bytes/)],
        ["/nul", expect.stringMatching(/NUL bytes/)],
      ]);
    } finally {
      c.close();
    }
  }, 60_000);

  it("gets a small cap on robots.txt whatever its content type", async () => {
    const site = await serve((_path, res) => {
      res.setHeader("content-type", "application/pdf");
      res.end(Buffer.alloc(4 * 2 ** 20, 0x41));
    });
    const fetcher = new Fetcher(testConfig(site.url).fetch, testResolver);
    try {
      const res = await fetcher.fetch(`${site.url}/robots.txt`, 512 * 1024);
      expect("body" in res && res.body.length).toBe(512 * 1024);
      expect("truncated" in res && res.truncated).toBe("length");
    } finally {
      await fetcher.close();
    }
  });

  it("keeps scope to the seed's scheme and port", () => {
    const inScope = scopeChecker({ mode: "hosts" }, ["http://127.0.0.1:19000/"]);
    expect(inScope("http://127.0.0.1:19000/a")).toBeNull();
    expect(inScope("http://127.0.0.1:19001/a")).toMatch(/out of scope/);
    expect(inScope("https://127.0.0.1:19000/a")).toMatch(/out of scope/);
    const site = scopeChecker({ mode: "domains", hosts: ["cdn.example.tj:8443"] }, ["http://www.tnu.tj/"]);
    expect(site("https://www.tnu.tj/a")).toBeNull();
    expect(site("http://lib.tnu.tj/a")).toBeNull();
    expect(site("http://lib.tnu.tj:8080/a")).toMatch(/out of scope/);
    expect(site("https://cdn.example.tj:8443/a")).toBeNull();
    expect(site("ftp://www.tnu.tj/a")).toMatch(/scheme/);
  });
});
