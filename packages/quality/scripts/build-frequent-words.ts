/**
 * Builds data/tajik-frequent.txt: the 3000 most frequent Tajik word forms, one a line, most frequent first (the
 * size of Dale–Chall's list of familiar words). Derived from normalize's shipped counts (data/tajik-words.txt.gz,
 * itself counted on ../shared/tajik-text: see packages/normalize/data/SOURCES.md); only the forms ship, no text.
 * The reading level reads the share of a text's words outside this list. Run from the repository root:
 *   node --import tsx packages/quality/scripts/build-frequent-words.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const SIZE = 3000;
const src = new URL("../../normalize/data/tajik-words.txt.gz", import.meta.url);
const forms = gunzipSync(readFileSync(src))
  .toString("utf8")
  .split("\n")
  .filter(Boolean)
  .map((l) => l.split("\t") as [string, string])
  .sort((a, b) => Number(b[1]) - Number(a[1]) || (a[0] < b[0] ? -1 : 1))
  .slice(0, SIZE)
  .map(([w]) => w);
const out = new URL("../data/tajik-frequent.txt", import.meta.url).pathname;
writeFileSync(out, `${forms.join("\n")}\n`);
console.error(`${out}: ${forms.length} forms`);
