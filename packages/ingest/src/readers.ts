import path from "node:path";
import { firstLine, type SourceItem } from "@soro/core";
import type { Reader, ReaderContext } from "./context.js";
import { readEpub } from "./formats/epub.js";
import { readHtml } from "./formats/html.js";
import { readDocx, readOdt } from "./formats/office.js";
import { readCsv, readJsonl, readParquet } from "./formats/records.js";
import { readText } from "./formats/text.js";
import { checkMemberRatio, type Input, memberInput, readAll, zipMembers } from "./input.js";
import { isSidecar } from "./sidecar.js";

/** Readers by type extension (after compression suffixes are peeled off). */
export const READERS: Record<string, Reader> = {
  ".jsonl": readJsonl,
  ".ndjson": readJsonl,
  ".csv": readCsv,
  ".tsv": readCsv,
  ".tab": readCsv,
  ".parquet": readParquet,
  ".txt": readText,
  ".text": readText,
  ".md": readText,
  ".html": readHtml,
  ".htm": readHtml,
  ".xhtml": readHtml,
  ".docx": readDocx,
  ".odt": readOdt,
  ".epub": readEpub,
  ".zip": readArchive,
};

/** Formats whose documents carry their own metadata per record, so `edu` metadata may come from the records. */
export const RECORD_FORMATS = new Set([".jsonl", ".ndjson", ".csv", ".tsv", ".tab", ".parquet"]);

/** The note for PDFs: the pdf stage reads them (inside an archive, they are quarantined with this note). */
export const PDF_NOTE = "PDF: the pdf stage reads it (`soro pdf ingest`; `soro ingest` hands PDFs over)";

/** Runs a reader, turning a failure into a quarantine entry for its input: what was read before it stays. */
export async function* readSafely(reader: Reader, ctx: ReaderContext): AsyncGenerator<SourceItem> {
  try {
    yield* reader(ctx);
  } catch (err) {
    yield { bad: { input: ctx.input.name, reason: firstLine((err as Error).message || String(err), 300) } };
  }
}

/** Reads one input with the reader for its type; an unknown type or a PDF is quarantined with its reason. */
export async function* readInput(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  if (ctx.input.ext === ".pdf") {
    yield { bad: { input: ctx.input.name, reason: PDF_NOTE } };
    return;
  }
  const reader = READERS[ctx.input.ext];
  if (!reader) {
    yield { bad: { input: ctx.input.name, reason: `unsupported file type ${ctx.input.ext || "(none)"}` } };
    return;
  }
  yield* readSafely(reader, ctx);
}

/** Documents from every member of a zip archive (read as streams, nested archives included), each by its type. */
async function* readArchive(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const source = ctx.input.file ?? (await readAll(ctx.input, ctx.limits.maxFileBytes));
  for await (const member of zipMembers(source)) {
    const base = path.posix.basename(member.name);
    if (member.name.startsWith("__MACOSX/") || base.startsWith(".") || isSidecar(base)) continue;
    const input = memberInput(ctx.input.name, member, ctx.limits.maxInflateRatio) as Input;
    try {
      checkMemberRatio(member, ctx.limits.maxInflateRatio);
    } catch (err) {
      yield { bad: { input: input.name, reason: (err as Error).message } };
      continue;
    }
    yield* readInput({ ...ctx, input });
  }
}
