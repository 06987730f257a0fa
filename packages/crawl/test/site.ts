import http from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { libreofficeTajikStrings, type UdhrSection, udhrSections } from "@soro/samples";

/** A local Tajik test site on 127.0.0.1 with the traps a real crawl meets. */
export interface TestSite {
  url: string;
  /** Requests per path (with query), counted as they arrive. */
  hits: Map<string, number>;
  /** Arrival times (epoch ms) per path. */
  times: Map<string, number[]>;
  /** The UDHR sections served as articles (index = article number - 1). */
  sections: UdhrSection[];
  close(): Promise<void>;
}

/** Options of the test site. */
export interface SiteOptions {
  /** Crawl-delay written in robots.txt (seconds; 0 leaves it out). */
  crawlDelay?: number;
  /** Articles served (UDHR tgk sections). */
  articles?: number;
  /** Milliseconds every page waits before answering (to kill a crawl mid-way). */
  latencyMs?: number;
  /** robots.txt answers 503 this many times before answering. */
  robots503?: number;
}

/** Tajik text typed without Tajik letters, as old windows-1251 sites carry it (cp1251 has no ҳ ҷ қ ғ ӣ ӯ). */
export function withoutTajikLetters(s: string): string {
  const map: Record<string, string> = {
    ҳ: "х",
    Ҳ: "Х",
    ҷ: "ч",
    Ҷ: "Ч",
    қ: "к",
    Қ: "К",
    ғ: "г",
    Ғ: "Г",
    ӯ: "у",
    Ӯ: "У",
    ӣ: "и",
    Ӣ: "И",
  };
  return s.replace(/[ҳҲҷҶқҚғҒӯӮӣӢ]/g, (c) => map[c]!);
}

/** Encodes text in a single-byte charset by inverting the WHATWG decoder's table. */
export function encodeSingleByte(text: string, charset: string): Buffer {
  const dec = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(dec.decode(Uint8Array.of(b)), b);
  return Buffer.from([...text].map((c) => table.get(c) ?? 0x3f));
}

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A page with real boilerplate around an article: menu, cookie banner, share widget, comments, footer. */
function page(opts: {
  title: string;
  body: string;
  menu: string[];
  extraHead?: string;
  lang?: string;
}): string {
  const nav = opts.menu.map((m, i) => `<li><a href="/article/${i + 1}">${esc(m)}</a></li>`).join("");
  return `<!doctype html><html lang="${opts.lang ?? "tg"}"><head><meta charset="utf-8"><title>${esc(opts.title)}</title>${opts.extraHead ?? ""}</head>
<body><header class="site-header"><a href="/" class="logo">Хабарнигор</a><nav class="main-menu"><ul>${nav}</ul></nav></header>
<div id="cookie-banner" class="cookie-consent">${esc(opts.menu[0] ?? "")}: <button>OK</button></div>
<div class="layout"><aside class="sidebar"><ul>${nav}</ul></aside>
<main>${opts.body}</main>
<div class="share-buttons"><a href="https://facebook.example/share">Facebook</a> <a href="https://t.example/share">Telegram</a></div>
<section class="comments"><h3>Шарҳҳо</h3><p>${esc(opts.menu[1] ?? "")}</p></section></div>
<footer class="site-footer"><p>© 2024 Хабарнигор. ${esc(opts.menu[2] ?? "")}</p><a href="/private/secret">${esc(opts.menu[3] ?? "")}</a></footer></body></html>`;
}

/** The article body of one UDHR section: heading, paragraphs, and links on to other articles. */
function articleBody(s: UdhrSection, n: number, total: number): string {
  const next =
    n < total
      ? `<p class="more"><a href="/article/${n + 1}?utm_source=site">${esc(s.heading)} →</a></p>`
      : "";
  return `<article><h1>${esc(s.heading)}</h1>${s.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("")}${next}</article>`;
}

