import { HTML_PARAGRAPH_TAGS } from "@soro/core";
import { load } from "cheerio/slim";

/** What the extractor gets from one HTML page. */
export interface Extracted {
  title: string | null;
  lang: string | null;
  canonical: string | null;
  published: string | null;
  /** Main-text blocks (headings, paragraphs, list items), one per line. */
  lines: string[];
  /** Followable links as written (unresolved), nofollow ones left out. */
  links: string[];
  /** Whether the page asks robots not to index it or not to follow its links. */
  noindex: boolean;
  nofollow: boolean;
}

/** The DOM shape walked here (htmlparser2 nodes), kept structural so no DOM package types are needed. */
interface DomNode {
  type: string;
  name?: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

/** Elements that never hold main text. */
const DROP_TAGS = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "canvas",
  "iframe",
  "object",
  "embed",
  "form",
  "button",
  "select",
  "textarea",
  "input",
  "nav",
  "aside",
  "footer",
  "menu",
  "dialog",
]);

/** Class/id words of boilerplate containers: menus, banners, share widgets, comments, cookie notices. */
const BOILERPLATE =
  /(^|[\s_-])(nav|navbar|navigation|menu|menubar|footer|sidebar|side-bar|breadcrumbs?|cookies?|consent|gdpr|banner|share|sharing|social|comments?|disqus|related|recommended|advert|ads|adv|promo|popup|modal|subscribe|newsletter|widget|pagination|pager|tags|tagcloud|toolbar|skip|login|search)($|[\s_-])/i;

const BOILERPLATE_ROLES = new Set([
  "navigation",
  "banner",
  "contentinfo",
  "complementary",
  "search",
  "menu",
  "dialog",
]);

/** Elements that end a line of text: paragraph-level ones, plus list items, table cells and rows, and `<br>`. */
const BLOCK_TAGS = new Set([...HTML_PARAGRAPH_TAGS, "header", "li", "dt", "dd", "tr", "td", "th", "br"]);

const HEADING = /^h[1-6]$/;

/** Whether an element is boilerplate by tag, role, class or id. */
function isBoilerplate(el: DomNode): boolean {
  const name = el.name ?? "";
  if (DROP_TAGS.has(name)) return true;
  const a = el.attribs ?? {};
  if (a.hidden !== undefined || a["aria-hidden"] === "true") return true;
  if (a.role && BOILERPLATE_ROLES.has(a.role.toLowerCase())) return true;
  if (/display\s*:\s*none/i.test(a.style ?? "")) return true;
  return BOILERPLATE.test(a.class ?? "") || BOILERPLATE.test(a.id ?? "");
}

/** A line being built: its text and how much of it sits inside links (menus are mostly links). */
interface Line {
  text: string;
  linkChars: number;
  heading: boolean;
}

/** Walks the DOM into lines, skipping boilerplate subtrees. */
function linearise(root: DomNode): Line[] {
  const lines: Line[] = [];
  let cur: Line = { text: "", linkChars: 0, heading: false };
  const flush = () => {
    const text = cur.text.replace(/\s+/g, " ").trim();
    if (text) lines.push({ text, linkChars: cur.linkChars, heading: cur.heading });
    cur = { text: "", linkChars: 0, heading: false };
  };
  const walk = (node: DomNode, inLink: boolean) => {
    if (node.type === "text") {
      const t = node.data ?? "";
      cur.text += t;
      if (inLink) cur.linkChars += t.trim().length;
      return;
    }
    if (node.type !== "tag" && node.type !== "root") return;
    if (node.type === "tag" && isBoilerplate(node)) return;
    const name = node.name ?? "";
    const block = BLOCK_TAGS.has(name);
    if (block) flush();
    if (HEADING.test(name)) cur.heading = true;
    const link = inLink || name === "a";
    for (const child of node.children ?? []) walk(child, link);
    if (block) flush();
  };
  walk(root, false);
  flush();
  return lines;
}

/** Text length of a subtree's non-boilerplate lines (to choose between candidate main containers). */
function textWeight(lines: Line[]): number {
  let n = 0;
  for (const l of lines) n += l.text.length - l.linkChars;
  return n;
}

/** Whether a line reads as content: link-dense short lines are leftover menus, tiny fragments are chrome. */
function keepLine(l: Line): boolean {
  if (l.heading) return l.text.length >= 2;
  if (l.linkChars / l.text.length > 0.5) return false;
  return l.text.length >= 2;
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

  // Prefer the largest explicit main container when it carries most of the page's text.
  const body = ($("body")[0] ?? $.root()[0]) as unknown as DomNode;
  const all = linearise(body);
  let lines = all;
  const total = textWeight(all);
  let best = 0;
  for (const el of $('article, main, [role="main"], [itemprop="articleBody"]').toArray()) {
    const cand = linearise({ type: "root", children: [el as unknown as DomNode] });
    const w = textWeight(cand);
    if (w > best && w >= total * 0.4) {
      best = w;
      lines = cand;
    }
  }
  return {
    title,
    lang: lang ? lang.toLowerCase().replace("_", "-") : null,
    canonical,
    published: publishedDate($, html),
    lines: lines.filter(keepLine).map((l) => l.text),
    links,
    noindex: /\b(noindex|none)\b/.test(robots),
    nofollow: /\b(nofollow|none)\b/.test(robots),
  };
}
