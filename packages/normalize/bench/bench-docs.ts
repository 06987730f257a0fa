import { tajikTextLines, udhrParagraphs } from "@soro/samples";
import { toRussianKeyboard } from "../src/damage.js";

/**
 * The normalize bench's "typical web text": real Tajik prose (the UDHR paragraphs) in ~3 KB documents with one
 * paragraph in ten typed without Tajik letters and one document in ten with a Russian paragraph (600 documents,
 * 1.8 MB of UTF-8).
 */
export async function benchDocuments(): Promise<string[]> {
  const tgk = await udhrParagraphs("tgk");
  return assemble(600, await udhrParagraphs("rus"), (i) => tgk[i % tgk.length] ?? "");
}

/**
 * Documents of the lines `lineAt(0)`, `lineAt(1)` ... (until `count` documents, or the first undefined), a new one
 * past 1,500 characters, with one line in ten typed without Tajik letters and a Russian paragraph of `rus` closing
 * one document in ten.
 */
function assemble(
  count: number,
  rus: readonly string[],
  lineAt: (i: number) => string | undefined,
): string[] {
  const docs: string[] = [];
  let cur: string[] = [];
  let size = 0;
  for (let i = 0; docs.length < count; i++) {
    const line = lineAt(i);
    if (line === undefined) break;
    cur.push(i % 10 === 3 ? toRussianKeyboard(line) : line);
    size += line.length;
    if (size > 1500) {
      if (docs.length % 10 === 0) cur.push(rus[docs.length % rus.length] ?? "");
      docs.push(cur.join("\n"));
      cur = [];
      size = 0;
    }
  }
  return docs;
}

/**
 * The same documents with every line made unlike any line seen before (a number in front, new for each `round`):
 * the bench's 107 UDHR paragraphs recur ~60 times, which caches of lines met before turn into free reads, while a
 * real crawl repeats mainly its boilerplate. Speed measured on these pays nothing for repetition.
 */
export function distinctLines(docs: readonly string[], round: number): string[] {
  let n = 0;
  return docs.map((d) =>
    d
      .split("\n")
      .map((line) => `${round}.${n++} ${line}`)
      .join("\n"),
  );
}

/**
 * Documents of a larger vocabulary than the UDHR's: ~3 KB of the Presidential addresses' paragraphs and the
 * explanatory dictionary's entries (../shared/tajik-text, each line used once), in turns of three paragraphs and
 * six entries, with one line in ten typed without Tajik letters and one document in ten with a Russian UDHR paragraph
 * (as `benchDocuments`): 1,500 documents, 4.5 MB of UTF-8, 60k distinct words, whose per-word records no longer all fit the
 * CPU caches, as on a crawl.
 */
export async function referenceDocuments(): Promise<string[]> {
  const prose = tajikTextLines("komdil_payom.txt");
  const dict = tajikTextLines("komdil_dictionary.txt");
  let p = 0;
  let d = 0;
  return assemble(1500, await udhrParagraphs("rus"), (i) =>
    (i % 9 < 3 && p < prose.length) || d >= dict.length ? prose[p++] : dict[d++],
  );
}
