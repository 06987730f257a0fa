import { type Document, makeDocument } from "@soro/core";
import { decodeBody } from "./charset.js";
import { type Extracted, extractHtml } from "./extract.js";

/** A response as the page reader needs it: from the network now or from a WARC later. */
export interface PageInput {
  url: string;
  status: number;
  contentType: string | null;
  body: Buffer;
  truncated: string | null;
  fetchedAt: string;
  depth: number | null;
}

/** Whether a response is HTML (or undeclared, which old sites often are). */
export function isHtml(contentType: string | null): boolean {
  return !contentType || /text\/html|application\/xhtml\+xml/i.test(contentType);
}

/** A page read: its extraction and, when it has main text and allows indexing, its document. */
export interface PageRead {
  extracted: Extracted;
  charset: string;
  doc: Document | null;
}

/** Decodes and extracts an HTML page and makes its `web` document (null when it has no text or says noindex). */
export function readPage(p: PageInput): PageRead {
  const { text: html, charset, charsetSource } = decodeBody(p.body, p.contentType);
  const extracted = extractHtml(html);
  const text = extracted.lines.join("\n");
  const doc =
    text.length === 0 || extracted.noindex
      ? null
      : makeDocument({
          text,
          source: "web",
          url: p.url,
          fetched_at: p.fetchedAt,
          meta: {
            title: extracted.title,
            lang: extracted.lang,
            canonical: extracted.canonical,
            published: extracted.published,
            depth: p.depth,
            extract_method: extracted.method,
            extract_confidence: extracted.confidence,
            http: {
              status: p.status,
              content_type: p.contentType,
              charset,
              charset_source: charsetSource,
              bytes: p.body.length,
              truncated: p.truncated,
            },
          },
        });
  return { extracted, charset, doc };
}
