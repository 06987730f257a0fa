import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { firstLine, type NewDocument, readShard, SOURCES, SoroError, type SourceItem } from "@soro/core";
import { parse } from "csv-parse";
import { docItem, type ReaderContext } from "../context.js";
import { EncodingTally, lineProblem, openLines } from "../text-stream.js";

/**
 * A document from one record (a JSONL object, a CSV row, a Parquet row): the text field is required; `url`,
 * `source`, `fetched_at` and a `meta` object (or JSON string) are honoured when present.
 */
export function recordItem(
  ctx: ReaderContext,
  rec: Record<string, unknown>,
  where: string,
  extra: Record<string, unknown>,
): SourceItem {
  const text = rec[ctx.textField];
  if (typeof text !== "string" || text.trim() === "")
    return {
      bad: {
        input: where,
        reason: `no text in field "${ctx.textField}" (set --text-field)`,
        excerpt: JSON.stringify(rec).slice(0, 200),
      },
    };
  let recMeta: Record<string, unknown> = {};
  if (rec.meta && typeof rec.meta === "object") recMeta = rec.meta as Record<string, unknown>;
  else if (typeof rec.meta === "string" && rec.meta.startsWith("{")) {
    try {
      recMeta = JSON.parse(rec.meta) as Record<string, unknown>;
    } catch {
      // A meta column that is not JSON is kept as it is rather than lost.
      recMeta = { meta: rec.meta };
    }
  }
  const source = SOURCES.includes(rec.source as NewDocument["source"])
    ? (rec.source as NewDocument["source"])
    : undefined;
  return docItem(
    ctx,
    text,
    where,
    { ...extra, ...recMeta },
    {
      url: typeof rec.url === "string" && rec.url !== "" ? rec.url : null,
      fetched_at: typeof rec.fetched_at === "string" ? rec.fetched_at : undefined,
      source,
    },
  );
}

/** Documents from a JSON Lines file, one per line decoded on its own; a bad, undecodable or overlong line is quarantined with its number. */
export async function* readJsonl(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const { lines } = await openLines(ctx.input, ctx.limits.maxLineChars);
  for await (const l of lines) {
    const where = `${ctx.input.name}:${l.n}`;
    const problem = lineProblem(l, ctx.limits.maxLineChars);
    if (problem !== null || !("line" in l)) {
      yield { bad: { input: where, reason: problem ?? "unreadable line" } };
      continue;
    }
    if (l.line.trim() === "") continue;
    let rec: unknown;
    try {
      rec = JSON.parse(l.line);
    } catch (err) {
      yield {
        bad: {
          input: where,
          reason: `not JSON: ${firstLine((err as Error).message)}`,
          excerpt: l.line.slice(0, 200),
        },
      };
      continue;
    }
    if (!rec || typeof rec !== "object" || Array.isArray(rec)) {
      yield { bad: { input: where, reason: "not a JSON object", excerpt: l.line.slice(0, 200) } };
      continue;
    }
    yield recordItem(ctx, rec as Record<string, unknown>, where, {
      format: "jsonl",
      encoding: l.encoding,
      bad_bytes: l.badBytes,
    });
  }
}

/**
 * Documents from a CSV or TSV file with a header row, its lines decoded one by one; a malformed row or a line no
 * encoding reads is quarantined and parsing goes on.
 */
export async function* readCsv(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const tsv = ctx.input.ext === ".tsv" || ctx.input.ext === ".tab";
  const format = tsv ? "tsv" : "csv";
  const { detected, lines } = await openLines(ctx.input, ctx.limits.maxLineChars);
  const fallback = detected.encoding.startsWith("utf-16") ? detected.encoding : "utf-8";
  const skipped: SourceItem[] = [];
  // Decoded lines by number, until the row that ends at or after them takes them.
  const decoded = new Map<number, { line: string; encoding: string; badBytes: number }>();
  const text = async function* (): AsyncGenerator<string> {
    for await (const l of lines) {
      const problem = lineProblem(l, ctx.limits.maxLineChars);
      if (problem !== null || !("line" in l)) {
        skipped.push({ bad: { input: `${ctx.input.name}:${l.n}`, reason: problem ?? "unreadable line" } });
        // An empty line keeps the parser's line numbers right; it is skipped as a row.
        yield "\n";
        continue;
      }
      decoded.set(l.n, l);
      yield `${l.line}\n`;
    }
  };
  const parser = parse({
    columns: true,
    delimiter: tsv ? "\t" : ",",
    // TSV has no quoting: a quote is text.
    quote: tsv ? false : '"',
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: ctx.limits.maxLineChars,
    skip_records_with_error: true,
    info: true,
    on_skip: (err) => {
      skipped.push({
        bad: {
          input: `${ctx.input.name}:${err?.lines ?? "?"}`,
          reason: `bad ${format} row: ${firstLine(err?.message ?? "")}`,
        },
      });
    },
  });
  let stopped = false;
  const feeding = pipeline(text(), parser).catch((err: Error) => {
    if (!stopped)
      skipped.push({
        bad: { input: ctx.input.name, reason: `${format} unreadable: ${firstLine(err.message)}` },
      });
  });
  let done = 0;
  for await (const row of parser as AsyncIterable<{
    record: Record<string, unknown>;
    info: { lines: number };
  }>) {
    for (let item = skipped.shift(); item; item = skipped.shift()) yield item;
    if (!(ctx.textField in row.record)) {
      yield {
        bad: {
          input: ctx.input.name,
          reason: `no column "${ctx.textField}" (columns: ${Object.keys(row.record).join(", ")}); set --text-field`,
        },
      };
      stopped = true;
      parser.destroy();
      break;
    }
    const tally = new EncodingTally(fallback);
    for (let n = done + 1; n <= row.info.lines; n++) {
      const l = decoded.get(n);
      if (l) tally.add(l);
      decoded.delete(n);
    }
    done = row.info.lines;
    yield recordItem(ctx, row.record, `${ctx.input.name}:${row.info.lines}`, { format, ...tally.meta() });
  }
  await feeding;
  for (let item = skipped.shift(); item; item = skipped.shift()) yield item;
}

/** Documents from a Parquet file, read through DuckDB in batches; an archived one is first copied to scratch. */
export async function* readParquet(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  let file = ctx.input.file;
  let scratch: string | null = null;
  if (!file) {
    scratch = path.join(ctx.tmpDir, `ingest-${process.pid}-${Date.now()}.parquet`);
    await mkdir(ctx.tmpDir, { recursive: true });
    await pipeline(ctx.input.open(), createWriteStream(scratch));
    file = scratch;
  }
  try {
    let row = 0;
    for await (const batch of readShard(file, { tmpDir: ctx.tmpDir })) {
      if (row === 0 && batch[0] && !(ctx.textField in batch[0])) {
        yield {
          bad: {
            input: ctx.input.name,
            reason: `no column "${ctx.textField}" (columns: ${Object.keys(batch[0]).join(", ")}); set --text-field`,
          },
        };
        return;
      }
      for (const rec of batch) {
        row++;
        yield recordItem(ctx, rec, `${ctx.input.name}#${row}`, { format: "parquet" });
      }
    }
  } catch (err) {
    if (err instanceof SoroError)
      throw new Error(`not readable Parquet: ${err.message.replace(/^soro: /, "")}`);
    throw err;
  } finally {
    if (scratch) await rm(scratch, { force: true });
  }
}
