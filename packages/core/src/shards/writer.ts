import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ColumnSpec } from "../columns.js";
import { openScratchDb, sqlIdent, sqlString } from "../duck.js";
import { defined } from "../errors.js";
import { fileSha256, fileSize, fsyncPath } from "./files.js";
import { inWriteOrder, parquetCopyOptions, ROW_GROUP_ROWS } from "./parquet-copy.js";
import { RowBatch } from "./row-batch.js";
import { countedCopy } from "./tally.js";

/** The input row number a joined writer stores beside a stage's own columns. */
const JOIN_ROW: ColumnSpec = { name: "_row", type: "BIGINT", doc: "input row number (joined away on write)" };

/**
 * How many times a joined part's input rows count towards its bytes: once, as a wide part counts each column it
 * buffers, so a joined part is about as large as a wide one. The part is not held whole while it is written: the
 * positional join (joinQuery) streams the input range beside the buffer, and the Parquet writer holds one row group
 * at a time (ROW_GROUP_BYTES); what grows with the part is the buffer and the join's copy of it. The hash join
 * and sort this replaced held each row twice (sorted, then a whole part as one row group) and counted it 3 times.
 * `pnpm bench -- joined-writer` (150 MB of text in one shard; peak duckdb_memory() of the 512 MB scratch database
 * while a part was copied): normalize-like parts of 17-22k rows peaked at 307-406 MB, most of it reading the ingest
 * shard's 20k-row groups (9.8k-row parts, old plan: 323-403 MB); quality-like parts of up to 15k rows at 96-230 MB
 * (5.5k-row parts, old plan: 119-250 MB). Counted once but written in 20k-row groups, such parts reached the limit.
 * With the ingest shard's groups bounded too (ROW_GROUP_BYTES), the normalize-like stage's process peaked at 664-735
 * MB RSS, against 799-917 MB over 20k-row groups (four runs each, alternating, load 3.7-6).
 */
const JOINED_COPIES = 1;

/** About how many bytes a value takes in the buffer: Tajik text is ~2 UTF-8 bytes a character. */
function approxBytes(type: ColumnSpec["type"], value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (type === "VARCHAR") return 16 + 2 * String(value).length;
  if (type === "VARCHAR[]") {
    let n = 16;
    for (const v of value as unknown[]) n += 16 + 2 * String(v).length;
    return n;
  }
  if (type === "DOUBLE[]" || type === "UBIGINT[]") return 16 + 8 * (value as unknown[]).length;
  return 8;
}

/** A finished Parquet shard file waiting (in the temp folder) to be committed to the catalog. */
export interface ShardFile {
  /** Final file name, e.g. `normalize/raw-00001-00000.parquet` relative to the shards folder. */
  name: string;
  /** Where the complete, fsynced file sits until it is committed. */
  tmpPath: string;
  rows: number;
  bytes: number;
  chars: number;
  sha256: string;
  columns: string[];
}

/** Options for a shard writer. */
export interface ShardWriterOptions {
  /** Folder for complete-but-uncommitted files and DuckDB spill files. */
  tmpDir: string;
  /** Shard name prefix relative to the shards folder, e.g. `ingest/books`; parts get `-00000.parquet`. */
  prefix: string;
  columns: ColumnSpec[];
  /** Start a new part after this many rows (default 200k). */
  maxRows?: number;
  /** Start a new part after this many text characters (default 256M, ~0.5 GB of Tajik UTF-8). */
  maxChars?: number;
  /**
   * Start a new part once the buffered rows reach about this many bytes, all columns counted (default 128 MiB).
   * It keeps a part's buffer well inside the scratch database's 512 MB memory limit: DuckDB 1.5 crashed the process
   * (SIGSEGV in its string scan) when a buffer that had spilled to disk was copied out to Parquet.
   */
  maxBytes?: number;
  /** Parquet zstd level (default 3). */
  zstdLevel?: number;
  /**
   * Write only `columns` plus the input row number `_row` from JS, and join each part onto the rows of this
   * input Parquet file when it is written: the input's columns first, then the writer's, then the copies.
   */
  joinInput?: JoinInput | null;
  /**
   * A DuckDB instance to connect to (its memory limit then bounds this writer and whatever else runs in it) instead
   * of a private scratch database; whoever opened it closes it, after the writer's `close` or `abort`.
   */
  db?: DuckDBInstance | null;
}

