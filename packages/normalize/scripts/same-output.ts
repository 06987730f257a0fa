/**
 * Everything the normalize stage decides on fixed check sets, one line per item, so that a change meant to be
 * output-neutral (a speed-up) can be checked by diffing two dumps:
 *
 *   node --import tsx packages/normalize/scripts/same-output.ts /tmp/before.jsonl   (on the old commit)
 *   node --import tsx packages/normalize/scripts/same-output.ts /tmp/after.jsonl    (on the new one)
 *   diff /tmp/before.jsonl /tmp/after.jsonl
 *
 * Sets: the normalize bench's 600 documents, 70 documents of ../shared/tajik-text clean and damaged four ways
 * (analyseText: label, P(Tajik), line labels and P, text, steps), the language-ID evaluation items of both parts
 * (identifyLanguage), the Tajik ones damaged four ways and LibreOffice's Tajik UI strings (analyseText).
 *
 * With `--e2e <dir> [count]` it dumps analyseText of the first `count` (5,000) documents of the end-to-end bench's
 * JSONL files instead (see bench/normalize-profile.ts): realistic documents, whose glossary paragraphs of words
 * typed without Tajik letters send many lines to restoration's decoder.
 *
 *   node --import tsx packages/normalize/scripts/same-output.ts /tmp/e2e-before.jsonl --e2e /tmp/e2e-40MB
 */
import { writeFileSync } from "node:fs";
import { e2eDocuments } from "@soro/core/testing";
import { libreofficeTajikStrings, tajikTextDir, tajikTextLines } from "@soro/samples";
import { benchDocuments } from "../bench/bench-docs.js";
import { DAMAGE, evalItems } from "../bench/langid-eval.js";
import { analyseText } from "../src/analyse.js";
import { identifyLanguage } from "../src/langid.js";

const out = process.argv[2];
if (!out) throw new Error("usage: same-output.ts <output file> [--e2e <dir> [count]]");
const e2eAt = process.argv.indexOf("--e2e");

/** About 3 KB documents of real Tajik text, clean and damaged each way. */
function referenceDocs(): string[] {
  if (!tajikTextDir()) throw new Error("no ../shared/tajik-text: set SORO_TAJIK_TEXT");
  const lines = tajikTextLines("komdil_payom.txt");
  const docs: string[] = [];
  let cur: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (docs.length >= 70) break;
    cur.push(l);
    size += l.length;
    if (size > 1500) {
      docs.push(cur.join("\n"));
      cur = [];
      size = 0;
    }
  }
  return [...docs, ...Object.values(DAMAGE).flatMap((damage) => docs.map(damage))];
}

function analysed(text: string): string {
  const a = analyseText(text);
  return JSON.stringify([
    a.lang,
    a.langScore,
    a.converted,
    a.encoding,
    a.repairs,
    a.steps,
    a.lineLangs.join(" "),
    a.lineTgk.join(" "),
    a.tgkLineShare,
    a.rusLineShare,
    a.text,
  ]);
}

function identified(text: string): string {
  const r = identifyLanguage(text);
  return JSON.stringify([r.lang, r.score, r.tgk, r.by]);
}

if (e2eAt >= 0) {
  const dir = process.argv[e2eAt + 1];
  if (!dir) throw new Error("usage: same-output.ts <output file> --e2e <dir of e2e JSONL> [count]");
  const count = Number(process.argv[e2eAt + 2] ?? 5000);
  if (!Number.isInteger(count) || count <= 0)
    throw new Error(`--e2e count must be a positive integer: ${count}`);
  const docs = e2eDocuments(dir).slice(0, count);
  writeFileSync(out, `${docs.map((d) => `e2e ${analysed(d)}`).join("\n")}\n`);
  console.log(`${docs.length} e2e documents -> ${out}`);
  process.exit(0);
}

const rows: string[] = [];
const docs = [...(await benchDocuments()), ...referenceDocs()];
for (const d of docs) rows.push(`doc ${analysed(d)}`);
const items = [...evalItems("held-out").items, ...evalItems("tuning").items];
for (const it of items) rows.push(`langid ${identified(it.text)}`);
const tajik = items.filter((i) => i.lang === "tgk");
let damaged = 0;
for (const damage of Object.values(DAMAGE))
  for (const it of tajik) {
    rows.push(`damaged ${analysed(damage(it.text))}`);
    damaged++;
  }
const ui = [...new Set(libreofficeTajikStrings().map((s) => s.tg))];
for (const s of ui) rows.push(`ui ${identified(s)} ${analysed(s)}`);
writeFileSync(out, `${rows.join("\n")}\n`);
console.log(
  `${docs.length} documents, ${items.length} language-ID items, ${damaged} damaged Tajik items, ${ui.length} UI strings -> ${out}`,
);
