import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { extractPdf, extractPdfData, PdfInputError } from "../src/index.js";
import { nestingBombPdf, notAPdf, zeroPagePdf } from "./bad-pdfs.js";
import { cer, expected, fixture } from "./cer.js";

const hasTesseract = (() => {
  try {
    return /^tgk$/m.test(execFileSync("tesseract", ["--list-langs"], { encoding: "utf8", stdio: "pipe" }));
  } catch {
    return false;
  }
})();

/** The quarantine reason extraction gives for a file or bytes. */
async function reason(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PdfInputError);
  return (err as PdfInputError).reason;
}

describe("born-digital Tajik PDFs", () => {
  it("reads a one-column file with running headers, page numbers, hyphens and a footnote mark", async () => {
    const r = await extractPdf(fixture("one-column.pdf"));
    expect(cer(r.text, expected("one-column"))).toBeLessThan(0.01);
    expect(r.pages).toBe(3);
    expect(r.title).toBe("Эъломияи умумии ҳуқуқи башар");
    expect(r.author).toBe("Созмони Милали Муттаҳид");
    expect(r.producer).toMatch(/LibreOffice/);
    expect(r.pageChars).toHaveLength(3);
    expect(r.pageChars.every((n) => n > 500)).toBe(true);
    expect(r.text).not.toMatch(/Саҳифаи/);
    expect(r.text.split("Эъломияи умумии ҳуқуқи башар")).toHaveLength(1);
    // The hyphen broke "тафовуте" across a page break; the superscript 1 after "бошанд." is gone.
    expect(r.text).toMatch(/набояд тафовуте гузошта/);
    expect(r.text).toMatch(/бародарона дошта бошанд\.\n/);
  });

  it("reads a two-column file column by column", async () => {
    const r = await extractPdf(fixture("two-column.pdf"));
    expect(cer(r.text, expected("two-column"))).toBeLessThan(0.01);
    expect(r.text).toMatch(/ҳеҷ як фард дахолати худсарона намудан ва ба дахлнопазирии манзил/);
  });

  it("repairs a legacy Tj-font page and records the mapping", async () => {
    const r = await extractPdf(fixture("legacy-tj.pdf"));
    expect(r.legacy).toEqual({ mapping: "tj-cp1251", pages: [1] });
    expect(cer(r.text, expected("legacy-tj"))).toBeLessThan(0.005);
    expect(r.text).not.toMatch(/[њљќѓїў]/);
  });
});

describe("textbook layouts: justified, hyphenated, running headers with a grade and a year", () => {
  const CAPTION = "Расми 1. Нақшаи рушди соҳаи энергетика дар солҳои 2015–2019";
  const lines = (t: string) => t.split("\n");
  const read = async (name: string) => (await extractPdf(fixture(`${name}.pdf`))).text;

  it.each(["cols-1", "cols-2", "cols-3", "chromium-2", "chromium-3"])(
    "reads %s in column order within 1% CER",
    async (name) => {
      const text = await read(name);
      expect(cer(text, expected(name))).toBeLessThanOrEqual(0.01);
      // Columns are not interleaved (no row of one column glued to a row of the next by a tab), and justified
      // lines set wide are not broken into lines of a word or two: only the table's rows hold tabs.
      const tabbed = lines(text).filter((l) => l.includes("\t"));
      expect(tabbed.map((l) => l.split("\t").length)).toEqual([3, 3, 3, 3]);
      expect(lines(text).filter((l) => !l.includes("\t") && l.split(" ").length < 3)).toEqual([]);
    },
  );

  it("drops running headers holding a number that is not the page number, and the page numbers", async () => {
    // Chromium's own header and footer hold the date and time, the title, the file's address and "page/pages".
    for (const name of ["cols-1", "cols-2", "cols-3", "chromium-2", "chromium-3"]) {
      const text = await read(name);
      expect(text).not.toMatch(/Синфи 9|Душанбе — 2024|file:\/\/|\d+\/\d+\/\d+|\b\d\/4\b/);
      expect(lines(text).filter((l) => /^\d+$/.test(l.trim()))).toEqual([]);
    }
  });

  it("joins words hyphenated across a page break behind a running header, and across columns", async () => {
    // "ҳоки-|мият" ends page 2 of cols-2; "байнал-|милалии" and "масъа-|лаҳои" end pages 1 and 3 of cols-3.
    expect(await read("cols-2")).toMatch(/мақомоти ҳокимият/);
    const three = await read("cols-3");
    expect(three).toMatch(/ташкилотҳои байналмилалии/);
    expect(three).toMatch(/ҳамчун масъалаҳои/);
    // No line-end hyphen is left inside the text: the compounds with a hyphen are the source's own.
    const inner = /\p{L}+- ?\p{Ll}+/gu;
    expect(three.match(inner)).toEqual(expected("cols-3").match(inner));
  });

  it("keeps the figure caption and the table rows apart from the running text", async () => {
    for (const name of ["cols-1", "cols-2", "cols-3", "chromium-2", "chromium-3"]) {
      const text = await read(name);
      expect(lines(text)).toContain(CAPTION);
      expect(lines(text)).toContain("2015\tИстеҳсоли барқ\t12,5");
      // The table's last row may go on at the top of the next column (as in cols-2) or wrap a cell (cols-3).
      expect(lines(text)).toContain("2024\tСохтмони роҳ\t15,0");
      // The paragraphs beside the figure and the table come out whole.
      const gold = lines(expected(name));
      for (const at of [gold.indexOf(CAPTION), gold.indexOf("Сол\tНишондиҳанда\tФоиз")]) {
        expect(lines(text)).toContain(gold[at - 1]);
      }
    }
  });
});

describe("scanned pages", () => {
  it("reports an image-only page as empty without OCR", async () => {
    const r = await extractPdf(fixture("scanned.pdf"));
    expect(r.text).toBe("");
    expect(r.emptyPages).toEqual([1]);
  });

  it.skipIf(!hasTesseract)("reads an image-only page with Tesseract's Tajik model", async () => {
    const r = await extractPdf(fixture("scanned.pdf"), { ocr: true });
    expect(r.ocrPages).toEqual([1]);
    expect(cer(r.text, expected("scanned"))).toBeLessThan(0.05);
  });
});

describe("bad input", () => {
  it("names encrypted, truncated, fake, empty and bomb files", async () => {
    expect(await reason(extractPdf(fixture("encrypted.pdf")))).toMatch(/^encrypted/);
    expect(await reason(extractPdf(fixture("truncated.pdf")))).toMatch(/^truncated/);
    expect(await reason(extractPdfData(notAPdf(), "fake.pdf"))).toMatch(/^malformed/);
    expect(await reason(extractPdfData(Buffer.from("hello"), "hello.pdf"))).toMatch(/not a PDF/);
    expect(await reason(extractPdfData(zeroPagePdf(), "zero.pdf"))).toMatch(/^empty/);
    expect(await reason(extractPdfData(nestingBombPdf(), "bomb.pdf"))).toMatch(
      /^malformed: structure nested/,
    );
  });

  it("refuses files past the page and size limits", async () => {
    expect(await reason(extractPdf(fixture("two-column.pdf"), { maxPages: 2 }))).toMatch(
      /too large: 4 pages/,
    );
    expect(await reason(extractPdf(fixture("two-column.pdf"), { maxBytes: 1000 }))).toMatch(
      /too large: \d+ bytes/,
    );
  });

  it("cuts off a page that takes too long", async () => {
    expect(await reason(extractPdf(fixture("two-column.pdf"), { pageTimeoutMs: 1 }))).toMatch(/^timeout/);
  });
});
