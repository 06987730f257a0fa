import type { MessagePort } from "node:worker_threads";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { InputStats, QuarantineEntry } from "../catalog/catalog.js";
import { emptyInputStats } from "../catalog/input-stats.js";
import { type ColumnSpec, type ColumnType, mergeColumns } from "../columns.js";
import { configHash } from "../config.js";
import type { Document } from "../document.js";
import { openScratchDb, sqlString } from "../duck.js";
import { firstLine, ShardCorruptError, type SoroError } from "../errors.js";
import { readShard } from "../shards/reader.js";
import { type ShardFile, ShardWriter } from "../shards/writer.js";
import { type DocTransform, loadStageDefinition, type StageDefinition, type StageRef } from "./stage.js";

/** One unit of work: run a stage over one input shard into output parts in the temp folder. */
export interface ShardTask {
  stage: StageRef;
  options: unknown;
  inputPath: string;
  inputShardId: string;
  outputPrefix: string;
  tmpDir: string;
  runId: number;
  /** Receives `{ docs, chars }` increments while the shard is processed. */
  progress?: MessagePort;
}

/** What processing one input shard produced. */
export interface ShardResult {
  files: ShardFile[];
  stats: InputStats;
  quarantine: QuarantineEntry[];
}

const PROGRESS_EVERY = 2048;

/** Where a text-rewriting stage keeps the text as it first arrived. */
export const TEXT_ORIGINAL: ColumnSpec = {
  name: "text_original",
  type: "VARCHAR",
  doc: "the text before the first stage that rewrote it (normalize)",
};
/** The text a text-rewriting stage hands back, stored beside its columns and joined over the input's. */
const REWRITTEN_TEXT: ColumnSpec = {
  name: "text",
  type: "VARCHAR",
  doc: "the rewritten text (NULL: unchanged)",
};

const transforms = new Map<string, Promise<{ def: StageDefinition; fn: DocTransform }>>();

/** Loads a stage module and sets its transform up once per worker and option set. */
export function loadStage(
  ref: StageRef,
  options: unknown,
): Promise<{ def: StageDefinition; fn: DocTransform }> {
  const key = `${ref.module}#${ref.exportName}#${configHash(options)}`;
  let entry = transforms.get(key);
  if (!entry) {
    entry = (async () => {
      const def = await loadStageDefinition(ref);
      return { def, fn: await def.setup(options) };
    })();
    transforms.set(key, entry);
  }
  return entry;
}

/** Maps a DuckDB type name to a document column type, or null when shards may not carry it. */
function columnTypeOf(duckType: string): ColumnType | null {
  const known: ColumnType[] = [
    "VARCHAR",
    "DOUBLE",
    "BIGINT",
    "INTEGER",
    "BOOLEAN",
    "VARCHAR[]",
    "DOUBLE[]",
    "UBIGINT[]",
  ];
  return (known as string[]).includes(duckType) ? (duckType as ColumnType) : null;
}