/** The input Parquet file a joined writer's rows come from, and how its columns meet the writer's. */
export interface JoinInput {
  file: string;
  /** The input's columns the parts carry, in the input's order (every column less `exclude`). */
  columns: ColumnSpec[];
  /** Input columns left out (a stage's own, written again). */
  exclude: string[];
  /**
   * Writer columns that take the place of the input's column of the same name where they are not NULL (a rewritten
   * text; NULL: unchanged, so an unchanged text never crosses back from JavaScript).
   */
  replace?: string[];
  /** Input columns copied, after the writer's columns, under another name (the text before its first rewrite). */
  copy?: Array<{ from: string; to: string }>;
}

/**
 * The SELECT that pairs a part's buffered rows with rows `first`..`last` of the input. The buffer holds one row
 * for every input row of that range, in input order (a placeholder with a NULL `_row` where the stage wrote none),
 * so a POSITIONAL JOIN pairs them as they stream: no hash table, no sort. DuckDB materializes only the buffer (its
 * right side) and scans the input range once; one thread (openScratchDb) keeps both sides in order, and every row
 * is checked: a buffered `_row` that is not the input row it meets stops the statement (the check names both
 * sides, so the optimizer cannot push it under the join).
 */
function joinQuery(join: JoinInput, first: number, last: number): string {
  const replace = join.replace ?? [];
  const replaced = replace.map((c) => `coalesce(b.${sqlIdent(c)}, i.${sqlIdent(c)}) AS ${sqlIdent(c)}`);
  const copies = (join.copy ?? []).map((c) => `i.${sqlIdent(c.from)} AS ${sqlIdent(c.to)}`);
  const misaligned = sqlString(
    `soro: a joined part of ${join.file} lost its alignment with the input (a bug)`,
  );
  return `SELECT i.* EXCLUDE (${["file_row_number", ...join.exclude].map(sqlIdent).join(", ")})${
    replaced.length > 0 ? ` REPLACE (${replaced.join(", ")})` : ""
  }, b.* EXCLUDE (${["_row", ...replace].map(sqlIdent).join(", ")})${copies.map((c) => `, ${c}`).join("")}
    FROM (SELECT * FROM read_parquet(${sqlString(join.file)}, file_row_number = true)
          WHERE file_row_number BETWEEN ${first} AND ${last}) i
    POSITIONAL JOIN buf b
    WHERE CASE WHEN b._row IS NULL THEN false WHEN b._row = i.file_row_number THEN true
          ELSE error(${misaligned}) END`;
}

/** About how many bytes one row of a Parquet file takes once read (its uncompressed pages over its rows). */
async function rowWidth(conn: DuckDBConnection, file: string): Promise<number> {
  const reader = await conn.runAndReadAll(
    `SELECT coalesce(sum(total_uncompressed_size), 0)::BIGINT AS bytes,
       coalesce((SELECT sum(row_group_num_rows) FROM (SELECT DISTINCT row_group_id, row_group_num_rows
         FROM parquet_metadata(${sqlString(file)}))), 0)::BIGINT AS rows
     FROM parquet_metadata(${sqlString(file)})`,
  );
  const row = defined(reader.getRowObjectsJS()[0], `the size of ${file}`);
  const rows = Number(row.rows);
  return rows > 0 ? Math.ceil(Number(row.bytes) / rows) : 0;
}

/**
 * The statement that makes the writer's buffer table, empty. A part's rows go by replacing the table: DELETE left
 * them in memory (six parts of 10k rows deleted in turn held 328 MB), so a writer's later parts crowded the limit.
 */
