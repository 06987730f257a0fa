/**
 * Writes every column analyzeText adds (and its new text) for a fixed set of varied documents, one JSON line each,
 * so a change meant to be only faster can be checked to give the same rows: dump before, dump after, `cmp`.
 *
 *   node --import tsx packages/quality/scripts/dump-signals.ts [--docs 5000] [--src DIR] > signals.jsonl
 *
 * `--src` reads analyzeText from another copy of packages/quality/src (e.g. the previous commit's), so old and new
 * code can be dumped from one checkout. The documents mix real Tajik text (../shared/tajik-text when present, the
 * UDHR otherwise), Russian and English lines, menus, bullets, numbers, templates, personal data, URLs, unsafe terms,
 * repeats, astral characters, combining marks and odd whitespace, chosen by a seeded generator.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { seededRandom } from "@soro/core";
import { identifyLines } from "@soro/normalize";
import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";

type Quality = typeof import("../src/index.js");

/** The varied documents, with the URL each is given (or none). */
export async function variedDocuments(count: number): Promise<Array<{ text: string; url: string | null }>> {
  const tg = [...new Set(await udhrParagraphs("tgk"))];
  const ru = [...new Set(await udhrParagraphs("rus"))];
  const en = [...new Set(await udhrParagraphs("eng"))];
  const real = tajikTextDir()
    ? ["komdil_payom.txt", "komdil_dictionary.txt", "udhr_tgk.txt", "tatoeba_tgk_eng-tgk-test.txt"].flatMap(
        (f) => tajikTextLines(f).slice(0, 4000),
      )
    : tg;
  const odd = [
    "Асосӣ | Хабарҳо | Тамос | Дар бораи мо",
    "Саҳифаи асосӣ",
    "«Ҷустуҷӯ»",
    "  Home / News / Contact  ",
    "Главная • Новости • Контакты • Поиск",
    "• Якум банди рӯйхат",
    "- дуюм банд бо рақами 2",
    "* сеюм банд...",
    "Ва ҳамин тавр…",
    "Тамос: +992 (37) 221-23-45, info@example.tj",
    "IP: 192.168.10.254, ID 1234 5678 9012 3456, паспорт A 12345678",
    "Рақами андоз 123456789, тел. 93-123-45-67",
    "Манбаъ: https://khovar.tj/2024/01/news-item?id=5 ва www.example.com/path",
    "Барои маълумоти бештар ба сомонаи https://president.tj/node/123 нигаред ва ба www.khovar.tj муроҷиат кунед.",
    "2023 12,5 34% 1 200 000",
    "Нарх: 12 сомонӣ",
    "Нарх: 15 сомонӣ",
    "Нарх: 120 сомонӣ",
    "| 1 | 2 | 3 |",
    "Ин матн фоҳишаҳо ва порнографияро дар бар мегирад.",
    "Террористон ва экстремизм, куштор ва зӯроварӣ.",
    "Текст про порно и проституток, убийство.",
    "Эмоджи 😀 ва ҳарфҳои 𝐀𝐁𝐂 дар матн 🇹🇯.",
    "Ҳарфҳои и\u0306 ва е\u0301 бо нишонаҳо.",
    "Нимҷуфт \ud800 танҳо ва \udc00 низ.",
    "Табулятсия\tва\u00a0фосила\u2003дигар.",
    "ПАЙОМИ ПРЕЗИДЕНТИ ҶУМҲУРИИ ТОҶИКИСТОН",
    "Café naïve façade — Ärger über Öl.",
    "#хештег @корбар $100 © 2024 ™ ± ≠ ∞",
    "...",
    "",
    "   ",
    "\r",
  ];
  const rand = seededRandom(992);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const hosts = [
    null,
    null,
    "https://khovar.tj/a",
    "https://pornhub.com/x",
    "http://www.sexy-site.ru/",
    "bad url",
  ];
  return Array.from({ length: count }, (_, k) => {
    const parts: string[] = [];
    const n = k % 50 === 0 ? 60 + Math.floor(rand() * 80) : 1 + Math.floor(rand() * 14);
    for (let j = 0; j < n; j++) {
      const r = rand();
      if (r < 0.35) parts.push(pick(real));
      else if (r < 0.55) parts.push(pick(tg));
      else if (r < 0.63) parts.push(pick(ru));
      else if (r < 0.68) parts.push(pick(en));
      else if (r < 0.9) parts.push(pick(odd));
      else if (parts.length > 0)
        parts.push(pick(parts)); // a repeated line or paragraph
      else parts.push(pick(tg));
      if (rand() < 0.25) parts.push("");
    }
    if (k % 7 === 0) parts.push(...parts.slice(0, 3)); // repeated n-grams across paragraphs
    const sep = k % 3 === 0 ? "\n\n" : "\n";
    let text = parts.join(sep);
    if (k % 13 === 0) text = text.toUpperCase();
    if (k % 17 === 0) text = `\n  ${text}\n\n`;
    if (k % 101 === 0) text = "";
    return { text, url: pick(hosts) };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const docs = Number(arg("--docs") ?? 5000);
  const src = arg("--src");
  const mod = (await import(
    src ? pathToFileURL(path.resolve(src, "index.ts")).href : "../src/index.js"
  )) as Quality;
  const documents = await variedDocuments(docs);
  // A curriculum vocabulary of every tenth document's words, graded by position, so the curriculum columns run too.
  const vocabFile = path.join(await mkdtemp(path.join(tmpdir(), "soro-dump-")), "vocab.tsv");
  const vocab = new Map<string, number>();
  for (const [k, { text }] of documents.entries())
    if (k % 10 === 0) for (const w of text.toLowerCase().match(/\p{L}+/gu) ?? []) vocab.set(w, 1 + (k % 12));
  await writeFile(vocabFile, [...vocab].map(([w, g]) => `${w}\t${g}`).join("\n"));
  const reading = await mod.readingModule.setup({
    ...mod.DEFAULT_SIGNALS_OPTIONS,
    curriculum: { file: vocabFile, sha256: "" },
  });
  const model = mod.shippedEduModel();
  for (const { text, url } of documents) {
    const labels = identifyLines(text, "tgk");
    const row = mod.analyzeText(text, labels, undefined, { url });
    const curriculum = mod.analyzeText(text, labels, undefined, {
      measures: [(ctx) => reading(ctx) as Record<string, unknown>],
    }).add;
    const eduRaw = mod.eduScore(model, row.text);
    process.stdout.write(`${JSON.stringify({ ...row, curriculum, eduRaw })}\n`);
  }
}
