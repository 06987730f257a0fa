import type { DomNode } from "./blocks.js";
import { COPYRIGHT_NAMES, LICENCE_PROPERTIES, type LicenceSignals, relSaysLicence } from "./page-licence.js";

/** What a page says about itself outside its text, gathered in one walk over the DOM. */
export interface PageMeta {
  body: DomNode | null;
  /** `<meta name="robots">` content, lowercased ("" when absent). */
  robots: string;
  /** Followable links as written (unresolved), nofollow ones left out. */
  links: string[];
  title: string | null;
  lang: string | null;
  canonical: string | null;
  /** Date from article meta tags or `<time datetime>` (JSON-LD is read from the HTML by the caller). */
  publishedMeta: string | null;
  timeDatetime: string | null;
  /** TDMRep's `<meta name="tdm-reservation">` and `tdm-policy` content (null when absent). */
  tdmReservation: string | null;
  tdmPolicy: string | null;
  /** Licence links, statements and the copyright notice (JSON-LD is read from the HTML by the caller). */
  licence: Omit<LicenceSignals, "jsonLd">;
}

const PUBLISHED_NAMES = new Set([
  "article:published_time",
  "pubdate",
  "publishdate",
  "date",
  "DC.date.issued",
  "dcterms.created",
]);

/** Text of a subtree, as cheerio's `.text()` gives it. */
function textOf(node: DomNode): string {
  if (node.type === "text") return node.data ?? "";
  let s = "";
  for (const c of node.children ?? []) s += textOf(c);
  return s;
}

const nonEmpty = (v: string | undefined) => {
  const t = v?.trim();
  return t ? t : null;
};

/** Gathers the page's metadata and links (first match in document order for each, as a selector query would). */
export function pageMeta(root: DomNode): PageMeta {
  let body: DomNode | null = null;
  let robots: string | null = null;
  const links: string[] = [];
  let ogTitle: string | null = null;
  let titleEl: DomNode | null = null;
  let h1: DomNode | null = null;
  let htmlLang: string | null = null;
  let contentLanguage: string | null = null;
  let ogLocale: string | null = null;
  let canonical: string | null = null;
  let publishedMeta: string | null = null;
  let timeDatetime: string | null = null;
  const licence: PageMeta["licence"] = { links: [], statements: [], copyright: null };
  let tdmReservation: string | null = null;
  let tdmPolicy: string | null = null;
  const walk = (node: DomNode) => {
    const name = node.name;
    const a = node.attribs;
    if (name && a) {
      if ((name === "a" || name === "link" || name === "area") && relSaysLicence(a.rel) && a.href)
        licence.links.push(a.href);
      // rel="license" is a link (above); RDFa's rel="cc:license" and property/meta names are statements.
      const said = [
        a.property,
        a.rel?.replace(/(^|\s)license(?=\s|$)/gi, " "),
        name === "meta" ? a.name : undefined,
      ]
        .flatMap((v) => v?.toLowerCase().split(/\s+/) ?? [])
        .find((v) => LICENCE_PROPERTIES.has(v));
      const value = a.href ?? a.resource ?? a.content;
      if (said && value) licence.statements.push({ name: said, value });
      if (name === "meta") {
        const content = a.content;
        if (a.name === "robots" && robots === null) robots = content ?? "";
        const metaName = a.name?.toLowerCase();
        if (metaName && COPYRIGHT_NAMES.has(metaName)) licence.copyright ??= nonEmpty(content);
        if (metaName === "tdm-reservation") tdmReservation ??= content?.trim() ?? "";
        if (metaName === "tdm-policy") tdmPolicy ??= nonEmpty(content);
        if (a.property === "og:title") ogTitle ??= nonEmpty(content);
        if (a.property === "og:locale") ogLocale ??= nonEmpty(content);
        if (a["http-equiv"]?.toLowerCase() === "content-language") contentLanguage ??= nonEmpty(content);
        if (
          a.property === "article:published_time" ||
          a.itemprop === "datePublished" ||
          (a.name !== undefined && PUBLISHED_NAMES.has(a.name))
        )
          publishedMeta ??= nonEmpty(content);
      } else if ((name === "a" || name === "area") && a.href !== undefined) {
        if (!/\bnofollow\b/i.test(a.rel ?? "")) links.push(a.href);
      } else if (name === "link" && a.rel?.toLowerCase() === "canonical") canonical ??= nonEmpty(a.href);
      else if (name === "title") titleEl ??= node;
      else if (name === "h1") h1 ??= node;
      else if (name === "html") htmlLang ??= nonEmpty(a.lang);
      else if (name === "body") body ??= node;
      else if (name === "time") timeDatetime ??= nonEmpty(a.datetime);
    }
    for (const c of node.children ?? []) walk(c);
  };
  walk(root);
  const title =
    ogTitle ??
    (titleEl ? textOf(titleEl).replace(/\s+/g, " ").trim() || null : null) ??
    (h1 ? textOf(h1).trim() || null : null);
  return {
    body,
    robots: (robots ?? "").toLowerCase(),
    links,
    title,
    lang: htmlLang ?? contentLanguage ?? ogLocale,
    canonical,
    publishedMeta,
    timeDatetime,
    licence,
    tdmReservation,
    tdmPolicy,
  };
}