function bufferTable(opts: ShardWriterOptions): string {
  return `CREATE OR REPLACE TABLE buf (${storedColumns(opts)
    .map((c) => `${sqlIdent(c.name)} ${c.type}`)
    .join(", ")})`;
}

/** The columns a writer's buffer holds: its own, then `_row` when it is joined. */
function storedColumns(opts: ShardWriterOptions): ColumnSpec[] {
  return opts.joinInput ? [...opts.columns, JOIN_ROW] : opts.columns;
}

/**
 * Streams documents into zstd Parquet parts through a private DuckDB appender. Rows live in DuckDB's buffer
 * manager (bounded, spilling to tmpDir), not on the JS heap, and a part is rotated by row and character count.
 */
export class ShardWriter {
  private appender: DuckDBAppender | null = null;
  private part = 0;
  private rows = 0;
  private chars = 0;
  private bytes = 0;
  /** The input rows a joined part spans. */
  private firstRow = 0;
  private lastRow = 0;
  private readonly done: ShardFile[] = [];
  /** The stored columns' types (the writer's, then `_row` when joined), and one row's values in that order. */
  private readonly batch: RowBatch;
  private readonly values: unknown[];
  /** A joined writer's row for an input row the stage wrote nothing for: every column NULL, `_row` too. */
  private readonly placeholder: null[];

  private constructor(
    private readonly opts: Required<ShardWriterOptions>,
    /** The writer's own scratch database (null: it connected to `db`). */
    private readonly instance: DuckDBInstance | null,
    private readonly conn: DuckDBConnection,
    /** Bytes each row brings from the joined input, counted towards the part's bytes (`JOINED_COPIES` times). */
    private readonly joinedWidth: number,
  ) {
    const stored = storedColumns(opts);
    this.batch = new RowBatch(stored.map((c) => c.type));
    this.values = new Array(stored.length);
    this.placeholder = new Array(stored.length).fill(null);
  }

  /** Opens a writer; call `write` per document and `close` to get the finished parts. */
  static async open(options: ShardWriterOptions): Promise<ShardWriter> {
    const opts: Required<ShardWriterOptions> = {
      maxRows: 200_000,
      maxChars: 256 * 2 ** 20,
      maxBytes: 128 * 2 ** 20,
      zstdLevel: 3,
      joinInput: null,
      db: null,
      ...options,
    };
    await mkdir(opts.tmpDir, { recursive: true });
    // A private scratch database costs ~10 ms to open and close, a shared one a connection.
    const { instance, conn } = opts.db
      ? { instance: null, conn: await opts.db.connect() }
      : await openScratchDb(opts.tmpDir);
    try {
      await conn.run(bufferTable(opts));
      const width = opts.joinInput ? await rowWidth(conn, opts.joinInput.file) : 0;
      return new ShardWriter(opts, instance, conn, width);
    } catch (err) {
      conn.closeSync();
      instance?.closeSync();
      throw err;
    }
  }

