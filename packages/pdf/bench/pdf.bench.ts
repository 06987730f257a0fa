/**
 * Character error rate and pages per second of soro's extraction beside Poppler's pdftotext, measured in the same
 * run, per layout: the committed fixtures (1, 2 and 3 columns, justified and hyphenated, running headers, a figure
 * and a table; the `heldout-*` and `chromium-*` ones were not looked at while the layout code was tuned) and any
 * PDFs with gold text in a folder given by path (`NAME.pdf` beside `NAME.txt`: real documents that may not be
 * committed).
 *   pnpm bench -- pdf [--rounds=N] [--pdf-data=DIR]      (needs poppler-utils)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { extractPdf } from "../src/index.js";
import { cer, fixture } from "../test/cer.js";

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? undefined;
const rounds = Number(arg("rounds") ?? 3);
const data = arg("pdf-data");

interface Case {
  name: string;
  layout: string;
  pdf: string;
  gold: string;
}

const cases: Case[] = [
  ["one-column", "1 col, ragged"],
  ["two-column", "2 col, ragged"],
  ["legacy-tj", "1 col, legacy font"],
  ["cols-1", "1 col, justified"],
  ["cols-2", "2 col, justified"],
  ["cols-3", "3 col, justified"],
  ["heldout-2", "2 col, held out"],
  ["heldout-3", "3 col, held out"],
  ["chromium-2", "2 col, held out, Chromium"],
  ["chromium-3", "3 col, held out, Chromium"],
].map(([name = "", layout = ""]) => ({
  name,
  layout,
  pdf: fixture(`${name}.pdf`),
  gold: fixture(`${name}.txt`),
}));
if (data) {
  if (!existsSync(data)) console.log(`--pdf-data=${data}: no such folder; only the fixtures are measured`);
  else
    for (const f of readdirSync(data).filter((f) => f.endsWith(".pdf"))) {
      const gold = path.join(data, f.replace(/\.pdf$/, ".txt"));
      if (existsSync(gold)) cases.push({ name: f, layout: "real", pdf: path.join(data, f), gold });
      else console.log(`${f}: no ${path.basename(gold)} beside it; skipped`);
    }
} else console.log("no --pdf-data=DIR given: real PDFs with gold text are not measured, only the fixtures");

const time = async (fn: () => Promise<unknown> | unknown) => {
  const t = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - t) / rounds;
};

console.log(
  [
    "file",
    "layout",
    "pages",
    "soro CER",
    "pdftotext CER",
    "soro ms/page",
    "pdftotext ms/page",
    "time ratio",
  ].join("\t"),
);
const byLayout = new Map<string, Array<[number, number]>>();
await extractPdf(cases[0]?.pdf ?? ""); // warm-up: pdfjs loads its code and fonts once per process
for (const c of cases) {
  const want = readFileSync(c.gold, "utf8");
  let text = "";
  let pages = 1;
  const soro = await time(async () => ({ text, pages } = await extractPdf(c.pdf)));
  let poppler = "";
  const peer = await time(() => (poppler = execFileSync("pdftotext", [c.pdf, "-"], { encoding: "utf8" })));
  const scores: [number, number] = [cer(text, want), cer(poppler, want)];
  // Grouped by column count, the fixtures measured only (held out) and real files apart.
  const cols = `${c.layout.split(",")[0] ?? c.layout}${c.layout.includes("held out") ? ", held out" : ""}`;
  byLayout.set(cols, [...(byLayout.get(cols) ?? []), scores]);
  console.log(
    [
      c.name,
      c.layout,
      pages,
      scores[0].toFixed(5),
      scores[1].toFixed(4),
      (soro / pages).toFixed(1),
      (peer / pages).toFixed(1),
      (soro / peer).toFixed(2),
    ].join("\t"),
  );
}
console.log("\nlayout\tfiles\tmean soro CER\tmean pdftotext CER\ttarget");
for (const [layout, scores] of byLayout) {
  const mean = (k: 0 | 1) => scores.reduce((s, x) => s + x[k], 0) / scores.length;
  const target = /^[23] col/.test(layout) ? (mean(0) <= 0.01 ? "≤ 0.01 met" : "≤ 0.01 MISSED") : "";
  console.log([layout, scores.length, mean(0).toFixed(4), mean(1).toFixed(4), target].join("\t"));
}
