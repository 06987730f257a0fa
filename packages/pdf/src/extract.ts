import { readFile, stat } from "node:fs/promises";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { DEFAULT_PDF_LIMITS } from "./defaults.js";
import { type Fragment, flow, type Line, layoutPages, type Paragraph, pageLines } from "./layout.js";
import { detectLegacy, type LegacyMapping, repairLegacy } from "./legacy.js";
import { ocrPage } from "./ocr.js";
import { openPdf } from "./pdfjs.js";

/** Limits and switches of one file's extraction. */
export interface ExtractOptions {
  /** OCR pages with no usable text layer (needs tesseract-ocr-tgk and pdftoppm); default off. */
  ocr?: boolean;
  /** Files with more pages are refused (default DEFAULT_PDF_LIMITS.maxPages). */
  maxPages?: number;
  /** Files larger than this many bytes are refused (default 512 MiB). */
  maxBytes?: number;
  /** A page taking longer is cut off and the file refused (default DEFAULT_PDF_LIMITS.pageTimeoutMs; OCR included). */
  pageTimeoutMs?: number;
  /** Called as each page starts, with its number (1-based): the heartbeat a supervising thread watches. */
  onPage?: (page: number) => void;
}

/** What came out of one PDF. */
export interface PdfText {
  text: string;
  pages: number;
  title?: string;
  author?: string;
  producer?: string;
  /** Characters of each page's text after cleaning, page 1 first. */
  pageChars: number[];
  /** Legacy-font repair: which table, on which pages. */
  legacy?: { mapping: LegacyMapping; pages: number[] };
  /** Pages read by OCR. */
  ocrPages: number[];
  /** Pages left without text (no text layer and no OCR, or OCR found nothing). */
  emptyPages: number[];
}

/** A PDF that cannot be read, with the reason to quarantine it under. */
export class PdfInputError extends Error {
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
    this.name = "PdfInputError";
  }
}

/** A page has usable text when it has some letters and little that is not text. */
function readable(text: string): boolean {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  // Replacement characters, private-use code points and control characters: glyphs with no Unicode mapping.
  const junk = text.match(/[\uFFFD\uE000-\uF8FF]|(?![\t\n\r\f])\p{Cc}/gu)?.length ?? 0;
  const visible = text.replace(/\s/g, "").length;
  return letters >= 20 && letters >= 0.5 * visible && junk <= 0.05 * visible;
}

