import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, type Document, makeDocument, SourceRun, seededRandom } from "@soro/core";
import { type UdhrCode, udhrSections } from "@soro/samples";
import { exactJaccard } from "../src/index.js";

const made: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs`. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-dedup-"));
  made.push(dir);
  return dir;
}

/** Removes the temporary folders made so far (call in afterAll). */
export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** The planted corpora draw from core's seeded generator, so they are the same on every run. */
export const prng = seededRandom;

/** Typing Tajik without its own letters, as about one web sentence in ten does. */
export function withoutTajikLetters(text: string): string {
  const map: Record<string, string> = {
    ҳ: "х",
    ҷ: "ч",
    қ: "к",
    ғ: "г",
    ӣ: "и",
    ӯ: "у",
    Ҳ: "Х",
    Ҷ: "Ч",
    Қ: "К",
    Ғ: "Г",
  };
  return text.replace(/[ҳҷқғӣӯҲҶҚҒ]/g, (c) => map[c] ?? c);
}

/** Replaces random words of `text` with words from `pool` until its Jaccard to the original is at most `target`. */
export function editToJaccard(text: string, target: number, pool: string[], rnd: () => number): string {
  const words = text.split(" ");
  for (let tries = 0; tries < 1000; tries++) {
    words[Math.floor(rnd() * words.length)] = pool[Math.floor(rnd() * pool.length)]!;
    const next = words.join(" ");
    if (exactJaccard(text, next) <= target) return next;
  }
  return words.join(" ");
}

const LANGS: UdhrCode[] = ["tgk", "rus", "uzn_cyrl", "kir", "kaz", "tat"];

/**
 * Real UDHR text (Tajik and the languages it sits beside) as documents with planted duplicates: windows of three
 * articles as originals, overlapping windows (Jaccard about 0.5) as look-alikes that must not merge, edited
 * copies at known Jaccard 0.85–0.97, low-Jaccard rewrites (about 0.6), and Tajik republications typed without
 * Tajik letters and with other punctuation (exact duplicates under the folded key).
 */
export async function plantedCorpus(seed = 7): Promise<Document[]> {
  const rnd = prng(seed);
  const docs: Document[] = [];
  const pool: string[] = [];
  const bases: Array<{ lang: UdhrCode; text: string; n: number }> = [];
  for (const lang of LANGS) {
    const sections = (await udhrSections(lang)).map((s) => [s.heading, ...s.paragraphs].join("\n"));
    for (const s of sections) pool.push(...s.split(/\s+/).filter((w) => w.length > 3));
    for (let start = 0; start + 3 <= sections.length; start += 3) {
      bases.push({ lang, text: sections.slice(start, start + 3).join("\n"), n: bases.length });
      if (lang === "tgk" && start + 4 <= sections.length) {
        const text = sections.slice(start + 1, start + 4).join("\n");
        docs.push(makeDocument({ text, source: "web", url: `https://overlap.tj/${start}` }));
      }
    }
  }
  const day = (d: number) => `2026-0${1 + (d % 9)}-1${d % 10}T00:00:00Z`;
  for (const b of bases) {
    docs.push(
      makeDocument({
        text: b.text,
        source: "web",
        url: `https://site${b.n % 5}.example/${b.lang}/${b.n}`,
        fetched_at: day(b.n),
      }),
    );
    if (b.n % 2 === 0) {
      const target = [0.97, 0.93, 0.9][b.n % 3]!;
      const edited = editToJaccard(b.text, target, pool, rnd);
      const edu = b.n % 4 === 0;
      docs.push(
        makeDocument({
          text: edited,
          source: edu ? "edu" : "web",
          url: edu ? null : `https://mirror.example/${b.n}`,
          path: edu ? `textbooks/${b.n}.txt` : null,
          fetched_at: day(b.n + 1),
        }),
      );
    }
    if (b.n % 5 === 1)
      docs.push(
        makeDocument({
          text: editToJaccard(b.text, 0.6, pool, rnd),
          source: "web",
          url: `https://rewrite.example/${b.n}`,
        }),
      );
    if (b.lang === "tgk" && b.n % 3 === 1) {
      const copy = withoutTajikLetters(b.text).replaceAll(",", " ,").replaceAll(".", "!");
      docs.push(
        makeDocument({
          text: copy,
          source: "web",
          url: `https://news.example/${b.n}`,
          fetched_at: day(b.n + 2),
        }),
      );
    }
  }
  return docs;
}

/** A workspace whose `select` stage holds `docs` in `shards` shards. */
export async function seedSelect(dir: string, docs: Document[], shards: number): Promise<void> {
  const catalog = await Catalog.open(dir, { create: true });
  try {
    const run = await SourceRun.begin(catalog, "select", { test: true });
    const per = Math.ceil(docs.length / shards);
    for (let s = 0; s < shards; s++) {
      const part = docs.slice(s * per, (s + 1) * per).map((doc) => ({ doc }));
      if (part.length > 0) await run.add(`part-${s}`, `part-${String(s).padStart(3, "0")}`, part);
    }
    await run.finish();
  } finally {
    catalog.close();
  }
}
