// MinHash signature throughput beside the raw xxhash rate over the same bytes (the floor a MinHash cannot beat),
// on real Tajik text (UDHR paragraphs assembled into ~3 KB documents). One thread.
// Run: node --import tsx packages/dedup/bench/signatures.bench.ts [MB]
import { udhrParagraphs } from "@soro/samples";
import { foldForKey, MinHasher, xxhashApi } from "../src/index.js";

const targetMB = Number(process.argv[2] ?? 8);
const paragraphs = await udhrParagraphs("tgk");
const docs: string[] = [];
let bytes = 0;
const encoder = new TextEncoder();
for (let i = 0; bytes < targetMB * 1e6; i++) {
  const parts: string[] = [];
  for (let len = 0; len < 3000; ) {
    const p = paragraphs[(i * 7 + parts.length * 13) % paragraphs.length]!;
    parts.push(p);
    len += p.length;
  }
  // A counter keeps documents distinct, so no step can take a shortcut on repeats.
  const text = `${parts.join("\n")} ${i}`;
  docs.push(text);
  bytes += encoder.encode(text).length;
}
const xx = await xxhashApi();
const hasher = await MinHasher.create();
const encoded = docs.map((d) => encoder.encode(d));

function time(label: string, fn: () => void): number {
  fn(); // warm-up
  const t = performance.now();
  fn();
  const s = (performance.now() - t) / 1000;
  console.log(
    `${label.padEnd(44)} ${(bytes / 1e6 / s).toFixed(1).padStart(8)} MB/s ${Math.round(docs.length / s)
      .toString()
      .padStart(9)} docs/s`,
  );
  return bytes / 1e6 / s;
}

console.log(
  `${docs.length} documents, ${(bytes / 1e6).toFixed(1)} MB of Tajik UTF-8, 1 thread, ${hasher.size} hash functions`,
);
const raw = time("raw xxhash64 over each document's bytes", () => {
  for (const b of encoded) xx.h64Raw(b);
});
time("fold (NFKD, lowercase, marks, Tajik letters)", () => {
  for (const d of docs) foldForKey(d);
});
const sig = time("MinHash signature (fold + shingles + OPH)", () => {
  for (const d of docs) hasher.signature(d);
});
time("exact key + signature (one fold, the stage)", () => {
  for (const d of docs) hasher.keys(d);
});
console.log(`signature rate / raw hash rate: ${((100 * sig) / raw).toFixed(1)}%`);
