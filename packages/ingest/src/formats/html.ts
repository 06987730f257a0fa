import { HTML_PARAGRAPH_TAGS, type SourceItem } from "@soro/core";
import * as cheerio from "cheerio";
import iconv from "iconv-lite";
import { docItem, type ReaderContext, tidy } from "../context.js";
import { bomEncoding, RecordDecoder, utf16Order } from "../encoding.js";
import { readAll } from "../input.js";

type DomNode = ReturnType<ReturnType<cheerio.CheerioAPI["root"]>["contents"]>[number];

/** Elements that are never main text. */
const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "svg",
  "iframe",
  "object",
  "form",
  "button",
  "select",
  "nav",
  "aside",
  "footer",
  "header",
  "head",
  "title",
]);
/** Elements that end a paragraph (blank line) or a line. */
const PARAGRAPH = new Set([...HTML_PARAGRAPH_TAGS, "body"]);
const LINE = new Set(["li", "tr", "dt", "dd", "br", "caption"]);

/** Paragraph text of an element's subtree: block elements become line breaks, inline runs join with spaces. */
export function nodeText(node: DomNode): string {
  const out: string[] = [];
  const walk = (n: DomNode): void => {
    if (n.type === "text") {
      out.push((n as unknown as { data: string }).data.replace(/\s+/g, " "));
      return;
    }
    if (!("name" in n) || !("children" in n)) return;
    const name = (n.name as string).toLowerCase().replace(/^.*:/, "");
    if (SKIP.has(name)) return;
    const brk = PARAGRAPH.has(name)
      ? "\n\n"
      : LINE.has(name)
        ? "\n"
        : name === "td" || name === "th"
          ? " "
          : "";
    out.push(brk);
    for (const c of n.children as DomNode[]) walk(c);
    out.push(brk);
  };
  walk(node);
  return tidy(
    out
      .join("")
      .replace(/[ \t]*\n[ \t]*/g, "\n")
      .replace(/ {2,}/g, " "),
  );
}

/** The main text and title of an HTML page: `<main>` or a lone `<article>` when there is one, else the body. */
export function extractHtml(html: string): { title: string | null; text: string; lang: string | null } {
  const $ = cheerio.load(html);
  const title = $("title").first().text().trim() || $("h1").first().text().trim() || null;
  const articles = $("article");
  const main = $("main").first();
  const root = main.length
    ? main
    : articles.length === 1
      ? articles
      : $("body").length
        ? $("body")
        : $.root();
  const lang = $("html").attr("lang") ?? null;
  return { title, text: nodeText(root[0] as DomNode), lang };
}

/** The charset an HTML or XML file declares in its first bytes, if any. */
export function declaredCharset(head: Buffer): string | null {
  const ascii = head.subarray(0, 2048).toString("latin1");
  const m =
    /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(ascii) ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w-]+)/i.exec(ascii);
  return m?.[1] ?? null;
}

/**
 * One document from an HTML file: its main text, title and `lang` recorded in meta. The page is decoded as one
 * record (see RecordDecoder): UTF-16 by its BOM or shape, UTF-8 when valid, else its declared charset or the
 * evidence of its words; a page nothing reads is quarantined.
 */
export async function* readHtml(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const bytes = await readAll(ctx.input, ctx.limits.maxFileBytes);
  const label = declaredCharset(bytes);
  const bom = bomEncoding(bytes);
  const utf16 = bom?.startsWith("utf-16") ? bom : utf16Order(bytes);
  const decoded = utf16
    ? { text: iconv.decode(bytes, utf16), encoding: utf16, badBytes: 0 }
    : new RecordDecoder(label).decode(bytes, 0);
  if (typeof decoded === "string") {
    yield { bad: { input: ctx.input.name, reason: decoded } };
    return;
  }
  const page = extractHtml(decoded.text);
  if (page.text === "") {
    yield { bad: { input: ctx.input.name, reason: "HTML page without text" } };
    return;
  }
  yield docItem(ctx, page.text, ctx.input.name, {
    format: "html",
    encoding: decoded.encoding,
    bad_bytes: decoded.badBytes,
    ...(page.title ? { title: page.title } : {}),
    ...(page.lang ? { html_lang: page.lang } : {}),
  });
}
