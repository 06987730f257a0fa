import { runningItems } from "./running.js";

/** A run of text as the PDF places it: left and right edge, baseline (y grows upward) and font size. */
export interface Fragment {
  str: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A line, or a piece of one that stands apart from its neighbours by more than a word space, with its extent. */
export interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** The fragments it was made of, left to right (a table cell boundary may fall between two of them). */
  parts?: Fragment[];
}

/** What a paragraph is: running text, or a block kept apart from it (a table, a caption or a footnote). */
export type ParagraphKind = "text" | "table" | "caption";

/** A paragraph: lines joined, with its vertical extent; `open` when its last line runs to the column's edge. */
export interface Paragraph {
  text: string;
  top: number;
  bottom: number;
  lines: number;
  open: boolean;
  /** Running text when absent. */
  kind?: ParagraphKind;
  /** The first paragraph of a column or page: where a paragraph cut by a column or page break goes on. */
  head?: boolean;
}

/** A column gutter: the strip from x `a` to x `b`. */
export type Gutter = [number, number];

const median = (xs: number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/**
 * Marks that end a line broken inside a word: ASCII hyphen, soft hyphen, Unicode hyphen. The hyphen may stand a
 * little apart from its word: some writers place it after justifying, and the text layer then reads "сил -".
 */
const HYPHEN_END = /(\p{L})( ?)[-\u00AD\u2010]$/u;
/** A dash closing a line right after a letter or digit: a range ("2015–") or compound broken after its dash. */
const DASH_END = /[\p{L}\p{N}][-–—\u2010]$/u;
const LOWER_START = /^\p{Ll}/u;

/** Joins two pieces of running text, removing a line-end hyphen when the word goes on in lower case. */
export function joinWrapped(a: string, b: string): string {
  const m = HYPHEN_END.exec(a);
  if (m) {
    // A soft hyphen is never part of the text; a hard one stays when a capital follows (a compound or a name).
    const word = a.slice(0, m.index + (m[1]?.length ?? 1));
    if (a.endsWith("\u00AD") || LOWER_START.test(b)) return word + b;
    if (!m[2]) return `${word}-${b}`;
  }
  if (DASH_END.test(a)) return a + b;
  return `${a} ${b}`;
}

/**
 * Groups fragments into rows by baseline and splits each row where a gap is wider than a word space: the
 * pieces of a row are column text on either side of a gutter, table cells, or words of a justified line set
 * wide. Footnote marks (small raised digits) are dropped. Pieces come top to bottom, left to right.
 */
export function pageLines(frags: Fragment[]): Line[] {
  const sorted = frags.filter((f) => f.str.trim().length > 0).sort((a, b) => b.y - a.y || a.x0 - b.x0);
  const rows: Fragment[][] = [];
  for (const f of sorted) {
    const row = rows[rows.length - 1];
    const ref = row?.[0];
    // Superscripts sit up to half a size above their line, so the tolerance is generous.
    if (row && ref && Math.abs(ref.y - f.y) < 0.55 * Math.max(ref.size, f.size)) row.push(f);
    else rows.push([f]);
  }
  const out: Line[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.x0 - b.x0);
    const size = median(row.map((f) => f.size));
    const pieces: Fragment[][] = [];
    for (const f of row) {
      const piece = pieces[pieces.length - 1];
      const last = piece?.[piece.length - 1];
      if (piece && last && f.x0 - last.x1 < size) piece.push(f);
      else pieces.push([f]);
    }
    for (const piece of pieces) {
      const own = median(piece.map((f) => f.size));
      const y = median(piece.filter((f) => f.size >= 0.8 * own).map((f) => f.y));
      const kept = piece.filter(
        (f) => !(f.size < 0.8 * own && f.y > y + 0.15 * own && /^[\d*†‡]{1,3}$/.test(f.str.trim())),
      );
      const line = lineOf(kept, y, own);
      if (line.text) out.push(line);
    }
  }
  return out;
}

