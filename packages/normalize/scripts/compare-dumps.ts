/**
 * Compares two dumps of `same-output.ts` line by line for a change that may move floating-point sums in their last
 * bits (adding the same terms in another order) but nothing else: the text of each line with its numbers taken out
 * must be equal, and each number equal within a relative 1e-9. Labels, texts, steps and the three-decimal line
 * P(Tajik) are compared exactly that way (a rounded value that moved differs by far more).
 *
 *   node --import tsx packages/normalize/scripts/compare-dumps.ts /tmp/before.jsonl /tmp/after.jsonl
 *
 * Prints the lines that differ otherwise (the first ten) and the counts; exits with 1 when there is any.
 */
import { readFileSync } from "node:fs";

const [before, after] = process.argv.slice(2);
if (!before || !after) throw new Error("usage: compare-dumps.ts <before.jsonl> <after.jsonl>");
const a = readFileSync(before, "utf8").split("\n");
const b = readFileSync(after, "utf8").split("\n");
if (a.length !== b.length) throw new Error(`${before} has ${a.length} lines, ${after} ${b.length}`);

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g;
const TOLERANCE = 1e-9;
let exact = 0;
let close = 0;
let differ = 0;
let largest = 0;

/** Whether two lines differ only in numbers within TOLERANCE of each other (relative). */
function closeLines(x: string, y: string): boolean {
  if (x.replace(NUMBER, "#") !== y.replace(NUMBER, "#")) return false;
  const p = x.match(NUMBER) ?? [];
  const q = y.match(NUMBER) ?? [];
  for (let k = 0; k < p.length; k++) {
    const u = Number(p[k]);
    const v = Number(q[k]);
    if (u === v) continue;
    const rel = Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v));
    largest = Math.max(largest, rel);
    if (rel > TOLERANCE) return false;
  }
  return true;
}

for (let i = 0; i < a.length; i++) {
  const x = a[i] ?? "";
  const y = b[i] ?? "";
  if (x === y) exact++;
  else if (closeLines(x, y)) close++;
  else if (++differ <= 10) console.log(`line ${i + 1}:\n< ${x.slice(0, 300)}\n> ${y.slice(0, 300)}`);
}
console.log(
  `${exact} lines identical, ${close} within ${TOLERANCE} (largest relative difference ${largest.toExponential(2)}), ${differ} differ`,
);
if (differ > 0) process.exitCode = 1;
