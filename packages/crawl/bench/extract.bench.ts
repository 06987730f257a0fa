// Main-text extraction: this package's extractor beside @mozilla/readability on linkedom, over the same gold set
// of pages (UDHR articles in Tajik inside three real-world page layouts with Tajik UI boilerplate), as pages/s
// and token F1 against the known article text, in one run.
// Run: node --import tsx packages/crawl/bench/extract.bench.ts
import { Readability } from "@mozilla/readability";
import { libreofficeTajikStrings, udhrSections } from "@soro/samples";
import { parseHTML } from "linkedom";
import { extractHtml } from "../src/index.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A gold page: its HTML and the text a perfect extractor returns. */
interface Gold {
  html: string;
  gold: string;
}

/** Builds the gold set: every UDHR section in each of three layouts. */
async function goldSet(): Promise<Gold[]> {
  const sections = await udhrSections("tgk");
  const ui = libreofficeTajikStrings()
    .map((s) => s.tg)
    .filter((t) => t.length > 4 && t.length < 40 && !/[%$~&<]/.test(t));
  const pick = (i: number, n: number) =>
    Array.from({ length: n }, (_, k) => esc(ui[(i * 7 + k * 13) % ui.length]!));
  const pages: Gold[] = [];
  sections.forEach((s, i) => {
    const body = s.paragraphs.map((p) => `<p>${esc(p)}</p>`).join("\n");
    const menu = pick(i, 8)
      .map((m, k) => `<li><a href="/c/${k}">${m}</a></li>`)
      .join("");
    const gold = [s.heading, ...s.paragraphs].join("\n");
    // A news portal: semantic tags, sidebar of related headlines, share bar, comments, cookie notice.
    pages.push({
      gold,
      html: `<!doctype html><html lang="tg"><head><title>${esc(s.heading)} | Ахбор</title></head><body>
<header><div class="logo">Ахбор</div><nav><ul>${menu}</ul></nav></header>
<div class="cookie-notice">${pick(i + 1, 2).join(" ")}</div>
<main><article><h1>${esc(s.heading)}</h1><div class="meta"><time datetime="2024-05-0${(i % 9) + 1}">0${(i % 9) + 1}.05.2024</time></div>
${body}<div class="share">${pick(i + 2, 3)
        .map((x) => `<a href="#">${x}</a>`)
        .join(" ")}</div></article>
<section class="comments"><h3>Шарҳҳо</h3>${pick(i + 3, 3)
        .map((x) => `<div class="comment"><p>${x}</p></div>`)
        .join("")}</section></main>
<aside class="sidebar"><h3>Хабарҳои дигар</h3><ul>${pick(i + 4, 6)
        .map((x, k) => `<li><a href="/n/${k}">${x}</a></li>`)
        .join("")}</ul></aside>
<footer><p>© 2024 Ахбор. ${pick(i + 5, 2).join(" ")}</p></footer></body></html>`,
    });
    // An old table-layout site: no semantic tags, menus in table cells, text in a content cell.
    pages.push({
      gold,
      html: `<html><head><title>${esc(s.heading)}</title></head><body><table width="100%"><tr><td colspan="2">${pick(
        i + 6,
        4,
      )
        .map((x) => `<a href="/m">${x}</a>`)
        .join(" | ")}</td></tr>
<tr><td width="200" valign="top">${pick(i + 7, 8)
        .map((x) => `<a href="/l">${x}</a><br>`)
        .join("")}</td><td valign="top"><h2>${esc(s.heading)}</h2>${body}</td></tr>
<tr><td colspan="2"><small>${pick(i + 8, 2).join(" · ")} © 2009</small></td></tr></table></body></html>`,
    });
    // A blog: div soup with classes, related posts and a tag cloud after the post.
    pages.push({
      gold,
      html: `<html lang="tg"><head><title>${esc(s.heading)}</title></head><body><div id="top-menu">${menu}</div>
<div class="container"><div class="post"><h2 class="post-title">${esc(s.heading)}</h2><div class="post-body">${body}</div></div>
<div class="related-posts"><h4>${pick(i + 9, 1)[0]}</h4>${pick(i + 10, 4)
        .map((x) => `<div><a href="/p">${x}</a></div>`)
        .join("")}</div>
<div class="tags">${pick(i + 11, 6)
        .map((x) => `<a href="/t">${x}</a>`)
        .join(" ")}</div></div><div id="footer">${pick(i + 12, 3).join(" ")}</div></body></html>`,
    });
  });
  return pages;
}

/** Token-level F1 of extracted text against gold (bags of words). */
function f1(got: string, gold: string): number {
  const toks = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const g = new Map<string, number>();
  for (const t of toks(gold)) g.set(t, (g.get(t) ?? 0) + 1);
  const out = toks(got);
  let hit = 0;
  for (const t of out) {
    const n = g.get(t) ?? 0;
    if (n > 0) {
      hit++;
      g.set(t, n - 1);
    }
  }
  const goldN = toks(gold).length;
  if (hit === 0) return 0;
  const p = hit / out.length;
  const r = hit / goldN;
  return (2 * p * r) / (p + r);
}

const ours = (html: string) => extractHtml(html).lines.join("\n");
const readability = (html: string) => {
  const { document } = parseHTML(html);
  return new Readability(document as never).parse()?.textContent ?? "";
};

/** Pages/s over `rounds` passes and the mean F1. */
function measure(name: string, fn: (html: string) => string, pages: Gold[], rounds: number) {
  let score = 0;
  for (const p of pages) score += f1(fn(p.html), p.gold);
  const t = performance.now();
  for (let r = 0; r < rounds; r++) for (const p of pages) fn(p.html);
  const sec = (performance.now() - t) / 1000;
  return {
    extractor: name,
    pagesPerSec: Math.round((pages.length * rounds) / sec),
    meanF1: Number((score / pages.length).toFixed(3)),
  };
}

const pages = await goldSet();
const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 5;
// Warm both up so the JIT does not favour whichever runs second.
for (const p of pages.slice(0, 20)) {
  ours(p.html);
  readability(p.html);
}
const a = measure("soro crawl extractor (cheerio/htmlparser2)", ours, pages, rounds);
const b = measure("@mozilla/readability on linkedom", readability, pages, rounds);
console.log(JSON.stringify(a));
console.log(JSON.stringify(b));
console.log(
  JSON.stringify({
    pages: pages.length,
    speedRatio: Number((a.pagesPerSec / b.pagesPerSec).toFixed(2)),
    f1Delta: Number((a.meanF1 - b.meanF1).toFixed(3)),
  }),
);
console.log("goal: speedRatio >= 3 with f1Delta >= 0");
