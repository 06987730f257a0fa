import type { Licence } from "@soro/core";
import { load } from "cheerio/slim";
import { type DomNode, pageBlocks } from "./blocks.js";
import { mainText } from "./main-text.js";
import { pageLicence } from "./page-licence.js";
import { pageMeta } from "./page-meta.js";
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
  /** The licence the page declares and what said so. */
  licence: Licence;
  /** Raw opt-out markup: meta robots content (lowercase), TDMRep meta reservation and policy. */
  robotsMeta: string;
  tdmReservation: string | null;
  tdmPolicy: string | null;
}

/** Extracts main text, title, language, canonical URL, date and links from an HTML page. */
export function extractHtml(html: string): Extracted {
  const root = load(html).root()[0] as unknown as DomNode;
  const meta = pageMeta(root);
  const { lang, robots } = meta;
  const published =
    meta.publishedMeta ?? /"datePublished"\s*:\s*"([^"]+)"/.exec(html)?.[1] ?? meta.timeDatetime;
  const blocks = pageBlocks(meta.body ?? root);
  const main = mainText(blocks);
  return {
    title: meta.title,
    lang: lang ? lang.toLowerCase().replace("_", "-") : null,
    canonical: meta.canonical,
    published,
    lines: main.kept.map((b) => b.text),
    lineKeys: main.kept.map((b) => blockKey(b.path, b.text)),
    pageKeys: blocks.map((b) => blockKey(b.path, b.text)),
    method: main.method,
    confidence: main.confidence,
    links: meta.links,
    noindex: /\b(noindex|none)\b/.test(robots),
    nofollow: /\b(nofollow|none)\b/.test(robots),
    robotsMeta: robots,
    tdmReservation: meta.tdmReservation,
    tdmPolicy: meta.tdmPolicy,
    licence: pageLicence({
      ...meta.licence,
      jsonLd: /"license"\s*:\s*"([^"]+)"/.exec(html)?.[1] ?? null,
    }),
  };
}