/** Fragments of one baseline joined into a line: a space where they stand apart by more than a thin gap. */
function lineOf(parts: Fragment[], y: number, size: number): Line {
  let text = "";
  let x1 = Number.NEGATIVE_INFINITY;
  for (const f of parts) {
    const space = text && f.x0 - x1 > 0.15 * size && !/\s$/.test(text) && !/^\s/.test(f.str) ? " " : "";
    text += space + f.str;
    x1 = Math.max(x1, f.x1);
  }
  return { text: text.replace(/\s+/g, " ").trim(), x0: parts[0]?.x0 ?? 0, x1, y, size, parts };
}

/**
 * Finds column gutters from the page's own geometry: the x-projection of the pieces' boxes, where a strip at
 * least half a text size wide is crossed by almost no piece while column edges line up on both sides of it.
 * Word gaps of justified lines fall at different places on each line, so the projection fills them in.
 */
export function findGutters(lines: Line[]): Gutter[] {
  if (lines.length < 6) return [];
  const size = median(lines.map((s) => s.size));
  const lo = Math.floor(Math.min(...lines.map((s) => s.x0)));
  const hi = Math.ceil(Math.max(...lines.map((s) => s.x1)));
  // A text layer placed absurdly far apart (a broken or hostile file) is read as one column.
  if (!(hi - lo < 20_000)) return [];
  const cover = new Array<number>(hi - lo + 1).fill(0);
  for (const s of lines)
    for (let x = Math.ceil(s.x0); x < s.x1; x++) cover[x - lo] = (cover[x - lo] ?? 0) + 1;
  const allowed = Math.max(1, Math.floor(lines.length * 0.04));
  const found: Gutter[] = [];
  let start = -1;
  for (let i = 0; i <= cover.length; i++) {
    const open = i < cover.length && (cover[i] ?? 0) <= allowed;
    if (open && start < 0) start = i;
    if (open || start < 0) continue;
    const g: Gutter = [lo + start, lo + i];
    start = -1;
    if (g[0] <= lo + size || g[1] >= hi - size || g[1] - g[0] < 0.5 * size) continue;
    // Column edges: lines ending just before the strip (justified or wrapped text) and starting just after it.
    const ends = lines.filter((s) => s.x1 <= g[0] + 1 && s.x1 > g[0] - 4 * s.size);
    const starts = lines.filter((s) => s.x0 >= g[1] - 1 && s.x0 < g[1] + 2 * s.size);
    const band = (ls: Line[]) => Math.max(...ls.map((s) => s.y)) - Math.min(...ls.map((s) => s.y));
    if (ends.length >= 3 && starts.length >= 3 && band(ends) > 2 * size && band(starts) > 2 * size)
      found.push(g);
  }
  return found;
}

/**
 * The gutters most of a document's pages share: each page's own, clustered by position, kept when at least two
 * pages found them. A page too short to show its columns (the last one, a page with a big figure) borrows them.
 */
export function commonGutters(perPage: Gutter[][]): Gutter[] {
  const all = perPage.flat().sort((a, b) => a[0] - b[0]);
  const groups: Gutter[][] = [];
  for (const g of all) {
    const last = groups[groups.length - 1];
    const ref = last?.[0];
    if (last && ref && g[0] < ref[1] && g[1] > ref[0]) last.push(g);
    else groups.push([g]);
  }
  return groups
    .filter((gs) => gs.length >= 2)
    .map((gs) => [Math.max(...gs.map((g) => g[0])), Math.min(...gs.map((g) => g[1]))] as Gutter)
    .filter((g) => g[1] > g[0]);
}

/** Whether a page's lines leave a borrowed gutter empty, with text on both sides of it. */
export function fitsPage(g: Gutter, lines: Line[]): boolean {
  const crossing = lines.filter((s) => s.x0 < g[1] - 1 && s.x1 > g[0] + 1).length;
  const left = lines.filter((s) => s.x1 <= g[0] + 1).length;
  const right = lines.filter((s) => s.x0 >= g[1] - 1).length;
  return left > 0 && right > 0 && crossing <= Math.max(1, Math.floor(lines.length * 0.04));
}