/** Races a promise with a timer: a page that hangs inside pdfjs or OCR is cut off. */
async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PdfInputError(`timeout: ${what} took longer than ${ms / 1000}s`)),
      ms,
    );
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The text runs of a page as positioned fragments (x from the page's left edge, y up from its bottom). */
async function fragments(page: PDFPageProxy): Promise<Fragment[]> {
  const [vx, vy] = page.view;
  const content = await page.getTextContent();
  const out: Fragment[] = [];
  for (const item of content.items) {
    if (!("str" in item) || item.str.length === 0) continue;
    const [a, b, c, d, e, f] = item.transform as number[];
    const size = Math.hypot(c ?? 0, d ?? 0) || Math.hypot(a ?? 0, b ?? 0) || item.height;
    const x0 = (e ?? 0) - (vx ?? 0);
    out.push({ str: item.str, x0, x1: x0 + item.width, y: (f ?? 0) - (vy ?? 0), size });
  }
  return out;
}

/** Names of the fonts a page draws with (evidence for legacy encodings; costs an operator-list pass). */
async function fontNames(page: PDFPageProxy): Promise<string[]> {
  const ops = await page.getOperatorList();
  const names = new Set<string>();
  ops.fnArray.forEach((fn, i) => {
    // setFont (OPS.setFont = 37) carries the loaded font's id as its first argument.
    if (fn !== 37) return;
    const id = (ops.argsArray[i] as unknown[])[0] as string;
    const font = page.commonObjs.has(id) ? (page.commonObjs.get(id) as { name?: string }) : undefined;
    if (font?.name) names.add(font.name.replace(/^[A-Z]{6}\+/, ""));
  });
  return [...names];
}

/** Turns pdfjs and limit failures into quarantine reasons. */
function reasonOf(err: unknown): PdfInputError {
  if (err instanceof PdfInputError) return err;
  const e = err as { name?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.name === "PasswordException") return new PdfInputError("encrypted: the file needs a password", msg);
  if (e?.name === "InvalidPDFException") return new PdfInputError("malformed: not a readable PDF", msg);
  if (err instanceof RangeError || /call stack/i.test(msg))
    return new PdfInputError("malformed: structure nested too deep (a PDF bomb?)", msg);
  return new PdfInputError(`unreadable: ${msg}`, msg);
}

/** Checks the envelope of a file before pdfjs sees it: a PDF header, and an end marker (else the file is cut short). */
function checkEnvelope(data: Uint8Array): void {
  const head = Buffer.from(data.subarray(0, 1024)).toString("latin1");
  if (!head.includes("%PDF-")) throw new PdfInputError("malformed: no %PDF- header (not a PDF)");
  const tail = Buffer.from(data.subarray(Math.max(0, data.length - 2048))).toString("latin1");
  if (!tail.includes("%%EOF"))
    throw new PdfInputError("truncated: no %%EOF at the end (an incomplete download?)");
}

/** Extracts the text of PDF bytes: layout, running headers removed, legacy fonts repaired, OCR where asked. */
export async function extractPdfData(
  data: Uint8Array,
  file: string,
  opts: ExtractOptions = {},
): Promise<PdfText> {
  const maxPages = opts.maxPages ?? DEFAULT_PDF_LIMITS.maxPages;
  const pageTimeout = opts.pageTimeoutMs ?? DEFAULT_PDF_LIMITS.pageTimeoutMs;
  checkEnvelope(data);
  let pdf: Awaited<ReturnType<typeof openPdf>> | undefined;
  try {
    pdf = await withTimeout(openPdf(data), pageTimeout, "opening the file");
    const { doc } = pdf;
    if (doc.numPages === 0) throw new PdfInputError("empty: the PDF has no pages");
    if (doc.numPages > maxPages)
      throw new PdfInputError(
        `too large: ${doc.numPages} pages (the limit is ${maxPages}; raise --max-pages)`,
      );
    const info = ((await doc.getMetadata().catch(() => undefined))?.info ?? {}) as Record<string, unknown>;
    const lines: Line[][] = [];
    const handles: PDFPageProxy[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      opts.onPage?.(n);
      const page = await withTimeout(doc.getPage(n), pageTimeout, `page ${n}`);
      const frags = await withTimeout(fragments(page), pageTimeout, `page ${n}`);
      lines.push(pageLines(frags));
      handles.push(page);
    }
    const cleaned = layoutPages(lines);
    const pageText = (ps: Paragraph[]) => ps.map((p) => p.text).join("\n");
    const whole = cleaned.map(pageText).join("\n");
    const legacyPages: number[] = [];
    let mapping: LegacyMapping | undefined;
    // Font names only matter when the letters already look legacy: fetching them costs a pass over the page.
    const docVerdict = detectLegacy(whole);
    const ocrPages: number[] = [];
    const emptyPages: number[] = [];
    for (const [i, paras] of cleaned.entries()) {
      const n = i + 1;
      const text = pageText(paras);
      const page = handles[i] as PDFPageProxy;
      const suspicious = /[њљќѓїўѕі]/iu.test(text);
      const verdict = suspicious
        ? (detectLegacy(text, await withTimeout(fontNames(page), pageTimeout, `page ${n}`)) ?? docVerdict)
        : undefined;
      if (verdict) {
        mapping = verdict.mapping;
        legacyPages.push(n);
        for (const p of paras) p.text = repairLegacy(p.text, verdict.mapping);
      }
      page.cleanup();
      if (readable(text)) continue;
      if (opts.ocr) {
        opts.onPage?.(n);
        const ocr = await withTimeout(ocrPage(file, n, pageTimeout), pageTimeout, `OCR of page ${n}`);
        if (ocr.trim()) {
          ocrPages.push(n);
          cleaned[i] = ocr.split("\n").map((t) => ({ text: t, top: 0, bottom: 0, lines: 1, open: false }));
          continue;
        }
      }
      if (!text.trim()) emptyPages.push(n);
    }
    const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);
    return {
      text: flow(cleaned),
      pages: doc.numPages,
      title: str(info.Title),
      author: str(info.Author),
      producer: str(info.Producer),
      pageChars: cleaned.map((ps) => pageText(ps).length),
      legacy: mapping ? { mapping, pages: legacyPages } : undefined,
      ocrPages,
      emptyPages,
    };
  } catch (err) {
    throw reasonOf(err);
  } finally {
    await pdf?.close();
  }
}

/** Extracts the text of a PDF file (see extractPdfData); bad files throw PdfInputError with the reason. */
export async function extractPdf(file: string, opts: ExtractOptions = {}): Promise<PdfText> {
  const size = (await stat(file)).size;
  const maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
  if (size > maxBytes) throw new PdfInputError(`too large: ${size} bytes (the limit is ${maxBytes})`);
  return extractPdfData(new Uint8Array(await readFile(file)), file, opts);
}
