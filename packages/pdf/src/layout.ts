/** A run of text as the PDF places it: left and right edge, baseline (y grows upward) and font size. */
export interface Fragment {
  str: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A line of one column: its fragments joined, with its extent. */
export interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
}

/** A paragraph: lines joined, with its vertical extent; `open` when its last line runs to the column's edge. */
export interface Paragraph {
  text: string;
  top: number;
  bottom: number;
  lines: number;
  open: boolean;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

/** Marks that end a line broken inside a word: ASCII hyphen, soft hyphen, Unicode hyphen. */
const HYPHEN_END = /(\p{L})[-\u00AD\u2010]$/u;
const LOWER_START = /^\p{Ll}/u;

/** Joins two pieces of running text, removing a line-end hyphen when the word goes on in lower case. */
export function joinWrapped(a: string, b: string): string {
  const m = HYPHEN_END.exec(a);
  if (m) {
    // A soft hyphen is never part of the text; a hard one stays when a capital follows (a compound or a name).
    if (a.endsWith("\u00AD") || LOWER_START.test(b)) return a.slice(0, -1) + b;
    return a + b;
  }
  return `${a} ${b}`;
}

/** Groups fragments into rows by baseline and splits each row where a gap is wider than a word space. */
function segments(frags: Fragment[]): Line[] {
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
    // Pieces of a row stand apart where the gap is wider than a word space: column gutters, table cells.
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
      let line: Line | undefined;
      for (const f of piece) {
        // Footnote marks: small digits or asterisks raised above the baseline of their line.
        if (f.size < 0.8 * own && f.y > y + 0.15 * own && /^[\d*†‡]{1,3}$/.test(f.str.trim())) continue;
        if (line) {
          const gap = f.x0 - line.x1;
          const space = gap > 0.15 * own && !/\s$/.test(line.text) && !/^\s/.test(f.str) ? " " : "";
          line.text += space + f.str;
          line.x1 = Math.max(line.x1, f.x1);
        } else line = { text: f.str, x0: f.x0, x1: f.x1, y, size: own };
      }
      if (line) out.push(line);
    }
  }
  for (const l of out) l.text = l.text.replace(/\s+/g, " ").trim();
  return out.filter((l) => l.text.length > 0);
}

/** A column gutter: the strip from x `a` to x `b`. */
type Gutter = [number, number];

/**
 * Which side of a gutter a line is on: -1 left, 1 right, 0 neither (it crosses the gutter or starts inside it,
 * as a centred page footer does).
 */
const side = (s: Line, [a, b]: Gutter) => (s.x0 < a && s.x1 <= b ? -1 : s.x0 >= b - 0.5 * s.size ? 1 : 0);

/**
 * Finds column gutters: vertical strips in the middle of the page that almost no segment crosses while prose
 * lies on both sides. Returns them left to right.
 */
function gutters(segs: Line[], pageWidth: number): Gutter[] {
  if (segs.length < 8) return [];
  const size = median(segs.map((s) => s.size));
  const lo = Math.floor(pageWidth * 0.2);
  const hi = Math.ceil(pageWidth * 0.8);
  const allowed = Math.max(2, Math.floor(segs.length * 0.08));
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let x = lo; x <= hi; x++) {
    const crossing = segs.reduce((n, s) => n + (s.x0 < x && s.x1 > x ? 1 : 0), 0);
    if (crossing <= allowed) {
      if (start < 0) start = x;
    } else if (start >= 0) {
      runs.push([start, x - 1]);
      start = -1;
    }
  }
  if (start >= 0) runs.push([start, hi]);
  const found: Gutter[] = [];
  for (const g of runs) {
    if (g[1] - g[0] < 0.8 * size) continue;
    const left = segs.filter((s) => side(s, g) < 0);
    const right = segs.filter((s) => side(s, g) > 0);
    // Both sides must carry prose: several lines each, most of them wide (a table's cells are not columns).
    const wide = (side: Line[]) => {
      const w = Math.max(...side.map((s) => s.x1)) - Math.min(...side.map((s) => s.x0));
      return median(side.map((s) => s.x1 - s.x0)) >= 0.5 * w;
    };
    if (left.length >= 4 && right.length >= 4 && wide(left) && wide(right)) found.push(g);
  }
  return found;
}

