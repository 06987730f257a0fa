import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const dataUrl = (name: string) => new URL(`../data/${name}`, import.meta.url);

/** One LibreOffice UI message in English and Tajik. */
export interface UiString {
  module: string;
  context: string;
  en: string;
  tg: string;
}

/** Tesseract's Tajik word list (~227k forms, noisy: legacy-encoded and OCR-damaged forms included). */
export function tesseractTajikWords(): string[] {
  return gunzipSync(readFileSync(dataUrl("tgk-tesseract-words.txt.gz")))
    .toString("utf8")
    .split("\n")
    .filter((w) => w.length > 0);
}

/** LibreOffice's Tajik UI strings with their English originals (~5.5k distinct pairs). */
export function libreofficeTajikStrings(): UiString[] {
  const lines = gunzipSync(readFileSync(dataUrl("libreoffice-tg.tsv.gz")))
    .toString("utf8")
    .split("\n");
  return lines
    .slice(1)
    .filter((l) => l.length > 0)
    .map((line) => {
      const [module = "", context = "", en = "", tg = ""] = line.split("\t");
      return { module, context, en, tg };
    });
}
