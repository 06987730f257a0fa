import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { makeDocument, type NewDocument, SOURCES, type SourceItem } from "@soro/core";

/** What every reader needs to make documents from one file. */
export interface ReaderContext {
  file: string;
  source: NewDocument["source"];
  /** Metadata merged into every document (sidecar, command line). */
  meta: Record<string, unknown>;
  /** JSONL: the field holding the text (default `text`). */
  textField: string;
}

/** Documents from a JSON Lines file, one per line; a bad line is quarantined with its line number. */
export async function* readJsonl(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const lines = createInterface({
    input: createReadStream(ctx.file, "utf8"),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    const where = `${ctx.file}:${n}`;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      yield {
        bad: { input: where, reason: `not JSON: ${(err as Error).message}`, excerpt: line.slice(0, 200) },
      };
      continue;
    }
    const text = rec[ctx.textField];
    if (typeof text !== "string" || text.trim() === "") {
      yield {
        bad: { input: where, reason: `no text in field "${ctx.textField}"`, excerpt: line.slice(0, 200) },
      };
      continue;
    }
    const source = SOURCES.includes(rec.source as NewDocument["source"])
      ? (rec.source as NewDocument["source"])
      : ctx.source;
    const recMeta = rec.meta && typeof rec.meta === "object" ? (rec.meta as Record<string, unknown>) : {};
    yield {
      doc: makeDocument({
        text,
        source,
        url: typeof rec.url === "string" ? rec.url : null,
        path: typeof rec.url === "string" ? null : where,
        fetched_at: typeof rec.fetched_at === "string" ? rec.fetched_at : undefined,
        meta: { ...ctx.meta, ...recMeta },
      }),
    };
  }
}

/** One document from a UTF-8 text file (a leading BOM is dropped). */
export async function* readText(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const text = (await readFile(ctx.file, "utf8")).replace(/^\uFEFF/, "");
  if (text.trim() === "") {
    yield { bad: { input: ctx.file, reason: "empty text file" } };
    return;
  }
  yield { doc: makeDocument({ text, source: ctx.source, path: ctx.file, meta: ctx.meta }) };
}