  /**
   * Appends one document; keys not among the writer's columns are not stored. `chars`: the characters of its text
   * in the part (default: of `doc.text`), for a joined writer whose text comes from the input.
   */
  async write(doc: Record<string, unknown>, chars?: number): Promise<void> {
    if (!this.appender) this.appender = await this.conn.createAppender("buf");
    const values = this.values;
    const columns = this.opts.columns;
    const row = this.opts.joinInput ? Number(doc[JOIN_ROW.name]) : 0;
    if (this.opts.joinInput) {
      if (!Number.isSafeInteger(row) || row < 0)
        throw new Error(`soro: a joined writer got ${String(doc[JOIN_ROW.name])} as an input row number`);
      if (this.rows > 0 && row <= this.lastRow)
        throw new Error(
          `soro: a joined writer got input row ${row} after row ${this.lastRow} (rows come in input order)`,
        );
      if (this.rows === 0) this.firstRow = row;
      // The input rows the stage wrote nothing for since the last one get a placeholder, so the part's buffer
      // holds one row per input row of its range (joinQuery).
      else
        for (let r = this.lastRow + 1; r < row; r++) {
          this.batch.add(this.placeholder, this.appender);
          this.bytes += this.placeholder.length;
        }
      this.lastRow = row;
    }
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c] as ColumnSpec;
      const value = doc[col.name];
      values[c] = value;
      this.bytes += approxBytes(col.type, value);
    }
    if (this.opts.joinInput) {
      values[columns.length] = row;
      this.bytes += JOINED_COPIES * this.joinedWidth;
    }
    this.batch.add(values, this.appender);
    this.rows++;
    const text = doc.text;
    this.chars += chars ?? (typeof text === "string" ? text.length : 0);
    if (
      this.rows >= this.opts.maxRows ||
      this.chars >= this.opts.maxChars ||
      this.bytes >= this.opts.maxBytes
    )
      await this.flushPart();
  }

  /** Finishes the last part and returns every part written, complete and fsynced, in order. */
  async close(): Promise<ShardFile[]> {
    if (this.rows > 0 || this.done.length === 0) await this.flushPart();
    this.conn.closeSync();
    this.instance?.closeSync();
    return this.done;
  }

  /** Drops everything written so far without producing files. */
  abort(): void {
    this.conn.closeSync();
    this.instance?.closeSync();
  }

  private async flushPart(): Promise<void> {
    if (this.appender) {
      this.batch.flush(this.appender);
      this.appender.closeSync();
      this.appender = null;
    }
    const name = `${this.opts.prefix}-${String(this.part).padStart(5, "0")}.parquet`;
    const tmpPath = path.join(this.opts.tmpDir, `${name.replaceAll("/", "__")}.${process.pid}.tmp`);
    const join = this.opts.joinInput;
    const query = join ? joinQuery(join, this.firstRow, this.lastRow) : "SELECT * FROM buf";
    const copied = await inWriteOrder(this.conn, () =>
      this.conn.run(`COPY (${query}) TO ${sqlString(tmpPath)} (${parquetCopyOptions(this.opts.zstdLevel)})`),
    );
    if (copied.rowsChanged !== this.rows)
      throw new Error(
        `soro: DuckDB wrote ${copied.rowsChanged} rows to ${tmpPath} but ${this.rows} were written (a bug)`,
      );
    await fsyncPath(tmpPath);
    this.done.push({
      name,
      tmpPath,
      rows: this.rows,
      bytes: await fileSize(tmpPath),
      chars: this.chars,
      sha256: await fileSha256(tmpPath),
      columns: join
        ? [
            ...join.columns.map((c) => c.name),
            ...this.opts.columns.map((c) => c.name).filter((c) => !join.replace?.includes(c)),
            ...(join.copy ?? []).map((c) => c.to),
          ]
        : this.opts.columns.map((c) => c.name),
    });
    await this.conn.run(bufferTable(this.opts));
    this.part++;
    this.rows = 0;
    this.chars = 0;
    this.bytes = 0;
  }
}

/** Writes the result of a SQL query (over read_parquet of shards) to one zstd Parquet file ready to commit. */
export async function copyQueryToShard(
  conn: DuckDBConnection,
  query: string,
  opts: { tmpDir: string; name: string; zstdLevel?: number },
): Promise<ShardFile> {
  await mkdir(opts.tmpDir, { recursive: true });
  const tmpPath = path.join(opts.tmpDir, `${opts.name.replaceAll("/", "__")}.${process.pid}.tmp`);
  await inWriteOrder(conn, () =>
    conn.run(`COPY (${query}) TO ${sqlString(tmpPath)} (${parquetCopyOptions(opts.zstdLevel)})`),
  );
  return finishedShard(conn, tmpPath, opts.name);
}

/** The parts a query was written to, in order, and the rows its `drop` test counted instead of writing. */
export interface CopiedParts {
  files: ShardFile[];
  dropped: { docs: number; chars: number };
}

