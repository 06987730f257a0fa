import { binaryReason, type Document, makeDocument } from "@soro/core";
import { decodeBody } from "./charset.js";
import { type Extracted, extractHtml } from "./extract.js";
import type { SiteTemplates } from "./site-templates.js";
import { hostKey } from "./url.js";

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
  /** Why the body is not kept as text (a decompression bomb, binary bytes), or null. */
  notText: string | null;
}

/** At most this many removed template lines are named in a document's meta. */
const NAMED_TEMPLATE_LINES = 10;

/**
 * Decodes and extracts an HTML page and makes its `web` document (null when it has no text or says noindex). With
 * `templates`, lines that an earlier page of the same host showed at the same DOM path are cut (rule
 * `site_template`, named in the document's meta), unless that would cut every line (a duplicate page is dedup's).
 */
export function readPage(
  p: PageInput,
  templates?: SiteTemplates,
  opts: { keepNoindex?: boolean } = {},
): PageRead {
  const { text: html, charset, charsetSource } = decodeBody(p.body, p.contentType);
  // The bytes ingest would refuse as binary are no page either (UTF-16 has NULs by design: its text is checked).
  const notText =
    p.truncated === "ratio"
      ? "compressed body inflates past the ratio limit (a decompression bomb?)"
      : charset.startsWith("utf-16")
        ? binaryReason(Buffer.from(html.slice(0, 65_536)))
        : binaryReason(p.body.subarray(0, 65_536));
  const extracted = extractHtml(notText ? "" : html);
  const repeated =
    templates?.templateLines(hostKey(p.url), extracted.lineKeys, extracted.pageKeys) ?? new Set<number>();
  const cut = repeated.size < extracted.lines.length ? repeated : new Set<number>();
  const text = extracted.lines.filter((_, i) => !cut.has(i)).join("\n");
  const doc =
    notText || text.length === 0 || (extracted.noindex && !opts.keepNoindex)
      ? null
      : makeDocument({
          text,
          source: "web",
          url: p.url,
          fetched_at: p.fetchedAt,
          licence: extracted.licence.licence,
          licence_evidence: extracted.licence.evidence,
          meta: {
            title: extracted.title,
            lang: extracted.lang,
            canonical: extracted.canonical,
            published: extracted.published,
            depth: p.depth,
            extract_method: extracted.method,
            extract_confidence: extracted.confidence,
            ...(cut.size > 0 && {
              boilerplate_removed: [...cut].slice(0, NAMED_TEMPLATE_LINES).map((i) => ({
                rule: "site_template",
                line: extracted.lines[i],
              })),
              boilerplate_removed_lines: cut.size,
            }),
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
  return { extracted, charset, doc, notText };
}
