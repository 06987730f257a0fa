/**
 * Builds data/lexicon.tsv.gz, the default Tajik lexicon, reproducibly from offline sources (see data/SOURCES.md):
 * LibreOffice's Tajik UI strings and the Tajik UDHR as running text, and Tesseract's tgk word list.
 * Run from the repository root: node --import tsx packages/normalize/scripts/build-lexicon.ts
 */
import { libreofficeTajikStrings, tesseractTajikWords, udhrParagraphs } from "@soro/samples";
import { buildLexicon } from "../src/lexicon-build.js";
import { dataFile } from "../src/tables.js";

const texts = [...libreofficeTajikStrings().map((s) => s.tg), ...(await udhrParagraphs("tgk"))];
const { lexicon, stats } = buildLexicon(texts, tesseractTajikWords());
lexicon.save(
  dataFile("lexicon.tsv.gz").pathname,
  "Tajik lexicon: word<TAB>count; built by scripts/build-lexicon.ts from LibreOffice tg strings, UDHR tgk and Tesseract tgk words",
);
console.log(`lexicon: ${JSON.stringify(stats)}`);
