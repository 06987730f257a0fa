import { SoroError, UsageError } from "@soro/core/base";
import { DEFAULT_PDF_LIMITS } from "@soro/pdf/defaults";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";

/** Options shared by `pdf extract` and `pdf ingest`. */
interface PdfFlags {
  ocr?: boolean;
  maxPages: string;
  pageTimeout: string;
}

/** A positive integer flag, or a usage error naming it. */
function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`soro pdf: ${flag} ${value} is not a positive integer`, `give e.g. ${flag} 100`);
  return n;
}

/** Adds the flags both subcommands take. */
function withPdfFlags(cmd: Command): Command {
  return cmd
    .option("--ocr", "OCR pages without a usable text layer (needs tesseract-ocr-tgk and poppler-utils)")
    .option("--max-pages <n>", "refuse files with more pages", String(DEFAULT_PDF_LIMITS.maxPages))
    .option(
      "--page-timeout <s>",
      "cut off a page (and refuse its file) after this many seconds",
      String(DEFAULT_PDF_LIMITS.pageTimeoutMs / 1000),
    );
}

/** `soro pdf extract` and `soro pdf ingest`: text out of Tajik PDFs. */
export function registerPdfCommands(program: Command): void {
  const pdf = program
    .command("pdf")
    .description("text from PDFs: layout, de-hyphenation, legacy Tajik fonts, OCR fallback");

  withPdfFlags(
    pdf
      .command("extract")
      .description("print the extracted text of one PDF (metadata on stderr)")
      .argument("<file>", "a PDF file"),
  ).action(async (file: string, o: PdfFlags) => {
    const { checkOcrTools, extractPdf, PdfInputError } = await import("@soro/pdf");
    if (o.ocr) checkOcrTools();
    try {
      const r = await extractPdf(file, {
        ocr: o.ocr,
        maxPages: positive(o.maxPages, "--max-pages"),
        pageTimeoutMs: positive(o.pageTimeout, "--page-timeout") * 1000,
      });
      process.stdout.write(`${r.text}\n`);
      const legacy = r.legacy
        ? `, legacy font repaired with ${r.legacy.mapping} on pages ${r.legacy.pages.join(",")}`
        : "";
      const ocr = r.ocrPages.length ? `, OCR on pages ${r.ocrPages.join(",")}` : "";
      const empty = r.emptyPages.length
        ? `, no text on pages ${r.emptyPages.join(",")}${o.ocr ? "" : " (try --ocr)"}`
        : "";
      console.error(`${file}: ${r.pages} pages, ${r.text.length} chars${legacy}${ocr}${empty}`);
    } catch (err) {
      if (err instanceof PdfInputError)
        throw new SoroError(
          `soro pdf extract: ${file}: ${err.reason}`,
          "check the file; `soro pdf ingest` quarantines such files and goes on",
          1,
        );
      throw err;
    }
  });

  withPdfFlags(
    pdf
      .command("ingest")
      .description("bring PDF files or folders (recursively) into the catalog as documents of source pdf")
      .argument("[paths...]", "PDF files or folders")
      .option("--from-crawl", "also the PDFs the crawler kept (with the URLs they came from)")
      .option(
        "--file-timeout <s>",
        "cut off a whole file after this many seconds",
        String(DEFAULT_PDF_LIMITS.fileTimeoutMs / 1000),
      ),
  ).action(
    async (paths: string[], o: PdfFlags & { fileTimeout: string; fromCrawl?: boolean }, cmd: Command) => {
      if (paths.length === 0 && !o.fromCrawl) {
        throw new UsageError("soro pdf ingest: no PDFs named", "give files or folders, or --from-crawl");
      }
      await withCatalog(
        cmd,
        async (c) => {
          const { crawledPdfs, ingestPdfs } = await import("@soro/pdf");
          const urls = o.fromCrawl ? await crawledPdfs(c) : new Map<string, string>();
          const s = await ingestPdfs(c, [...paths, ...urls.keys()], {
            urls,
            ocr: o.ocr,
            maxPages: positive(o.maxPages, "--max-pages"),
            pageTimeoutMs: positive(o.pageTimeout, "--page-timeout") * 1000,
            fileTimeoutMs: positive(o.fileTimeout, "--file-timeout") * 1000,
            workers: workerCount(cmd),
            progress: globals(cmd).quiet ? "quiet" : "auto",
            onFile: (file, outcome, detail) => {
              if (outcome !== "ingested")
                console.error(`${outcome.padEnd(12)} ${file}${detail ? `: ${detail}` : ""}`);
            },
          });
          console.log(
            `pdf ingest: ${s.files} files: ${s.ingested} ingested (${s.pages} pages, ${s.chars} chars), ${s.unchanged} unchanged, ${s.quarantined} quarantined`,
          );
        },
        { create: true },
      );
    },
  );
}
