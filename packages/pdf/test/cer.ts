import { readFileSync } from "node:fs";
import { distance } from "fastest-levenshtein";

/** A fixture's path under packages/pdf/fixtures. */
export const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;

/** A fixture's expected text. */
export const expected = (name: string) => readFileSync(fixture(`${name}.txt`), "utf8");

/** Whitespace folded to single spaces: line and paragraph breaks are layout, not text. */
const fold = (s: string) => s.replace(/\s+/g, " ").trim();

/** Character error rate of `got` against `want`, whitespace folded. */
export function cer(got: string, want: string): number {
  const w = fold(want);
  return distance(fold(got), w) / Math.max(1, w.length);
}
