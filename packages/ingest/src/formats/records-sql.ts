// JSONL and Parquet files that DuckDB can turn into shards alone: one statement reads the file, makes every
// column of the document (the id is sha256 in SQL, as documentId computes it) and writes the zstd Parquet parts,
// so no record crosses into JavaScript. Whatever DuckDB cannot do the way the JavaScript readers do (a line that
// is not UTF-8 or not JSON, a record without text, an `edu` record, a licence per record, a takedown to check) sends
// the whole file to those readers instead, which quarantine the bad records one by one.
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import {
  copyQueryToParts,
  type InputStats,
  openScratchDb,
  type ShardFile,
  SOURCES,
  sqlIdent,
  sqlString,
  takenDownSql,
  UNKNOWN_LICENCE,
} from "@soro/core";
import type { ReaderContext } from "../context.js";

/** What DuckDB wrote for one file: the shard parts and their statistics. */
export interface SqlShards {
  files: ShardFile[];
  stats: InputStats;
}

/** Where the parts go and which columns they have (those of the source run). */
export interface SqlTarget {
  tmpDir: string;
  prefix: string;
  columns: string[];
  /** The takedown list's rows (`kind`, `value`): documents it names are counted, not written. */
  takedowns: Array<{ kind: string; value: string }>;
  /** A JSONL file's lines when counted as it was hashed (LineCounter); else they are counted here, a second read. */
  lines?: number;
}

/** The fields a record may set besides its text (as recordItem reads them): the text field must be none of them. */
const RECORD_FIELDS = ["url", "source", "fetched_at", "meta"];

/** Whitespace as String.prototype.trim sees it, in RE2 syntax (a text of nothing else has no text). */
const BLANK_CHAR = String.raw`[\s\p{Zs}\x{0B}\x{FEFF}\x{2028}\x{2029}]`;

/** Whether a file may go through DuckDB at all (an uncompressed JSONL or Parquet file, nothing that needs JS). */
export function sqlReadable(ctx: ReaderContext): boolean {
  return (
    ctx.input.file !== undefined &&
    (ctx.input.ext === ".jsonl" || ctx.input.ext === ".ndjson" || ctx.input.ext === ".parquet") &&
    !RECORD_FIELDS.includes(ctx.textField) &&
    ctx.source !== "edu"
  );
}

/** The JSON of a document's meta before a record's own `meta` object is merged in (as docItem builds it). */
function baseMeta(ctx: ReaderContext, extra: Record<string, unknown>): string {
  return JSON.stringify({ ...ctx.meta, ...extra });
}

/**
 * The SELECT list of a document from a record's fields as SQL expressions (`text`, `url` a non-empty string or
 * NULL, `src`, `fetched`, `recmeta` a minified JSON object or NULL, `recno` the record's place in the file, and
 * `needsjs` true when a field is one the JS reader reads otherwise: a meta that is not an object, a text not a string).
 */
function documentSelect(ctx: ReaderContext, base: string, columns: string[], readAt: string): string {
  // Where a record without a URL was read, as the JS readers name it: `file:line` (JSONL), `file#row` (Parquet).
  const where = `${sqlString(`${ctx.input.name}${ctx.input.ext === ".parquet" ? "#" : ":"}`)} || recno`;
  const origin = `coalesce(url, ${where})`;
  const expr: Record<string, string> = {
    id: `left(sha256(${origin} || chr(10) || text), 32)`,
    text: "text",
    source: `coalesce(src, ${sqlString(ctx.source)})`,
    url: "url",
    path: `CASE WHEN url IS NULL THEN ${where} END`,
    fetched_at: `coalesce(fetched, ${sqlString(readAt)})`,
    meta: `CASE WHEN recmeta IS NULL OR recmeta = '{}' THEN ${sqlString(base)} ELSE ${sqlString(base.slice(0, -1))} || (CASE WHEN ${sqlString(base)} = '{}' THEN '' ELSE ',' END) || substr(recmeta, 2) END`,
    licence: sqlString(ctx.licence?.licence ?? UNKNOWN_LICENCE),
    licence_evidence: ctx.licence?.evidence ? sqlString(ctx.licence.evidence) : "NULL::VARCHAR",
  };
  return columns
    .map((c) => {
      const e = expr[c];
      if (!e) throw new Error(`ingest: no SQL for column ${c}`);
      return `${e} AS ${sqlIdent(c)}`;
    })
    .join(", ");
}

