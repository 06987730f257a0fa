import { gunzipSync } from "node:zlib";
import { load } from "cheerio/slim";

/** Locations listed by a sitemap: pages (`urlset`) and further sitemaps (`sitemapindex`). */
export interface SitemapEntries {
  pages: string[];
  sitemaps: string[];
}

/** Parses a sitemap or sitemap index (XML, gzip-compressed or not; plain-text sitemaps too). */
export function parseSitemap(body: Buffer, maxBytes = 50 * 1024 * 1024): SitemapEntries {
  let bytes = body;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    // maxOutputLength keeps a compressed sitemap bomb from exhausting memory.
    bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
  }
  const text = bytes.toString("utf8");
  if (!/^\s*(<\?xml|<urlset|<sitemapindex)/i.test(text)) {
    const urls = text.split(/\r?\n/).map((l) => l.trim());
    return { pages: urls.filter((u) => /^https?:\/\//i.test(u)), sitemaps: [] };
  }
  const $ = load(text, { xml: true });
  const locs = (sel: string) =>
    $(sel)
      .toArray()
      .map((el) => $(el).text().trim())
      .filter((u) => u.length > 0);
  return { pages: locs("url > loc"), sitemaps: locs("sitemap > loc") };
}