/** The typed columns of a Parquet shard, read from its schema. */
export async function shardColumns(file: string, conn: DuckDBConnection): Promise<ColumnSpec[]> {
  try {
    const reader = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`);
    return reader.getRowObjectsJS().map((r) => {
      const type = columnTypeOf(String(r.column_type));
      if (!type)
        throw new ShardCorruptError(file, `column ${r.column_name} has unsupported type ${r.column_type}`);
      return { name: String(r.column_name), type, doc: "" };
    });
  } catch (err) {
    if (err instanceof ShardCorruptError) throw err;
    throw new ShardCorruptError(file, (err as Error).message, err);
  }
}

/**
 * The memory limit of the one scratch database a shard task reads its input, and writes its parts, in: the two had
 * a database of 512 MB each (openScratchDb), and opening and closing a database costs ~10 ms, about 15% of a 5 MB
 * shard's I/O.
 */
const TASK_MEMORY = "1GB";

/**
 * The scratch database this thread's shard tasks share, one run (temp folder) at a time. A database opened per task
 * handed its memory back when it closed, and the next task faulted it in again: 400k page faults and 1.1 s of
 * system time per 200 MB of e2e shards (8 shards) through normalize's I/O alone (rewrite-io-stages.ts's
 * `normalizeIdle`), against 160k and 0.55 s when the database stays open; `pnpm bench -- rewrite-io` prints both.
 */
let shared: { tmpDir: string; instance: DuckDBInstance; busy: boolean } | null = null;

/**
 * Lets go of the thread's shared scratch database (after a run, or when a task failed in it): closed now, or by the
 * task using it when that ends.
 */
export function closeShardScratch(): void {
  const open = shared;
  shared = null;
  if (open && !open.busy) open.instance.closeSync();
}

/** A database for one task: the shared one when it is free and for the same temp folder, else one of its own. */
async function taskDb(tmpDir: string): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  // Tasks run one at a time on a thread; one that overlaps another (a caller's Promise.all) gets its own database.
  if (shared?.busy) return openScratchDb(tmpDir, TASK_MEMORY);
  if (shared && shared.tmpDir !== tmpDir) closeShardScratch();
  if (!shared) {
    const db = await openScratchDb(tmpDir, TASK_MEMORY);
    db.conn.closeSync();
    shared = { tmpDir, instance: db.instance, busy: false };
  }
  const held = shared;
  held.busy = true;
  try {
    return { instance: held.instance, conn: await held.instance.connect() };
  } catch (err) {
    held.busy = false;
    closeShardScratch();
    throw err;
  }
}

/** Runs one stage over one input shard: every document is kept with added columns, dropped by a rule, or quarantined. */
export async function processShard(task: ShardTask): Promise<ShardResult> {
  const { def, fn } = await loadStage(task.stage, task.options);
  const db = await taskDb(task.tmpDir);
  let failed = true;
  try {
    const result = await processShardIn(db, def, fn, task);
    failed = false;
    return result;
  } finally {
    db.conn.closeSync();
    if (shared?.instance !== db.instance) db.instance.closeSync();
    else {
      shared.busy = false;
      // A failure may have left the database unusable (DuckDB invalidates one after a fatal error): the next task
      // starts with a fresh one.
      if (failed) closeShardScratch();
    }
  }
}

/** processShard in an open scratch database. */
async function processShardIn(
  db: { instance: DuckDBInstance; conn: DuckDBConnection },
  def: StageDefinition,
  fn: DocTransform,
  task: ShardTask,
): Promise<ShardResult> {
  const inputColumns = await shardColumns(task.inputPath, db.conn);
  // The stage's own columns win on a rerun over its own older output; every other stage's column passes unchanged.
  const own = new Set(def.columns.map((c) => c.name));
  const keepsOriginal = def.rewritesText === true && !inputColumns.some((c) => c.name === TEXT_ORIGINAL.name);
  const columns = mergeColumns(
    inputColumns.filter((c) => !own.has(c.name)),
    def.columns,
    keepsOriginal ? [TEXT_ORIGINAL] : [],
  );
  // A stage that names the columns it reads gets only those (with `id` and `text`, which quarantine and the
  // statistics need); the writer stores its own columns (and a rewritten text) and joins them onto the input rows.
  const narrow = def.reads !== undefined;
  const rewrites = def.rewritesText === true;
  const writer = await ShardWriter.open({
    db: db.instance,
    tmpDir: task.tmpDir,
    prefix: task.outputPrefix,
    columns: narrow ? (rewrites ? [...def.columns, REWRITTEN_TEXT] : def.columns) : columns,
    joinInput: narrow
      ? {
          file: task.inputPath,
          columns: inputColumns.filter((c) => !own.has(c.name)),
          exclude: inputColumns.filter((c) => own.has(c.name)).map((c) => c.name),
          replace: rewrites ? [REWRITTEN_TEXT.name] : [],
          copy: keepsOriginal ? [{ from: "text", to: TEXT_ORIGINAL.name }] : [],
        }
      : null,
  });
  const named = new Set([...(def.reads ?? []), "id", "text"]);
  const reads = narrow ? inputColumns.filter((c) => named.has(c.name)).map((c) => c.name) : undefined;
  const stats = emptyInputStats();
  const quarantine: QuarantineEntry[] = [];
  let sinceReport = { docs: 0, chars: 0 };
  try {
    for await (const batch of readShard(task.inputPath, {
      types: inputColumns,
      conn: db.conn,
      columns: reads,
      rowNumbers: narrow,
    })) {
      for (const row of batch) {
        const doc = row as Document;
        const chars = typeof doc.text === "string" ? doc.text.length : 0;
        stats.docsIn++;
        stats.charsIn += chars;
        sinceReport.docs++;
        sinceReport.chars += chars;
        let verdict: Awaited<ReturnType<DocTransform>>;
        try {
          verdict = await fn(doc);
        } catch (err) {
          stats.quarantined++;
          quarantine.push({
            runId: task.runId,
            stage: def.name,
            input: `${task.inputShardId}#${String(doc.id)}`,
            reason: firstLine((err as Error).message ?? String(err)),
            excerpt: typeof doc.text === "string" ? doc.text.slice(0, 200) : undefined,
          });
          continue;
        }
        if (verdict.drop !== undefined) {
          const r = stats.removed[verdict.drop] ?? { docs: 0, chars: 0 };
          r.docs++;
          r.chars += chars;
          stats.removed[verdict.drop] = r;
          continue;
        }
        const text = rewrites && verdict.text !== undefined ? verdict.text : doc.text;
        let out: Record<string, unknown>;
        if (narrow) {
          out = { _row: doc.file_row_number };
          // An unchanged text stays NULL here: the join takes the input's.
          if (text !== doc.text) out.text = text;
        } else {
          out = { ...doc, text };
          if (keepsOriginal) out[TEXT_ORIGINAL.name] = doc.text;
        }
        for (const col of def.columns) out[col.name] = verdict.add[col.name] ?? null;
        const charsOut = typeof text === "string" ? text.length : 0;
        await writer.write(out, charsOut);
        stats.docsOut++;
        stats.charsOut += charsOut;
        if (sinceReport.docs >= PROGRESS_EVERY) {
          task.progress?.postMessage(sinceReport);
          sinceReport = { docs: 0, chars: 0 };
        }
      }
    }
  } catch (err) {
    writer.abort();
    throw err;
  }
  task.progress?.postMessage(sinceReport);
  return { files: await writer.close(), stats, quarantine };
}

/** A failure described as plain data, so it crosses the worker boundary intact. */
export interface TaskFailure {
  error: { message: string; hint: string | null; exitCode: number };
}

/** processShard, with any failure returned as data instead of thrown. */
export async function processShardSafely(task: ShardTask): Promise<ShardResult | TaskFailure> {
  try {
    return await processShard(task);
  } catch (err) {
    const e = err as Partial<SoroError> & Error;
    return { error: { message: e.message ?? String(err), hint: e.hint ?? null, exitCode: e.exitCode ?? 1 } };
  }
}
