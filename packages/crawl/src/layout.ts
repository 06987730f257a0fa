import path from "node:path";
import type { Catalog } from "@soro/core";

/** Source key of a document batch. */
export const batchKey = (n: number) => `crawl-batch-${n}`;

/** The folder of a workspace holding WARC files and kept documents. */
export function crawlDirs(catalog: Catalog): { warc: string; files: string } {
  return {
    warc: path.join(catalog.ws.dir, "crawl", "warc"),
    files: path.join(catalog.ws.dir, "crawl", "files"),
  };
}

/** The canonical URL a page names when it is a different in-scope URL (then the page itself is not kept). */
export function canonicalElsewhere(
  canonical: string | null,
  url: string,
  normalize: (raw: string, base?: string) => string | null,
  inScope: (url: string) => string | null,
): string | null {
  if (!canonical) return null;
  const c = normalize(canonical, url);
  return c && c !== url && inScope(c) === null ? c : null;
}