/** Splits a column's lines (top to bottom) into paragraphs by spacing, indentation and line fullness. */
function paragraphs(lines: Line[]): Paragraph[] {
  if (lines.length === 0) return [];
  const right = Math.max(...lines.map((l) => l.x1));
  const left = Math.min(...lines.map((l) => l.x0));
  const spacing = median(
    lines
      .slice(1)
      .map((l, i) => (lines[i]?.y ?? 0) - l.y)
      .filter((d) => d > 0),
  );
  // A line was wrapped (not ended) when the next line's first word would not have fit after it.
  const wrapped = (l: Line, next: Line) => {
    const perChar = (l.x1 - l.x0) / Math.max(1, l.text.length);
    const word = next.text.split(/\s/, 1)[0] ?? "";
    return HYPHEN_END.test(l.text) || l.x1 + perChar * (word.length + 1) > right + 0.5 * perChar;
  };
  const out: Paragraph[] = [];
  let cur: Paragraph | undefined;
  let prev: Line | undefined;
  for (const l of lines) {
    const gap = prev ? prev.y - l.y : 0;
    const continues =
      cur &&
      prev &&
      wrapped(prev, l) &&
      gap <= Math.max(spacing, prev.size) * 1.35 &&
      Math.abs(prev.size - l.size) < 0.15 * prev.size &&
      l.x0 - left < 2 * l.size;
    if (cur && continues) {
      cur.text = joinWrapped(cur.text, l.text);
      cur.bottom = l.y;
      cur.lines++;
    } else {
      cur = { text: l.text, top: l.y + l.size, bottom: l.y, lines: 1, open: false };
      out.push(cur);
    }
    // Whether the paragraph may run on past the column or page: its last line is hyphenated or full.
    cur.open = HYPHEN_END.test(l.text) || l.x1 >= right - 3 * l.size;
    prev = l;
  }
  return out;
}

/**
 * Lays out one page: fragments to lines, columns read in order (left column, then right, between full-width
 * lines), lines to paragraphs with line-end hyphens removed. Rows of a one-column page whose cells stand apart
 * (tables) stay one line, cells separated by a tab.
 */
export function layoutPage(frags: Fragment[], pageWidth: number): Paragraph[] {
  const segs = segments(frags);
  const cuts = gutters(segs, pageWidth);
  if (cuts.length === 0) {
    // One column: rejoin the pieces of each row in order.
    const rows: Line[] = [];
    for (const s of segs) {
      const last = rows[rows.length - 1];
      if (last && Math.abs(last.y - s.y) < 0.3 * s.size) {
        last.text += `\t${s.text}`;
        last.x1 = s.x1;
      } else rows.push({ ...s });
    }
    return paragraphs(rows);
  }
  // Bands of column text between full-width segments; each band is read column by column.
  const column = (s: Line): number => {
    let c = 0;
    for (const g of cuts) {
      const where = side(s, g);
      if (where === 0) return -1;
      if (where < 0) return c;
      c++;
    }
    return c;
  };
  const out: Paragraph[] = [];
  let band: Line[][] = cuts.map(() => []).concat([[]]);
  const flush = () => {
    let last: Paragraph | undefined;
    for (const col of band) {
      const paras = paragraphs(col);
      const first = paras[0];
      // A paragraph that runs off the bottom of one column goes on at the top of the next.
      if (last?.open && first && /^\p{Ll}/u.test(first.text)) {
        last.text = joinWrapped(last.text, first.text);
        last.lines += first.lines;
        last.open = first.open;
        paras.shift();
      }
      out.push(...paras);
      last = paras[paras.length - 1] ?? last;
    }
    band = cuts.map(() => []).concat([[]]);
  };
  for (const s of segs) {
    const c = column(s);
    if (c < 0) {
      flush();
      out.push(...paragraphs([s]));
    } else band[c]?.push(s);
  }
  flush();
  return out;
}
