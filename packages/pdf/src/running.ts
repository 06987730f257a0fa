import type { Paragraph } from "./layout.js";

/** How many paragraphs at the top and at the bottom of a page may be running headers or footers. */
const EDGE = 2;

/** A lone page number as printed: "7", "- 7 -", "— 12 —", "7/120", roman numerals. */
const PAGE_NUMBER = /^[-–—\s]*(\d{1,4}(\s*\/\s*\d{1,4})?|[ivxlcdm]{1,6})[-–—\s]*$/iu;

/**
 * A header's identity across pages: case and spaces ignored, and a number folded together with its distance
 * from the page index, so "Page 3" on page 3 matches "Page 4" on page 4 but "Article 8" never matches "Article 12".
 */
function key(text: string, pageIndex: number): string {
  const offsets: number[] = [];
  const folded = text
    .toLowerCase()
    .replace(/\d+/g, (d) => {
      offsets.push(Number(d) - pageIndex);
      return "#";
    })
    .replace(/\s+/g, " ")
    .trim();
  return `${folded}|${offsets.join(",")}`;
}

/** The paragraphs of a page nearest its top and bottom edges, by position (not reading order). */
function edges(page: Paragraph[]): Paragraph[] {
  const byTop = [...page].sort((a, b) => b.top - a.top);
  const short = (p: Paragraph) => p.lines <= 2;
  return [...byTop.slice(0, EDGE), ...byTop.slice(-EDGE)].filter(short);
}

/**
 * Removes running headers and footers: short paragraphs at a page's top or bottom that repeat (page numbers
 * folded) on at least half of the pages, and lone page numbers there. Returns new page lists.
 */
export function removeRunning(pages: Paragraph[][]): Paragraph[][] {
  const seen = new Map<string, number>();
  for (const [i, page] of pages.entries()) {
    for (const k of new Set(edges(page).map((p) => key(p.text, i)))) seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const need = Math.max(2, Math.ceil(pages.length / 2));
  return pages.map((page, i) => {
    const drop = new Set(
      edges(page).filter((p) => PAGE_NUMBER.test(p.text) || (seen.get(key(p.text, i)) ?? 0) >= need),
    );
    return page.filter((p) => !drop.has(p));
  });
}
