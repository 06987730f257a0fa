/** The counts of the shipped Tajik model, from the allowed real text (scripts/corpus.ts) and word lists. */
import { libreofficeTajikStrings, tesseractTajikWords } from "@soro/samples";
import { buildLexicon } from "../src/lexicon-build.js";
import { ModelCounter } from "../src/model-build.js";
import { learningTexts } from "./corpus.js";

/**
 * Counts the reference text: the addresses not held back (the development one only when `withDevelopment`), the
 * dictionary's headwords and glosses, UDHR, Tatoeba and Common Voice sentences, LibreOffice's Tajik UI strings as
 * running text, and Tesseract's word list (its legacy-font forms repaired and its Russian-keyboard twins dropped by
 * `buildLexicon`) once per form.
 */
export function referenceCounter(withDevelopment: boolean): ModelCounter {
  const counter = new ModelCounter();
  for (const t of learningTexts(withDevelopment)) counter.addText(t.name, t.licence, t.lines);
  counter.addText("LibreOffice tg UI strings (Debian libreoffice-l10n-tg)", "MPL-2.0", [
    ...new Set(libreofficeTajikStrings().map((s) => s.tg)),
  ]);
  const listed = buildLexicon([], tesseractTajikWords()).lexicon;
  counter.addWords(
    "Tesseract tgk word list (tesseract-ocr/langdata_lstm), cleaned",
    "Apache-2.0",
    listed.counts.keys(),
  );
  return counter;
}
