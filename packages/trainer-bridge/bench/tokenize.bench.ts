// Tokenizer throughput on real Tajik text: `npx tsx packages/trainer-bridge/bench/tokenize.bench.ts [MB]`.
// Reports wall and CPU MB/s and tokens/s in this thread; the machine is shared, so CPU rates are the stable ones.
import { tesseractTajikWords, udhrParagraphs } from "@soro/samples";
import { loadTokenizer } from "../src/tokenizer.js";

const mb = Number(process.argv[2] ?? 4);
const paras = await udhrParagraphs("tgk");
const words = tesseractTajikWords();
const tok = loadTokenizer();
const corpora: Record<string, string[]> = { udhr: [], "udhr+wordforms": [] };
for (let i = 0, bytes = 0; bytes < mb * 1e6; i++) {
  const p = paras[i % paras.length]!;
  corpora.udhr!.push(p);
  bytes += Buffer.byteLength(p);
}
for (let i = 0, bytes = 0; bytes < mb * 1e6; i++) {
  const w = Array.from({ length: 200 }, (_, k) => words[(i * 200 + k) % words.length]).join(" ");
  const t = `${paras[i % paras.length]}\n${w}`;
  corpora["udhr+wordforms"]!.push(t);
  bytes += Buffer.byteLength(t);
}
for (const [name, docs] of Object.entries(corpora)) {
  const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
  const chars = docs.reduce((n, d) => n + d.length, 0);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let tokens = 0;
  for (const d of docs) tokens += tok.count(d);
  const wall = (performance.now() - t0) / 1000;
  const cpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6;
  console.log(
    `${name}: ${(bytes / 1e6).toFixed(1)} MB, ${tokens} tokens, ${(chars / tokens).toFixed(2)} chars/token; ` +
      `wall ${(bytes / 1e6 / wall).toFixed(2)} MB/s ${Math.round(tokens / wall)} tok/s; cpu ${(bytes / 1e6 / cpu).toFixed(2)} MB/s ${Math.round(tokens / cpu)} tok/s`,
  );
}
