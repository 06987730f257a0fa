/** What running-header detection needs of a line or paragraph: its text and the height of its top edge. */
export interface Placed {
  text: string;
  top: number;
}

/** How many rows at the top and at the bottom of a page may be running headers or footers. */
const EDGE = 2;

/** A lone page number as printed: "7", "- 7 -", "— 12 —", "7/120", roman numerals. */
const PAGE_NUMBER = /^[-–—\s]*(\d{1,4}(\s*\/\s*\d{1,4})?|[ivxlcdm]{1,6})[-–—\s]*$/iu;

/** Items whose tops are this close share a row (a header with the title left and the year right). */
const ROW = 3;

/** An edge item of one page: its text with every number folded, the numbers, and whether it is at the top. */
interface Candidate<T> {
  item: T;
  page: number;
  key: string;
  numbers: number[];
  outermost: boolean;
}

/** The rows nearest a page's top and bottom edges, by position (not reading order), outermost first. */
function edgeRows<T extends Placed>(page: T[]): Array<{ items: T[]; top: boolean; outermost: boolean }> {
  const rows: T[][] = [];
  for (const item of [...page].sort((a, b) => b.top - a.top)) {
    const row = rows[rows.length - 1];
    if (row && Math.abs((row[0]?.top ?? 0) - item.top) < ROW) row.push(item);
    else rows.push([item]);
  }
  const top = rows.slice(0, EDGE).map((items, i) => ({ items, top: true, outermost: i === 0 }));
  const bottom = rows
    .slice(Math.max(EDGE, rows.length - EDGE))
    .map((items, i, all) => ({ items, top: false, outermost: i === all.length - 1 }));
  return [...top, ...bottom];
}

/**
 * Two edge items are the same running header when their texts match with all digits folded and each number
 * either stays the same ("Синфи 9", "2024") or moves with the page ("Саҳифаи 7" on page 7, 8 on page 8).
 */
function same<T>(a: Candidate<T>, b: Candidate<T>): boolean {
  return a.numbers.every((n, k) => {
    const m = b.numbers[k] ?? Number.NaN;
    return n === m || n - a.page === m - b.page;
  });
}

/**
 * Finds running headers and footers: items in the two rows at a page's top or bottom that repeat, digits
 * folded, on at least half of the pages (or of the odd or even pages: books alternate left and right headers),
 * four pages being enough in a long document; and lone page numbers in a page's outermost rows.
 */
export function runningItems<T extends Placed>(pages: T[][]): Set<T> {
  const groups = new Map<string, Array<Candidate<T>>>();
  for (const [page, items] of pages.entries()) {
    for (const row of edgeRows(items)) {
      for (const item of row.items) {
        const numbers: number[] = [];
        const folded = item.text
          .toLowerCase()
          .replace(/\d+/g, (d) => {
            numbers.push(Number(d));
            return "#";
          })
          .replace(/\s+/g, " ")
          .trim();
        const key = `${row.top ? "top" : "bottom"}|${folded}`;
        const c = { item, page, key, numbers, outermost: row.outermost };
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
    }
  }
  const n = pages.length;
  const need = (of: number) => Math.max(2, Math.min(Math.ceil(of / 2), 4));
  const out = new Set<T>();
  for (const group of groups.values()) {
    for (const c of group) {
      if (c.outermost && PAGE_NUMBER.test(c.item.text)) {
        out.add(c.item);
        continue;
      }
      const pagesLike = new Set(group.filter((o) => same(c, o)).map((o) => o.page));
      const parity = [...pagesLike].filter((p) => p % 2 === c.page % 2).length;
      const ofParity = c.page % 2 === 0 ? Math.ceil(n / 2) : Math.floor(n / 2);
      if (pagesLike.size >= need(n) || parity >= need(ofParity)) out.add(c.item);
    }
  }
  return out;
}

/** Removes running headers and footers (see runningItems) from each page; returns new page lists. */
export function removeRunning<T extends Placed>(pages: T[][]): T[][] {
  const drop = runningItems(pages);
  return pages.map((page) => page.filter((p) => !drop.has(p)));
}
