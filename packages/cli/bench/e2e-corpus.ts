// The e2e bench's documents: realistic Tajik web documents built (seeded) from the real text in
// ../shared/tajik-text, written as 8 JSONL files. `CORPUS_RECIPE` is printed by the bench and copied in the README.
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "@soro/core";
import { toLegacyA, toRussianKeyboard } from "@soro/normalize";
import { tajikTextLines, udhrParagraphs } from "@soro/samples";

export const CORPUS_RECIPE = `\
Each document (~4 KB on average, like web text) is 2-8 paragraphs on one of 400 hosts. A prose paragraph is 2-3
sentences drawn at random from the Presidential addresses (komdil_payom.txt, ~1.7k sentences); a glossary paragraph
is 2-4 entries of the explanatory dictionary (komdil_dictionary.txt, 50k entries); 60% prose. Added like a crawl: a
Russian UDHR paragraph in one document of six, a phone line in one of eleven, each host's menu and footer lines on
about a third of its documents (boilerplate for the repeated-line rules), 2% short junk (a menu alone), 2% in
legacy font A and 2% typed on a Russian keyboard (normalize's repairs), 4% near-copies of a recent document (a
paragraph dropped, a sentence added) and 1% exact copies under another URL (the planted duplicates). Paragraphs are
random sentence mixes, so no paragraph recurs verbatim except the boilerplate; but the real text is only ~9 MB, so
at 1 GB each sentence recurs ~100 times (the bench prints the factor): word- and line-level caches (normalize,
tokenizer) hit more often than on a real crawl, MinHash costs the same per shingle, and LSH sees few chance
candidates because two random mixes share few 5-word shingles.`;

export interface CorpusStats {
  bytes: number;
  docs: number;
  /** UTF-8 bytes and UTF-16 characters of the documents' text (to turn catalog character counts into MB). */
  textBytes: number;
  textChars: number;
  /** UTF-8 bytes of the distinct real text the documents are drawn from. */
  sourceBytes: number;
}

const HOSTS = 400;
const MENUS = [
  "Саҳифаи асосӣ | Хабарҳо | Тамос",
  "Ворид шудан Бақайдгирӣ",
  "Ҳамаи ҳуқуқҳо ҳифз шудаанд © 2024",
];

/** Writes documents into `dir` (8 JSONL files) until their JSONL reaches `targetBytes`. */
export async function writeCorpus(dir: string, targetBytes: number, seed = 20261204): Promise<CorpusStats> {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const payom = tajikTextLines("komdil_payom.txt");
  const dict = tajikTextLines("komdil_dictionary.txt");
  const sentences = payom.flatMap((p) => p.split(/(?<=[.!?])\s+/)).filter((s) => s.length > 20);
  const russian = await udhrParagraphs("rus");
  const encoder = new TextEncoder();
  const sourceBytes = [...payom, ...dict].reduce((n, l) => n + encoder.encode(l).length + 1, 0);
  const hostLines = Array.from({ length: HOSTS }, (_, h) => ({
    menu: `${pick(MENUS)} | сайт-${h}`,
    footer: `© ${2010 + (h % 15)} site-${h}.tj — ${pick(MENUS)}`,
  }));
  const paragraph = () =>
    rand() < 0.6
      ? Array.from({ length: between(2, 3) }, () => pick(sentences)).join(" ")
      : Array.from({ length: between(2, 4) }, () => pick(dict)).join(" ");

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: 8 }, (_, k) => createWriteStream(path.join(dir, `part-${k}.jsonl`)));
  const recent: string[] = [];
  const stats: CorpusStats = { bytes: 0, docs: 0, textBytes: 0, textChars: 0, sourceBytes };
  while (stats.bytes < targetBytes) {
    const docs = stats.docs;
    const host = docs % HOSTS;
    const r = rand();
    let text: string;
    if (r < 0.04 && recent.length > 0) {
      const paras = pick(recent).split("\n");
      paras.splice(Math.floor(rand() * paras.length), 1);
      paras.push(pick(sentences));
      text = paras.join("\n");
    } else if (r < 0.05 && recent.length > 0) text = pick(recent);
    else if (r < 0.07) text = pick(MENUS);
    else {
      const paras = Array.from({ length: between(2, 8) }, paragraph);
      if (docs % 6 === 0) paras.splice(1, 0, pick(russian));
      if (docs % 11 === 0) paras.push(`Тамос: +992 (37) 221-${10 + (docs % 80)}-45`);
      if (rand() < 0.35) paras.unshift(hostLines[host]!.menu);
      if (rand() < 0.35) paras.push(hostLines[host]!.footer);
      text = paras.join("\n");
      if (r < 0.09) text = toLegacyA(text);
      else if (r < 0.11) text = toRussianKeyboard(text);
    }
    if (recent.length < 500) recent.push(text);
    else recent[Math.floor(rand() * 500)] = text;
    const line = `${JSON.stringify({ id: `doc-${docs}`, text, url: `https://site-${host}.tj/${docs}` })}\n`;
    const f = files[docs % files.length]!;
    if (!f.write(line)) await new Promise<void>((res) => f.once("drain", () => res()));
    stats.bytes += Buffer.byteLength(line);
    stats.textBytes += Buffer.byteLength(text);
    stats.textChars += text.length;
    stats.docs++;
  }
  await Promise.all(files.map((f) => new Promise<void>((res) => f.end(() => res()))));
  return stats;
}
