import path from "node:path";
import type { SourceItem } from "@soro/core";
import * as cheerio from "cheerio";
import { docItem, inflateBudget, type ReaderContext } from "../context.js";
import { type InflateBudget, readAll, zipFiles } from "../input.js";
import { extractHtml } from "./html.js";

/** A chapter of an EPUB: its spine entry and text. */
interface Chapter {
  href: string;
  title: string | null;
  text: string;
}

/** The book's title, language and chapters in reading (spine) order, from an EPUB's bytes. */
export async function readEpubBook(
  bytes: Buffer,
  budget: InflateBudget,
): Promise<{ title: string | null; language: string | null; author: string | null; chapters: Chapter[] }> {
  const files = await zipFiles(
    bytes,
    (n) => !/\.(png|jpe?g|gif|svg|ttf|otf|woff2?|css|mp3|mp4)$/i.test(n),
    budget,
  );
  const container = files.get("META-INF/container.xml");
  if (!container) throw new Error("not an EPUB (no META-INF/container.xml)");
  const opfPath = cheerio.load(container.toString("utf8"), { xml: true })("rootfile").attr("full-path");
  const opfBytes = opfPath ? files.get(opfPath) : undefined;
  if (!opfPath || !opfBytes) throw new Error(`not an EPUB (package document ${opfPath ?? "?"} missing)`);
  const opf = cheerio.load(opfBytes.toString("utf8"), { xml: true });
  const base = path.posix.dirname(opfPath);
  const manifest = new Map<string, string>();
  opf("manifest > item").each((_, el) => {
    const id = opf(el).attr("id");
    const href = opf(el).attr("href");
    if (id && href) manifest.set(id, decodeURIComponent(href));
  });
  const chapters: Chapter[] = [];
  opf("spine > itemref").each((_, el) => {
    const href = manifest.get(opf(el).attr("idref") ?? "");
    if (!href) return;
    const full = base === "." ? href : path.posix.join(base, href);
    const xhtml = files.get(full);
    if (!xhtml) return;
    const page = extractHtml(xhtml.toString("utf8"));
    if (page.text !== "") chapters.push({ href: full, title: page.title, text: page.text });
  });
  const dc = (name: string) => opf(`dc\\:${name}`).first().text().trim() || null;
  return { title: dc("title"), language: dc("language"), author: dc("creator"), chapters };
}

/** Documents from an EPUB: one per book (chapters joined) or one per chapter, as configured. */
export async function* readEpub(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const bytes = await readAll(ctx.input, ctx.limits.maxFileBytes);
  let book: Awaited<ReturnType<typeof readEpubBook>>;
  try {
    book = await readEpubBook(bytes, inflateBudget(ctx.limits));
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.startsWith("not an EPUB") ? msg : `not a readable EPUB: ${msg}`);
  }
  if (book.chapters.length === 0) {
    yield { bad: { input: ctx.input.name, reason: "EPUB without text in its spine" } };
    return;
  }
  const meta: Record<string, unknown> = { format: "epub" };
  if (book.title) meta.title = book.title;
  if (book.author) meta.author = book.author;
  if (book.language) meta.epub_language = book.language;
  if (ctx.epub === "book") {
    yield docItem(ctx, book.chapters.map((c) => c.text).join("\n\n"), ctx.input.name, meta);
    return;
  }
  for (const [i, c] of book.chapters.entries())
    yield docItem(ctx, c.text, `${ctx.input.name}#${c.href}`, {
      ...meta,
      chapter: i + 1,
      ...(c.title ? { chapter_title: c.title } : {}),
    });
}