/** A column-ordered row of a band: its pieces left to right. */
type Row = Line[];

/** Rows of one column: pieces on one baseline together, top to bottom. */
function rowsOf(lines: Line[]): Row[] {
  const rows: Row[] = [];
  for (const l of [...lines].sort((a, b) => b.y - a.y || a.x0 - b.x0)) {
    const row = rows[rows.length - 1];
    const ref = row?.[0];
    if (row && ref && Math.abs(ref.y - l.y) < 0.3 * Math.max(ref.size, l.size)) row.push(l);
    else rows.push([l]);
  }
  for (const r of rows) r.sort((a, b) => a.x0 - b.x0);
  return rows;
}

const near = (a: number, b: number) => Math.abs(a - b) <= 2;

/**
 * A table's rows starting at `rows[i]`: rows of several cells, and rows that only carry the wrapped tail of
 * some cells. The table's columns are the left edges that fragments of two rows or more share; every piece of
 * a row must start on one of them. Returns how many rows and the table's text (a row a line, cells apart by
 * tabs), or undefined when no table starts there.
 */
function tableAt(
  rows: Row[],
  i: number,
  width: number,
  goesOn = false,
): { count: number; text: string } | undefined {
  const first = rows[i];
  if (!first || first.length < 2) return undefined;
  const left = first[0]?.x0 ?? 0;
  // The run of candidate rows: several pieces, or one narrow piece that does not start a row.
  let end = i + 1;
  for (; end < rows.length; end++) {
    const r = rows[end] as Row;
    const tail =
      r.length === 1 && !near(r[0]?.x0 ?? left, left) && (r[0]?.x1 ?? 0) - (r[0]?.x0 ?? 0) < 0.4 * width;
    if (r.length < 2 && !tail) break;
  }
  const run = rows.slice(i, end);
  const starts = run.map((r) => r.flatMap((p) => (p.parts ?? [p]).map((f) => f.x0)));
  // The first row's pieces start cells; so does any fragment start that two rows share.
  const cols: number[] = [];
  for (const x of [...first.map((p) => p.x0), ...starts.flat()].sort((a, b) => a - b)) {
    if (cols.some((c) => near(c, x))) continue;
    if (first.some((p) => near(p.x0, x)) || starts.filter((xs) => xs.some((y) => near(x, y))).length >= 2)
      cols.push(x);
  }
  const cells: string[][] = [];
  let n = 0;
  for (const r of run) {
    if (!r.every((p) => cols.some((c) => near(c, p.x0)))) break;
    if (near(r[0]?.x0 ?? Number.NaN, left)) cells.push(cols.map(() => ""));
    const row = cells[cells.length - 1] as string[];
    for (const [k, c] of cols.entries()) {
      const next = cols[k + 1] ?? Number.POSITIVE_INFINITY;
      const parts = r.flatMap((p) => p.parts ?? []).filter((f) => f.x0 > c - 2.5 && f.x0 <= next - 2.5);
      const text = parts.length ? lineOf(parts, 0, r[0]?.size ?? 0).text : "";
      if (text) row[k] = row[k] ? `${row[k]} ${text}` : text;
    }
    n++;
  }
  // Two rows of two cells are as likely a justified line set wide twice: ask for more evidence. One row of three
  // cells or more with the wrapped tail of a cell under it is the end of a table cut by a column break.
  // A row of cells heading a column after a column that ended in a table is that table going on.
  const evidence =
    cells.length >= 3 ||
    (cols.length >= 3 && (cells.length === 2 || n > cells.length)) ||
    (goesOn && cols.length >= 2);
  if (cells.length === 0 || !evidence) return undefined;
  return { count: n, text: cells.map((r) => r.join("\t")).join("\n") };
}

