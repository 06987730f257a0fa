import { load } from "cheerio/slim";
import { type DomNode, pageBlocks } from "./blocks.js";
import { mainText } from "./main-text.js";
import { blockKey } from "./site-templates.js";

/** What the extractor gets from one HTML page. */
export interface Extracted {
  title: string | null;
  lang: string | null;
  canonical: string | null;
  published: string | null;
  /** Main-text blocks (headings, paragraphs, list items), one per line. */
  lines: string[];
  /** Key (DOM path and text) of each line, and of every text block of the page, for site-template detection. */
  lineKeys: number[];
  pageKeys: number[];
  /** Which pass of the fallback chain gave the lines: the block model, the main container, or all visible text. */
  method: "blocks" | "container" | "visible" | "none";
  /** How sure the chosen pass is that the lines are the page's main text, 0..1. */
  confidence: number;
  /** Followable links as written (unresolved), nofollow ones left out. */
  links: string[];
  /** Whether the page asks robots not to index it or not to follow its links. */
  noindex: boolean;
  nofollow: boolean;
}

/** First non-empty attribute value among the elements a selector matches. */
function firstAttr($: ReturnType<typeof load>, selector: string, attr: string): string | null {
  for (const el of $(selector).toArray()) {
    const v = (el as unknown as DomNode).attribs?.[attr]?.trim();
    if (v) return v;
  }
  return null;
}

/** Publication date from article meta tags, `<time datetime>` or JSON-LD. */
function publishedDate($: ReturnType<typeof load>, html: string): string | null {
  const meta = firstAttr(
    $,
    'meta[property="article:published_time"], meta[name="article:published_time"], meta[itemprop="datePublished"], meta[name="pubdate"], meta[name="publishdate"], meta[name="date"], meta[name="DC.date.issued"], meta[name="dcterms.created"]',
    "content",
  );
  if (meta) return meta;
  const ld = /"datePublished"\s*:\s*"([^"]+)"/.exec(html);
  if (ld) return ld[1]!;
  return firstAttr($, "article time[datetime], time[pubdate][datetime], time[datetime]", "datetime");
}

/** Extracts main text, title, language, canonical URL, date and links from an HTML page. */
export function extractHtml(html: string): Extracted {
  const $ = load(html);
  const robots = ($('meta[name="robots"]').attr("content") ?? "").toLowerCase();
  const links: string[] = [];
  for (const a of $("a[href], area[href]").toArray()) {
    const attrs = (a as unknown as DomNode).attribs ?? {};
    if (/\bnofollow\b/i.test(attrs.rel ?? "")) continue;
    links.push(attrs.href!);
  }
  const title =
    firstAttr($, 'meta[property="og:title"]', "content") ??
    ($("title").first().text().replace(/\s+/g, " ").trim() || null) ??
    ($("h1").first().text().trim() || null);
  const lang =
    firstAttr($, "html", "lang") ??
    firstAttr($, 'meta[http-equiv="content-language" i]', "content") ??
    firstAttr($, 'meta[property="og:locale"]', "content");
  const canonical = firstAttr($, 'link[rel="canonical" i]', "href");

  const body = ($("body")[0] ?? $.root()[0]) as unknown as DomNode;
  const blocks = pageBlocks(body);
  const main = mainText(blocks);
  return {
    title,
    lang: lang ? lang.toLowerCase().replace("_", "-") : null,
    canonical,
    published: publishedDate($, html),
    lines: main.kept.map((b) => b.text),
    lineKeys: main.kept.map((b) => blockKey(b.path, b.text)),
    pageKeys: blocks.map((b) => blockKey(b.path, b.text)),
    method: main.method,
    confidence: main.confidence,
    links,
    noindex: /\b(noindex|none)\b/.test(robots),
    nofollow: /\b(nofollow|none)\b/.test(robots),
  };
}