/**
 * Writes the result of a SQL query (with a `text` column) to zstd Parquet parts named `<prefix>-00000.parquet`, ...
 * in one statement, each complete and fsynced, in order. A part holds `maxRows` / ROW_GROUP_ROWS row groups: about
 * `maxRows` rows of short documents, fewer of long ones, whose groups end at ROW_GROUP_BYTES (by default 10 groups:
 * at most about 320 MiB), as ShardWriter rotates by rows and by bytes. Rows for which `drop` (SQL over the row,
 * alias `d`) is true are counted in `dropped`, not written. Rows and characters are counted as the statement writes
 * them, not read back.
 */
export async function copyQueryToParts(
  conn: DuckDBConnection,
  query: string,
  opts: { tmpDir: string; prefix: string; maxRows?: number; zstdLevel?: number; drop?: string },
): Promise<CopiedParts> {
  const dir = path.join(opts.tmpDir, `${opts.prefix.replaceAll("/", "__")}.${process.pid}.parts`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(opts.tmpDir, { recursive: true });
  const groups = Math.max(1, Math.round((opts.maxRows ?? 200_000) / ROW_GROUP_ROWS));
  // One thread (inWriteOrder) also keeps the tally's lengths in the order the rows were written.
  const { tally, files } = await inWriteOrder(conn, () =>
    countedCopy(
      conn,
      query,
      dir,
      parquetCopyOptions(opts.zstdLevel, `ROW_GROUPS_PER_FILE ${groups}, FILENAME_PATTERN 'part_{i}'`),
      opts.drop,
    ),
  );
  const parts = (await readdir(dir))
    .map((f) => Number(/^part_(\d+)\.parquet$/.exec(f)?.[1] ?? Number.NaN))
    .filter((i) => !Number.isNaN(i))
    .sort((a, b) => a - b);
  const written = [...files.values()].reduce((a, n) => a + n, 0);
  if (written !== tally.lengths.length)
    throw new Error(
      `soro: DuckDB wrote ${written} rows to ${dir} but ${tally.lengths.length} were counted (a bug: report it)`,
    );
  const out: ShardFile[] = [];
  let row = 0;
  for (const [k, i] of parts.entries()) {
    const name = `${opts.prefix}-${String(k).padStart(5, "0")}.parquet`;
    const tmpPath = path.join(opts.tmpDir, `${name.replaceAll("/", "__")}.${process.pid}.tmp`);
    const rows = files.get(path.join(dir, `part_${i}.parquet`));
    await rename(path.join(dir, `part_${i}.parquet`), tmpPath);
    let counted: { rows: number; chars: number } | undefined;
    if (rows !== undefined) {
      let chars = 0;
      for (const end = row + rows; row < end; row++) chars += tally.lengths[row] as number;
      counted = { rows, chars };
    }
    out.push(await finishedShard(conn, tmpPath, name, counted));
  }
  await rm(dir, { recursive: true, force: true });
  return { files: out, dropped: tally.dropped };
}

/**
 * A written Parquet file, fsynced, described as a shard file ready to commit; its rows and characters are read
 * back unless the statement that wrote it counted them.
 */
async function finishedShard(
  conn: DuckDBConnection,
  tmpPath: string,
  name: string,
  counted?: { rows: number; chars: number },
): Promise<ShardFile> {
  await fsyncPath(tmpPath);
  const { rows, chars } = counted ?? (await readBackCounts(conn, tmpPath));
  const cols = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(tmpPath)})`);
  return {
    name,
    tmpPath,
    rows,
    chars,
    bytes: await fileSize(tmpPath),
    sha256: await fileSha256(tmpPath),
    columns: cols.getRowObjectsJS().map((r) => String(r.column_name)),
  };
}

/** The rows and characters of a written Parquet file, read back. */
async function readBackCounts(
  conn: DuckDBConnection,
  file: string,
): Promise<{ rows: number; chars: number }> {
  const stats = await conn.runAndReadAll(
    `SELECT count(*)::BIGINT AS rows, coalesce(sum(length(text)), 0)::BIGINT AS chars FROM read_parquet(${sqlString(file)})`,
  );
  const row = defined(stats.getRowObjectsJS()[0], `the row count of ${file}`);
  return { rows: Number(row.rows), chars: Number(row.chars) };
}
