import { type Licence, spdxFromText, spdxFromUrl, UNKNOWN_LICENCE } from "@soro/core";

/** What a page says about its terms, gathered by pageMeta's walk (nothing is fetched or parsed here). */
export interface LicenceSignals {
  /** `href` of `<a|link|area rel="license">` (HTML and Creative Commons' own markup), in document order. */
  links: string[];
  /** RDFa/meta licence statements: `property="cc:license"`, `<meta name="dcterms.license">`, ... with their value. */
  statements: Array<{ name: string; value: string }>;
  /** `<meta name="copyright">` (or `dc.rights`, `dcterms.rights`) content. */
  copyright: string | null;
  /** A JSON-LD `"license"` value, if the page has one. */
  jsonLd: string | null;
}

/** Attribute names and meta names that carry a licence statement in RDFa, Dublin Core or Creative Commons markup. */
export const LICENCE_PROPERTIES = new Set([
  "cc:license",
  "dct:license",
  "dcterms:license",
  "dcterms.license",
  "dc.license",
  "license",
  "licence",
  "schema:license",
]);

/** `<meta name=...>` names whose content is a rights statement. */
export const COPYRIGHT_NAMES = new Set(["copyright", "dc.rights", "dcterms.rights", "rights"]);

/** Whether a space-separated `rel` value says license (`rel="license noopener"`). */
export function relSaysLicence(rel: string | undefined): boolean {
  return rel !== undefined && /(^|\s)license(\s|$)/i.test(rel);
}

const clip = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}…` : s);

/**
 * The licence a page declares, strongest evidence first: a rel=license link to a licence SPDX knows, a licence
 * statement in RDFa/meta, JSON-LD's `license`, a copyright notice that names a licence. A page that links a licence
 * no SPDX id matches, or only states copyright, is `unknown` with that evidence kept.
 */
export function pageLicence(s: LicenceSignals): Licence {
  for (const href of s.links) {
    const id = spdxFromUrl(href);
    if (id) return { licence: id, evidence: `link rel=license ${clip(href)}` };
  }
  for (const { name, value } of s.statements) {
    const id = spdxFromText(value);
    if (id) return { licence: id, evidence: `${name} ${clip(value)}` };
  }
  if (s.jsonLd) {
    const id = spdxFromText(s.jsonLd);
    if (id) return { licence: id, evidence: `JSON-LD license ${clip(s.jsonLd)}` };
  }
  if (s.copyright) {
    const id = spdxFromText(s.copyright);
    return id
      ? { licence: id, evidence: `meta copyright "${clip(s.copyright)}"` }
      : { licence: UNKNOWN_LICENCE, evidence: `meta copyright "${clip(s.copyright)}"` };
  }
  const first = s.links[0] ?? s.statements[0]?.value ?? s.jsonLd;
  return first
    ? { licence: UNKNOWN_LICENCE, evidence: `licence ${clip(first)} (no SPDX licence recognised)` }
    : { licence: UNKNOWN_LICENCE, evidence: null };
}
