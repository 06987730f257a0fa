import { readFileSync } from "node:fs";

/** A fixture's path under packages/pdf/fixtures. */
export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

/** A fixture's expected text. */
export const expected = (name: string) => readFileSync(fixture(`${name}.txt`), "utf8");

/** Whitespace folded to single spaces: line and paragraph breaks are layout, not text. */
const fold = (s: string) => s.replace(/\s+/g, " ").trim();

/** Levenshtein distance with two rolling rows. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, sub);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/** Character error rate of `got` against `want`, whitespace folded. */
export function cer(got: string, want: string): number {
  const w = fold(want);
  return distance(fold(got), w) / Math.max(1, w.length);
}