/** The error a record raises when the file must go to the JavaScript reader. */
const JS_READER = "soro: needs the JS reader";

/** SQL true for a record the JS reader would quarantine or read otherwise. */
function problemSql(ctx: ReaderContext, base: string): string {
  const reserved = [...Object.keys(JSON.parse(base) as object), "licence", "license"];
  // A key's quoted name followed by a colon, searched in the minified object: a match that is really inside a
  // value only sends the file to the JS reader, which is never wrong.
  const keys = reserved.map((k) => `contains(recmeta, ${sqlString(`${JSON.stringify(k)}:`)})`).join(" OR ");
  return `(text IS NULL OR length(text) > ${ctx.limits.maxDocChars}
      OR (regexp_matches(text, ${sqlString(`^${BLANK_CHAR}`)}) AND regexp_full_match(text, ${sqlString(`${BLANK_CHAR}*`)}))
      OR needsjs OR coalesce(src = 'edu', false) OR coalesce(${keys}, false))`;
}

/** A SQL test that a string expression is one of the source kinds (a record's `source` is honoured only then). */
function sourceSql(e: string): string {
  return `CASE WHEN ${e} IN (${SOURCES.map(sqlString).join(", ")}) THEN ${e} END`;
}

/** Counts the lines of a file from its chunks in order (a last line without a newline counts). */
export class LineCounter {
  private newlines = 0;
  private last = 10;

  add(chunk: Buffer): void {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.newlines++;
    if (chunk.length > 0) this.last = chunk[chunk.length - 1] as number;
  }

  get lines(): number {
    return this.last === 10 ? this.newlines : this.newlines + 1;
  }
}

/** How many lines a file has. */
async function countLines(file: string): Promise<number> {
  const counter = new LineCounter();
  for await (const chunk of createReadStream(file, { highWaterMark: 2 ** 20 })) counter.add(chunk as Buffer);
  return counter.lines;
}

/** The records of a JSONL file as a SQL relation of record fields, `recno` the line number. */
function jsonlRecords(ctx: ReaderContext, file: string): string {
  // The text is read as VARCHAR: read as JSON it was written out again and parsed a second time to unquote it, a
  // tenth of the statement's time. A value that is not a string becomes its minified JSON (a number, an object), so
  // a text that is valid JSON and does not start with a quote may be one and sends the file to the JS reader.
  const cols = `{${sqlString(ctx.textField)}: 'VARCHAR', url: 'JSON', source: 'JSON', fetched_at: 'JSON', meta: 'JSON'}`;
  const text = sqlIdent(ctx.textField);
  // A JSON value is a string when its minified text starts with a quote, an object with a brace: cheaper than json_type.
  const str = (c: string) =>
    `CASE WHEN starts_with(${sqlIdent(c)}::VARCHAR, '"') THEN ${sqlIdent(c)}->>'$' END`;
  return `SELECT ${text} AS text, nullif(${str("url")}, '') AS url,
      ${sourceSql(str("source"))} AS src, ${str("fetched_at")} AS fetched,
      CASE WHEN starts_with(meta::VARCHAR, '{') THEN meta::VARCHAR END AS recmeta,
      coalesce(NOT starts_with(meta::VARCHAR, '{') AND meta::VARCHAR <> 'null', false)
        OR coalesce(json_valid(${text}) AND NOT starts_with(${text}, '"'), false) AS needsjs,
      row_number() OVER () AS recno
    FROM read_json(${sqlString(file)}, format = 'newline_delimited', records = true, columns = ${cols})`;
}

