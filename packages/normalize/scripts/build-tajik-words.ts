/**
 * Builds data/tajik-words.txt.gz: Tajik word forms with their counts (two or more occurrences, Tajik spelling only)
 * from the reference Tajik text in ../shared/tajik-text (an explanatory dictionary's entries and six Presidential
 * Addresses, MIT; see data/SOURCES.md). Only derived counts are shipped, never the text. Language ID reads the share
 * of a text's words this list knows as evidence for Tajik; the UI strings it is measured on are not among the
 * sources, so the measurement stays honest. Run from the repository root:
 *   node --import tsx packages/normalize/scripts/build-tajik-words.ts [../shared/tajik-text]
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const dir = process.argv[2] ?? path.resolve(import.meta.dirname, "../../../../shared/tajik-text");
const counts = new Map<string, number>();
for (const f of readdirSync(dir).filter((n) => n.endsWith(".txt") && !n.startsWith("udhr"))) {
  const text = readFileSync(path.join(dir, f), "utf8").toLowerCase();
  for (const m of text.matchAll(/[абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшщъыьэюя]{2,}/g))
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
}
const kept = [...counts].filter(([, c]) => c >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
const out = new URL("../data/tajik-words.txt.gz", import.meta.url).pathname;
writeFileSync(out, gzipSync(`${kept.map(([w, c]) => `${w}\t${c}`).join("\n")}\n`, { level: 9 }));
console.error(`${out}: ${kept.length} forms`);