/** Starts the test site on 127.0.0.1 at a free port. */
export async function startTestSite(opts: SiteOptions = {}): Promise<TestSite> {
  const sections = (await udhrSections("tgk")).slice(0, opts.articles ?? 12);
  const ui = libreofficeTajikStrings()
    .map((s) => s.tg)
    .filter((t) => t.length > 3 && t.length < 25 && !/[%$~&<]/.test(t));
  const menu = ui.slice(40, 48);
  const hits = new Map<string, number>();
  const times = new Map<string, number[]>();
  let robots503 = opts.robots503 ?? 0;
  let busyServed = false;
  const n = sections.length;
  const home = page({
    title: "Хабарнигор — саҳифаи асосӣ",
    menu,
    body: `<h1>Эъломияи умумии ҳуқуқи башар</h1><ul class="list">${sections
      .slice(0, 3)
      .map((s, i) => `<li><a href="/article/${i + 1}">${esc(s.heading)}</a></li>`)
      .join("")}</ul>
      <p>${esc(sections[0]!.paragraphs[0]!)}</p>
      <p><a href="/old">old</a> <a href="/loop/a">loop</a> <a href="/redir/metadata">m</a> <a href="/redir/private">p</a>
      <a href="/redir/dns">d</a> <a href="/cp1251">cp</a> <a href="/koi8">koi</a> <a href="/slow">slow</a> <a href="/bomb">bomb</a>
      <a href="/busy">busy</a> <a href="/brotli">br</a> <a href="/deflate">df</a> <a href="/chain/0">chain</a> <a href="/doc.pdf">pdf</a> <a href="/dup">dup</a> <a href="/nofollow" rel="nofollow">nf</a>
      <a href="/article/1?utm_medium=x#top">again</a></p>`,
  });
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    hits.set(url, (hits.get(url) ?? 0) + 1);
    times.set(url, [...(times.get(url) ?? []), Date.now()]);
    const send = (status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
      const go = () => {
        if (res.destroyed) return;
        res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers });
        res.end(body);
      };
      if (opts.latencyMs) setTimeout(go, opts.latencyMs);
      else go();
    };
    const path = url.split("?")[0]!;
    const art = /^\/article\/(\d+)$/.exec(path);
    if (path === "/robots.txt") {
      if (robots503 > 0) {
        robots503--;
        return send(503, "busy", { "retry-after": "1", "content-type": "text/plain" });
      }
      const delay = opts.crawlDelay ? `Crawl-delay: ${opts.crawlDelay}\n` : "";
      return send(
        200,
        `User-agent: *\nDisallow: /private/\n${delay}Sitemap: http://${req.headers.host}/sitemap_index.xml\n`,
        {
          "content-type": "text/plain",
        },
      );
    }
    if (path === "/sitemap_index.xml")
      return send(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://${req.headers.host}/sitemap-articles.xml.gz</loc></sitemap></sitemapindex>`,
        { "content-type": "application/xml" },
      );
    if (path === "/sitemap-articles.xml.gz") {
      // The sitemap is the only way to the last articles: the home page links only the first three.
      const locs = sections
        .map((_s, i) => `<url><loc>http://${req.headers.host}/article/${i + 1}</loc></url>`)
        .join("");
      return send(
        200,
        gzipSync(
          `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`,
        ),
        {
          "content-type": "application/gzip",
        },
      );
    }
    if (path === "/sitemap.xml") return send(404, "not here");
    if (path === "/") return send(200, home);
    if (art) {
      const i = Number(art[1]);
      if (i < 1 || i > n) return send(404, "нест");
      const s = sections[i - 1]!;
      const head = `<meta property="article:published_time" content="2024-0${(i % 9) + 1}-10T08:00:00+05:00"><link rel="canonical" href="/article/${i}">`;
      return send(200, page({ title: s.heading, body: articleBody(s, i, n), menu, extraHead: head }));
    }
    if (path === "/dup")
      return send(
        200,
        page({
          title: "dup",
          body: articleBody(sections[0]!, 1, n),
          menu,
          extraHead: '<link rel="canonical" href="/article/1">',
        }),
      );
    if (path === "/old") return send(301, "", { location: "/article/2" });
    if (path === "/loop/a") return send(302, "", { location: "/loop/b" });
    if (path === "/loop/b") return send(302, "", { location: "/loop/a" });
    if (path === "/redir/metadata")
      return send(302, "", { location: "http://169.254.169.254/latest/meta-data/" });
    if (path === "/redir/private") return send(302, "", { location: "http://10.20.30.40/admin" });
    if (path === "/redir/dns")
      return send(302, "", { location: `http://intranet.test:${(server.address() as AddressInfo).port}/` });
    if (path === "/private/secret") return send(200, page({ title: "secret", body: "<p>махфӣ</p>", menu }));
    if (path === "/cp1251") {
      const s = sections[3]!;
      const html = `<html lang="tg"><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>${esc(withoutTajikLetters(s.heading))}</title></head><body><article><h1>${esc(withoutTajikLetters(s.heading))}</h1>${s.paragraphs.map((p) => `<p>${esc(withoutTajikLetters(p))}</p>`).join("")}</article></body></html>`;
      return send(200, encodeSingleByte(html, "windows-1251"), { "content-type": "text/html" });
    }
    if (path === "/koi8") {
      const s = sections[4]!;
      const html = `<html><head><title>koi8</title></head><body><article><h1>${esc(withoutTajikLetters(s.heading))}</h1>${s.paragraphs.map((p) => `<p>${esc(withoutTajikLetters(p))}</p>`).join("")}</article></body></html>`;
      return send(200, encodeSingleByte(html, "koi8-r"), { "content-type": "text/html" });
    }
    if (path === "/slow") {
      // Slow loris: headers at once, then one byte every 200 ms, never ending.
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write(" ")), 200);
      res.on("close", () => clearInterval(t));
      return;
    }
    if (path === "/brotli")
      return send(
        200,
        brotliCompressSync(page({ title: "br", body: articleBody(sections[6]!, 7, n), menu })),
        { "content-encoding": "br" },
      );
    if (path === "/deflate")
      return send(200, deflateSync(page({ title: "deflate", body: articleBody(sections[7]!, 8, n), menu })), {
        "content-encoding": "deflate",
      });
    const chain = /^\/chain\/(\d+)$/.exec(path);
    if (chain) return send(302, "", { location: `/chain/${Number(chain[1]) + 1}` });
    if (path === "/bomb")
      return send(200, gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20)), { "content-encoding": "gzip" });
    if (path === "/busy") {
      if (!busyServed) {
        busyServed = true;
        return send(429, "slow down", { "retry-after": "1" });
      }
      return send(200, page({ title: "busy", body: articleBody(sections[5]!, 6, n), menu }));
    }
    if (path === "/doc.pdf")
      return send(200, Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), {
        "content-type": "application/pdf",
      });
    return send(404, page({ title: "404", body: "<p>Саҳифа ёфт нашуд</p>", menu }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits,
    times,
    sections,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
