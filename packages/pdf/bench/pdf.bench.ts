/**
 * Pages per second and character agreement of soro's extraction beside Poppler's pdftotext on the fixtures.
 *   node --import tsx packages/pdf/bench/pdf.bench.ts [rounds]   (needs poppler-utils)
 */
import { execFileSync } from "node:child_process";
import { extractPdf } from "../src/index.js";
import { cer, expected, fixture } from "../test/cer.js";

const rounds = Number(process.argv[2] ?? 5);
console.log("file\tpages\tsoro ms/page\tpdftotext ms/page\ttime ratio\tsoro CER\tpdftotext CER\tagreement");
for (const name of ["one-column", "two-column", "legacy-tj"]) {
  const file = fixture(`${name}.pdf`);
  let text = "";
  let pages = 0;
  await extractPdf(file); // warm-up: pdfjs loads its worker code and fonts once per process
  let t = performance.now();
  for (let i = 0; i < rounds; i++) ({ text, pages } = await extractPdf(file));
  const soro = (performance.now() - t) / rounds / pages;
  let poppler = "";
  t = performance.now();
  for (let i = 0; i < rounds; i++) poppler = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" });
  const pdftotext = (performance.now() - t) / rounds / pages;
  const want = expected(name);
  console.log(
    [
      name,
      pages,
      soro.toFixed(1),
      pdftotext.toFixed(1),
      (soro / pdftotext).toFixed(2),
      cer(text, want).toFixed(4),
      cer(poppler, want).toFixed(4),
      (1 - cer(text, poppler)).toFixed(4),
    ].join("\t"),
  );
}