/** Lines of a column: table rows set apart, other rows' pieces joined into one line (wide word gaps). */
function columnLines(lines: Line[], afterTable = false): Array<Line & { table?: boolean }> {
  const rows = rowsOf(lines);
  const width = Math.max(...lines.map((l) => l.x1)) - Math.min(...lines.map((l) => l.x0));
  const out: Array<Line & { table?: boolean }> = [];
  for (let i = 0; i < rows.length; i++) {
    const table = tableAt(rows, i, width, afterTable && i === 0);
    const r = rows[i] as Row;
    const x0 = Math.min(...r.map((p) => p.x0));
    const x1 = Math.max(...r.map((p) => p.x1));
    const y = r[0]?.y ?? 0;
    const size = median(r.map((p) => p.size));
    if (table) {
      out.push({ text: table.text, x0, x1, y, size, table: true });
      i += table.count - 1;
    } else out.push({ text: r.map((p) => p.text).join(" "), x0, x1, y, size });
  }
  return out;
}

/** Splits a column's lines (top to bottom) into paragraphs by spacing, indentation and line fullness. */
function paragraphs(lines: Array<Line & { table?: boolean }>, bodySize: number): Paragraph[] {
  const text = lines.filter((l) => !l.table);
  if (lines.length === 0) return [];
  const right = Math.max(...text.map((l) => l.x1), 0);
  const left = Math.min(...text.map((l) => l.x0), Number.POSITIVE_INFINITY);
  const spacing = median(
    text
      .slice(1)
      .map((l, i) => (text[i]?.y ?? 0) - l.y)
      .filter((d) => d > 0),
  );
  // A line was wrapped (not ended) when the next line's first word would not have fit after it.
  const wrapped = (l: Line, next: Line) => {
    const perChar = (l.x1 - l.x0) / Math.max(1, l.text.length);
    // The word is measured in the next line's type (a heading's capitals run wider than its average letter).
    const nextPerChar = (next.x1 - next.x0) / Math.max(1, next.text.length);
    const word = next.text.split(/\s/, 1)[0] ?? "";
    const edge = centred(l) ? l.x1 + (l.x0 - left) : right;
    const needed = Math.max(perChar, nextPerChar) * (word.length + 1);
    return HYPHEN_END.test(l.text) || l.x1 + needed > edge + 0.5 * perChar;
  };
  // A centred line (a caption, a title) keeps margins on both sides of about the same width.
  const centred = (l: Line) => l.x0 - left > l.size && Math.abs(l.x0 - left - (right - l.x1)) < l.size;
  const out: Paragraph[] = [];
  let cur: Paragraph | undefined;
  let prev: Line | undefined;
  for (const l of lines) {
    if (l.table) {
      out.push({ text: l.text, top: l.y + l.size, bottom: l.y, lines: 1, open: false, kind: "table" });
      cur = prev = undefined;
      continue;
    }
    const gap = prev ? prev.y - l.y : 0;
    const continues =
      cur &&
      prev &&
      wrapped(prev, l) &&
      gap <= Math.max(spacing, prev.size) * 1.35 &&
      Math.abs(prev.size - l.size) < 0.15 * prev.size &&
      (l.x0 - left < 2 * l.size || (centred(l) && (centred(prev) || prev.x0 - left < 2 * prev.size)));
    if (cur && continues) {
      cur.text = joinWrapped(cur.text, l.text);
      cur.bottom = l.y;
      cur.lines++;
    } else {
      cur = { text: l.text, top: l.y + l.size, bottom: l.y, lines: 1, open: false };
      // Smaller type than the running text, a few lines at most: a caption or a note, kept out of its flow.
      if (l.size < 0.97 * bodySize) cur.kind = "caption";
      out.push(cur);
    }
    // Whether the paragraph may run on past the column or page: its last line is hyphenated or full.
    cur.open = cur.kind !== "caption" && (HYPHEN_END.test(l.text) || l.x1 >= right - 3 * l.size);
    if (cur.kind === "caption" && cur.lines > 4) cur.kind = undefined;
    prev = l;
  }
  return out;
}