/** The records of a Parquet file as the same relation, `recno` the 1-based row; null when a column needs JS. */
async function parquetRecords(
  ctx: ReaderContext,
  file: string,
  types: Map<string, string>,
): Promise<string | null> {
  if (types.get(ctx.textField) !== "VARCHAR") return null;
  for (const c of RECORD_FIELDS)
    if (types.has(c) && types.get(c) !== "VARCHAR" && !(c === "meta" && types.get(c) === "JSON")) return null;
  const has = (c: string) => types.has(c);
  // A meta string is read as JSON when it starts with "{" (a valid one is then an object, minified here); one that
  // starts so but is not JSON is kept by the JS reader as {meta: ...}, so the file goes there.
  const meta = has("meta")
    ? `CASE WHEN starts_with(meta::VARCHAR, '{') THEN CASE WHEN json_valid(meta) THEN json(meta)::VARCHAR END END`
    : "NULL::VARCHAR";
  const needsjs = has("meta")
    ? `coalesce(starts_with(meta::VARCHAR, '{') AND NOT json_valid(meta), false)`
    : "false";
  return `SELECT ${sqlIdent(ctx.textField)} AS text,
      ${has("url") ? "nullif(url, '')" : "NULL::VARCHAR"} AS url,
      ${has("source") ? sourceSql("source") : "NULL::VARCHAR"} AS src,
      ${has("fetched_at") ? "fetched_at" : "NULL::VARCHAR"} AS fetched,
      ${meta} AS recmeta, ${needsjs} AS needsjs,
      file_row_number + 1 AS recno
    FROM read_parquet(${sqlString(file)}, file_row_number = true)`;
}

/**
 * Has DuckDB turn a JSONL or Parquet file into shard parts, or returns null when the file needs the JavaScript
 * reader (any record it would quarantine, anything DuckDB reads differently); nothing is written then.
 */
export async function recordsBySql(ctx: ReaderContext, target: SqlTarget): Promise<SqlShards | null> {
  // Only a plain file on disk can be read by DuckDB; anything else (a stream out of an archive) goes to the JS reader.
  const file = ctx.input.file;
  if (file === undefined) return null;
  const parquet = ctx.input.ext === ".parquet";
  const { instance, conn } = await openScratchDb(target.tmpDir, "512MB", 1);
  try {
    let records: string | null;
    let base: string;
    if (parquet) {
      const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
      const types = new Map(
        described.getRowObjectsJS().map((r) => [String(r.column_name), String(r.column_type)]),
      );
      records = await parquetRecords(ctx, file, types);
      base = baseMeta(ctx, { format: "parquet" });
    } else {
      records = jsonlRecords(ctx, file);
      base = baseMeta(ctx, { format: "jsonl", encoding: "utf-8", bad_bytes: 0 });
    }
    if (records === null) return null;
    await conn.run(`CREATE TEMP VIEW records AS ${records}`);
    // One pass: a record the JS reader would treat otherwise stops the statement, and the file goes to that reader.
    const select = documentSelect(ctx, base, target.columns, new Date().toISOString());
    const docs = `SELECT ${select} FROM records WHERE CASE WHEN ${problemSql(ctx, base)} THEN error(${sqlString(JS_READER)}) ELSE true END`;
    if (target.takedowns.length > 0)
      await conn.run(
        `CREATE TEMP TABLE takedowns AS SELECT unnest(from_json($1, '[{"kind":"VARCHAR","value":"VARCHAR"}]'), recursive := true)`,
        [JSON.stringify(target.takedowns)],
      );
    // Taken-down documents are counted under rule `takedown`, as SourceRun counts them, by the statement that
    // writes the others.
    const { files, dropped } = await copyQueryToParts(conn, docs, {
      tmpDir: target.tmpDir,
      prefix: target.prefix,
      ...(target.takedowns.length > 0 && { drop: takenDownSql("d") }),
    });
    const n = files.reduce((a, f) => a + f.rows, 0);
    const chars = files.reduce((a, f) => a + f.chars, 0);
    const stats: InputStats = {
      docsIn: n + dropped.docs,
      charsIn: chars + dropped.chars,
      docsOut: n,
      charsOut: chars,
      quarantined: 0,
      removed: dropped.docs > 0 ? { takedown: dropped } : {},
    };
    // A blank line is skipped by both readers but still counts in the JS reader's line numbers.
    if (stats.docsIn === 0 || (!parquet && (target.lines ?? (await countLines(file))) !== stats.docsIn)) {
      await Promise.all(files.map((f) => rm(f.tmpPath, { force: true })));
      return null;
    }
    return { files, stats };
  } catch {
    // Anything DuckDB refuses (not UTF-8, not JSON, a line too long) is the JS reader's to quarantine.
    return null;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
