import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { firstLine, type NewDocument, readShard, SOURCES, SoroError, type SourceItem } from "@soro/core";
import { parse } from "csv-parse";
import { docItem, type ReaderContext } from "../context.js";
import { lines, openText } from "../text-stream.js";

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

/** Documents from a JSON Lines file, one per line; a bad or overlong line is quarantined with its number. */
export async function* readJsonl(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const { detected, chunks } = await openText(ctx.input);
  const extra = { format: "jsonl", encoding: detected.encoding };
  for await (const l of lines(chunks, ctx.limits.maxLineChars)) {
    const where = `${ctx.input.name}:${l.n}`;
    if ("tooLong" in l) {
      yield {
        bad: {
          input: where,
          reason: `line of ${l.tooLong} characters is over the ${ctx.limits.maxLineChars} limit`,
        },
      };
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
    yield recordItem(ctx, rec as Record<string, unknown>, where, extra);
  }
}

/** Documents from a CSV or TSV file with a header row; a malformed row is quarantined and parsing goes on. */
export async function* readCsv(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const tsv = ctx.input.ext === ".tsv" || ctx.input.ext === ".tab";
  const { detected, chunks } = await openText(ctx.input);
  const extra = { format: tsv ? "tsv" : "csv", encoding: detected.encoding };
  const skipped: SourceItem[] = [];
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
          reason: `bad ${extra.format} row: ${firstLine(err?.message ?? "")}`,
        },
      });
    },
  });
  let stopped = false;
  const feeding = pipeline(chunks, parser).catch((err: Error) => {
    if (!stopped)
      skipped.push({
        bad: { input: ctx.input.name, reason: `${extra.format} unreadable: ${firstLine(err.message)}` },
      });
  });
  for await (const row of parser as AsyncIterable<{
    record: Record<string, unknown>;
    info: { lines: number };
  }>) {
    while (skipped.length) yield skipped.shift()!;
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
    yield recordItem(ctx, row.record, `${ctx.input.name}:${row.info.lines}`, extra);
  }
  await feeding;
  while (skipped.length) yield skipped.shift()!;
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