/**
 * Lays out one page's lines: columns split at the gutters, read left to right within each band between lines
 * that cross a gutter (a full-width title or figure); table rows and captions set apart; each column's lines
 * to paragraphs with line-end hyphens removed. The first paragraph of each column is marked `head`: `flow`
 * carries a paragraph cut by the column break on into it.
 */
export function layoutPage(lines: Line[], cuts: Gutter[], afterTable = false): Paragraph[] {
  const weights = new Map<number, number>();
  for (const l of lines) weights.set(l.size, (weights.get(l.size) ?? 0) + l.text.length);
  const bodySize = [...weights].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const column = (s: Line): number => {
    let c = 0;
    for (const [a, b] of cuts) {
      // A line may reach into the strip from either side (the strip is where almost no line is); one that
      // crosses it whole, or sits inside it (a centred number), spans the columns.
      if (s.x0 < a) return s.x1 <= b ? c : -1;
      if (s.x1 <= b) return -1;
      c++;
    }
    return c;
  };
  const out: Paragraph[] = [];
  let band: Line[][] = cuts.map(() => []).concat([[]]);
  // Whether the text so far (the previous page's included) ended in a table, which may go on in the next column.
  const inTable = () => (out.length ? out[out.length - 1]?.kind === "table" : afterTable);
  const flush = () => {
    for (const col of band) {
      const paras = paragraphs(columnLines(col, inTable()), bodySize);
      if (paras[0]) paras[0].head = true;
      out.push(...paras);
    }
    band = cuts.map(() => []).concat([[]]);
  };
  let spanning: Line[] = [];
  const flushSpanning = () => {
    if (spanning.length) out.push(...paragraphs(columnLines(spanning), bodySize));
    spanning = [];
  };
  for (const s of [...lines].sort((a, b) => b.y - a.y || a.x0 - b.x0)) {
    const c = column(s);
    if (c < 0) {
      flush();
      spanning.push(s);
    } else {
      flushSpanning();
      band[c]?.push(s);
    }
  }
  flushSpanning();
  flush();
  return out;
}

/**
 * Joins pages' paragraphs into one text in reading order: a paragraph cut by a column or page break goes on in
 * the next column's first paragraph when that starts in lower case, past any tables and captions placed between
 * (they follow the paragraph they interrupted).
 */
export function flow(pages: Paragraph[][]): string {
  const out: string[] = [];
  let body: { at: number; open: boolean } | undefined;
  let held: Paragraph[] = [];
  const release = () => {
    out.push(...held.map((p) => p.text));
    held = [];
  };
  for (const p of pages.flat()) {
    if (p.kind === "table" || p.kind === "caption") {
      if (body?.open) held.push(p);
      else out.push(p.text);
      continue;
    }
    if (body?.open && (p.head || held.length > 0) && LOWER_START.test(p.text)) {
      out[body.at] = joinWrapped(out[body.at] ?? "", p.text);
      body.open = p.open;
      if (!p.open) release();
      continue;
    }
    release();
    out.push(p.text);
    body = { at: out.length - 1, open: p.open };
  }
  release();
  return out.join("\n");
}

/**
 * Lays out a document's pages: running headers and footers found by repetition across pages and removed
 * first (so they neither split a paragraph at a page break nor hide the columns), then each page's columns
 * from its own gutters, or from the gutters most pages share when a page is too short to show its own.
 */
export function layoutPages(pages: Line[][]): Paragraph[][] {
  const placed = pages.map((lines) =>
    lines.map((line) => ({ line, text: line.text, top: line.y + line.size })),
  );
  const running = runningItems(placed);
  const body = placed.map((page) => page.filter((p) => !running.has(p)).map((p) => p.line));
  const own = body.map(findGutters);
  const shared = commonGutters(own);
  const out: Paragraph[][] = [];
  for (const [i, lines] of body.entries()) {
    const mine = own[i] ?? [];
    const cuts = mine.length > 0 ? mine : shared.filter((g) => fitsPage(g, lines));
    const before = out[i - 1];
    out.push(layoutPage(lines, cuts, before?.[before.length - 1]?.kind === "table"));
  }
  return out;
}
