import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  fileSha256,
  makeDocument,
  type SourceItem,
  SourceRun,
  startProgress,
  UsageError,
} from "@soro/core";
import { DEFAULT_PDF_LIMITS } from "./defaults.js";
import type { PdfText } from "./extract.js";
import { checkOcrTools } from "./ocr.js";
import { extractMany, type PoolOptions } from "./pool.js";

/** Options of a PDF ingest run. */
export interface PdfIngestOptions extends PoolOptions {
  /** Progress display mode (see startProgress). */
  progress?: "auto" | "log" | "quiet";
  /** Called once per file with what happened to it. */
  onFile?: (file: string, outcome: "ingested" | "unchanged" | "quarantined", detail?: string) => void;
  /** The URL each file was fetched from (PDFs kept by the crawler), recorded on its document. */
  urls?: ReadonlyMap<string, string>;
}

/** Totals of a PDF ingest run. */
export interface PdfIngestSummary {
  files: number;
  ingested: number;
  unchanged: number;
  quarantined: number;
  pages: number;
  chars: number;
}

/** Every .pdf file under the given paths (folders recursively), sorted. */
export async function listPdfs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new UsageError(`soro pdf ingest: ${p} does not exist`, "check the path");
    if (!info.isDirectory()) {
      out.push(p);
      continue;
    }
    for (const name of (await readdir(p, { recursive: true })).sort()) {
      const full = path.join(p, name);
      if (/\.pdf$/i.test(name) && (await stat(full)).isFile()) out.push(full);
    }
  }
  return out;
}

/** The source key of a file: its path and content hash, so an unchanged file is skipped and a changed one redone. */
async function sourceKey(file: string): Promise<string> {
  return `${path.resolve(file)}@${(await fileSha256(file)).slice(0, 16)}`;
}

/** The document metadata of an extracted PDF. */
export function pdfMeta(r: PdfText): Record<string, unknown> {
  return {
    pages: r.pages,
    title: r.title ?? null,
    author: r.author ?? null,
    producer: r.producer ?? null,
    page_chars: r.pageChars,
    legacy_mapping: r.legacy?.mapping ?? null,
    legacy_pages: r.legacy?.pages ?? [],
    ocr_pages: r.ocrPages,
    empty_pages: r.emptyPages,
  };
}

/** The source item of one file's outcome: a document, or a quarantine entry with its reason. */
function item(file: string, r: PdfText, ocr: boolean, url?: string): SourceItem {
  if (!r.text.trim()) {
    const hint = ocr ? "OCR found no text either" : "it may be scanned: rerun with --ocr";
    return { bad: { input: file, reason: `no text: ${r.pages} page(s) without a text layer (${hint})` } };
  }
  return {
    doc: makeDocument({
      text: r.text,
      source: "pdf",
      url: url ?? null,
      path: path.resolve(file),
      meta: pdfMeta(r),
    }),
  };
}

/**
 * Ingests PDF files and folders into source shards of stage `pdf`, one commit per file (keyed by path and
 * content hash, so a rerun skips done files). Bad files are quarantined with their reason; the batch goes on.
 */
export async function ingestPdfs(
  catalog: Catalog,
  paths: string[],
  opts: PdfIngestOptions = {},
): Promise<PdfIngestSummary> {
  if (opts.ocr) checkOcrTools();
  const files = await listPdfs(paths);
  const { progress: mode, onFile, urls, ...pool } = opts;
  const run = await SourceRun.begin(catalog, "pdf", {
    ocr: !!opts.ocr,
    maxPages: opts.maxPages ?? DEFAULT_PDF_LIMITS.maxPages,
  });
  const summary: PdfIngestSummary = {
    files: files.length,
    ingested: 0,
    unchanged: 0,
    quarantined: 0,
    pages: 0,
    chars: 0,
  };
  const keys = new Map<string, string>();
  const todo: string[] = [];
  // A file quarantined for a timeout is kept under a key naming the limits: a rerun with longer ones tries it again.
  const timedOutKey = (key: string) =>
    `${key}#timeout:${opts.pageTimeoutMs ?? DEFAULT_PDF_LIMITS.pageTimeoutMs}:${opts.fileTimeoutMs ?? DEFAULT_PDF_LIMITS.fileTimeoutMs}`;
  for (const file of files) {
    const key = await sourceKey(file);
    if (run.has(key) || run.has(timedOutKey(key))) {
      summary.unchanged++;
      onFile?.(file, "unchanged");
    } else {
      keys.set(file, key);
      todo.push(file);
    }
  }
  const bar = startProgress({ label: "pdf", totalDocs: todo.length, mode: mode ?? "auto" });
  try {
    await extractMany(todo, pool, async (outcome) => {
      const { file } = outcome;
      const it: SourceItem =
        "bad" in outcome
          ? { bad: { input: file, reason: outcome.bad.reason, excerpt: outcome.bad.detail?.slice(0, 200) } }
          : item(file, outcome.result, !!opts.ocr, urls?.get(file));
      const key = keys.get(file) ?? file;
      const timedOut = "bad" in outcome && outcome.bad.reason.startsWith("timeout:");
      await run.add(timedOut ? timedOutKey(key) : key, path.basename(file, path.extname(file)), [it]);
      if (!("bad" in it)) await catalog.resolveQuarantine("pdf", file, run.runId);
      if ("bad" in it) {
        summary.quarantined++;
        onFile?.(file, "quarantined", it.bad.reason);
        bar.tick(1, 0);
      } else {
        summary.ingested++;
        summary.pages += "result" in outcome ? outcome.result.pages : 0;
        summary.chars += it.doc.text.length;
        onFile?.(file, "ingested");
        bar.tick(1, it.doc.text.length);
      }
    });
    bar.stop(
      `pdf: ${summary.ingested} ingested, ${summary.quarantined} quarantined, ${summary.unchanged} unchanged`,
    );
    await run.finish();
  } catch (err) {
    bar.stop();
    await run.finish(err as Error);
    throw err;
  }
  return summary;
}

/** The PDFs the crawler kept (table crawl_files, when the workspace has crawled), as absolute paths with their URLs. */
export async function crawledPdfs(catalog: Catalog): Promise<Map<string, string>> {
  const table = await catalog.rows(`SELECT 1 FROM duckdb_tables() WHERE table_name = 'crawl_files'`);
  if (table.length === 0) return new Map();
  const rows = await catalog.rows(
    `SELECT url, path FROM crawl_files
     WHERE content_type ILIKE '%pdf%' OR lower(path) LIKE '%.pdf' ORDER BY url`,
  );
  return new Map(rows.map((r) => [path.join(catalog.ws.dir, String(r.path)), String(r.url)]));
}
