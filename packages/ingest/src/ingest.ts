import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  configHash,
  declaredLicence,
  defined,
  fileDigest,
  type Licence,
  type NewDocument,
  REPLAY_SOURCE,
  type SourceItem,
  SourceRun,
  UsageError,
} from "@soro/core";
import { dropStale } from "./batches.js";
import {
  DEFAULT_LIMITS,
  type IngestLimits,
  isBlank,
  type ReaderContext,
  type ReadOptions,
} from "./context.js";
import { LineCounter, recordsBySql, sqlReadable } from "./formats/records-sql.js";
import { fileInput } from "./input.js";
import { PDF_NOTE, READERS, RECORD_FORMATS, readInput } from "./readers.js";
import { isSidecar, SidecarResolver } from "./sidecar.js";
import { BATCH_PREFIX, type FileVersion, FileVersions } from "./versions.js";

/** Options of an ingest run. */
export interface IngestOptions extends Partial<ReadOptions> {
  source: NewDocument["source"];
  /** Metadata for every document, under the sidecars' (command line `--meta`). */
  meta?: Record<string, unknown>;
  /** Licence of every file whose sidecars name none (`--licence`): an SPDX id or a common spelling of one. */
  licence?: string;
  dryRun?: boolean;
  limits?: Partial<IngestLimits>;
  /** Called once per file with what happened to it. */
  onFile?: (report: FileReport) => void;
}

/** What happened to one file. */
export interface FileReport {
  file: string;
  outcome: "ingested" | "quarantined" | "unchanged" | "pdf" | "would ingest";
  docs: number;
  quarantined: number;
  /** Version recorded (or that would be), and the version it replaces. */
  version?: number;
  replaces?: number;
  /** Why it was skipped or quarantined, or why it would be ingested. */
  note?: string;
}

/** Totals of an ingest run. */
export interface IngestSummary {
  files: number;
  ingested: number;
  /** Files that yielded no document at all, every problem quarantined. */
  quarantined: number;
  unchanged: number;
  /** PDFs left for the pdf stage (`soro pdf ingest`, or `ingestPdfs` of @soro/pdf with `pdfFiles`). */
  pdf: number;
  pdfFiles: string[];
  /** Files read that replaced an earlier version. */
  replaced: number;
  docs: number;
  /** Quarantined entries (files, lines, records, members). */
  problems: number;
}

/** Formats read in batches: one small document (or a few) per file, so a commit per file would dominate. */
const BATCHED = new Set([".docx", ".odt", ".epub", ".html", ".htm", ".xhtml", ".txt", ".text", ".md"]);
/** A batch closes at this many files or input bytes (its documents then fit one shard part). */
const BATCH_FILES = 200;
const BATCH_BYTES = 64 * 2 ** 20;

/** A file to read, with what its version record needs. */
interface Pending {
  /** Its place among the files found (reports come in that order). */
  index: number;
  plan: { file: string; ext: string };
  abs: string;
  key: string;
  sha256: string;
  bytes: number;
  /** A plain JSONL file's lines, counted as it was hashed. */
  lines: number | undefined;
  ctx: ReaderContext;
  /** The run that died reading it, if one did. */
  crashedIn: number | undefined;
}

/** What one file gave. */
interface Tally {
  docs: number;
  problems: number;
  lastReason: string;
}

/** A file to ingest with the argument it was found under (sidecars are looked up from there down). */
interface Found {
  file: string;
  root: string;
}

/** Every file under the given paths (folders recursively, hidden files and sidecars left out), in a stable order. */
async function listFiles(paths: string[]): Promise<Found[]> {
  const out: Found[] = [];
  for (const p of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`soro ingest: ${p} does not exist`, "check the path");
    }
    if (!info.isDirectory()) {
      out.push({ file: p, root: p });
      continue;
    }
    for (const n of (await readdir(p, { recursive: true })).sort()) {
      const full = path.join(p, n);
      if (n.split(path.sep).some((part) => part.startsWith(".")) || isSidecar(full)) continue;
      if ((await stat(full)).isFile()) out.push({ file: full, root: p });
    }
  }
  return out;
}

/** A file's licence: its nearest sidecar's `licence:` (or `license:`), else `--licence`, else `--meta licence=`. */
function fileLicence(
  side: Record<string, unknown>,
  setBy: Record<string, string>,
  opts: IngestOptions,
): Licence | undefined {
  for (const key of ["licence", "license"]) {
    if (!isBlank(side[key])) return declaredLicence(side[key], `sidecar ${setBy[key]}`);
  }
  if (opts.licence !== undefined) return declaredLicence(opts.licence, "--licence");
  const given = opts.meta?.licence ?? opts.meta?.license;
  return isBlank(given) ? undefined : declaredLicence(given, "--meta licence");
}

/** Why a file whose reading killed an earlier run is quarantined instead of read again. */
function crashReason(runId: number): string {
  return `run ${runId} died while reading this file (out of memory, a crash or a kill); quarantined so it cannot stop ingest again: fix or remove it (a changed file is read again)`;
}

/**
 * Ingests files and folders into source shards of stage `ingest`: a record file (JSONL, CSV, Parquet) or an archive
 * is committed on its own, small files (DOCX, ODT, EPUB, HTML, text) a batch at a time. A file's key is its
 * content hash plus what shapes its documents (source, read options, metadata), so re-ingesting adds nothing, and
 * a changed file (or sidecar) becomes a new version that supersedes the old one.
 */
export async function ingestPaths(
  catalog: Catalog,
  paths: string[],
  opts: IngestOptions,
): Promise<IngestSummary> {
  const read: ReadOptions = {
    textField: opts.textField ?? "text",
    splitBlocks: opts.splitBlocks ?? false,
    epub: opts.epub ?? "book",
  };
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const found = await listFiles(paths);
  const sidecars = new SidecarResolver();
  const plans: Array<Found & { ext: string; meta: Record<string, unknown>; licence?: Licence }> = [];
  const missing: string[] = [];
  for (const f of found) {
    const { meta: side, from, setBy } = await sidecars.metaFor(f.file, f.root);
    const meta = { ...opts.meta, ...side };
    const licence = fileLicence(side, setBy, opts);
    const ext = fileInput(f.file).ext;
    // Record formats may carry subject and grade per record; their documents are checked one by one.
    if (
      opts.source === "edu" &&
      ext !== ".pdf" &&
      !RECORD_FORMATS.has(ext) &&
      (isBlank(meta.subject) || isBlank(meta.grade))
    )
      missing.push(`${f.file} (sidecars read: ${from.length ? from.join(", ") : "none"})`);
    plans.push({ ...f, ext, meta, licence });
  }
  if (missing.length)
    throw new UsageError(
      `soro ingest: --source edu needs subject and grade, missing for ${missing.length} file(s): ${missing.slice(0, 5).join("; ")}${missing.length > 5 ? "; ..." : ""}`,
      "add `subject:` and `grade:` to the folder's _meta.yaml or to FILE.meta.yaml beside the file, or pass --meta subject=... --meta grade=...",
    );

  const versions = await FileVersions.load(catalog);
  const summary: IngestSummary = {
    files: plans.length,
    ingested: 0,
    quarantined: 0,
    unchanged: 0,
    pdf: 0,
    pdfFiles: [],
    replaced: 0,
    docs: 0,
    problems: 0,
  };
  // Replay text (English or Russian, for the CPT mixture) has its own stage: the Tajik stages never read it.
  const stage = opts.source === REPLAY_SOURCE ? REPLAY_SOURCE : "ingest";
  const run = opts.dryRun ? null : await SourceRun.begin(catalog, stage, { source: opts.source, ...read });

  // Reports come in the order the files were found, though a batch's files are settled together after it.
  const reports: Array<FileReport | undefined> = [];
  let reported = 0;
  const emit = (index: number, r: FileReport) => {
    reports[index] = r;
    for (; reported < plans.length; reported++) {
      const next = reports[reported];
      if (!next) break;
      opts.onFile?.(next);
    }
  };

  /** A file's documents and problems as read, counted (a file that gives nothing is quarantined as such). */
  const counted = async function* (f: Pending, t: Tally): AsyncGenerator<SourceItem> {
    if (f.crashedIn !== undefined) {
      t.problems = 1;
      t.lastReason = crashReason(f.crashedIn);
      yield { bad: { input: f.plan.file, reason: t.lastReason } };
      return;
    }
    for await (const item of readInput(f.ctx)) {
      if ("doc" in item) t.docs++;
      else {
        t.problems++;
        t.lastReason = item.bad.reason;
      }
      yield item;
    }
    if (t.docs + t.problems === 0) {
      t.problems++;
      t.lastReason = "no text found";
      yield { bad: { input: f.plan.file, reason: t.lastReason } };
    }
  };

  /** Counts and reports a file whose version is recorded. */
  const settle = (f: Pending, t: Tally, v: { version: number; replaces: { version: number } | null }) => {
    summary.docs += t.docs;
    summary.problems += t.problems;
    if (t.docs > 0 && v.replaces) summary.replaced++;
    if (t.docs > 0) summary.ingested++;
    else summary.quarantined++;
    emit(f.index, {
      file: f.plan.file,
      outcome: t.docs > 0 ? "ingested" : "quarantined",
      docs: t.docs,
      quarantined: t.problems,
      version: v.version,
      replaces: v.replaces?.version,
      note: t.docs > 0 ? undefined : t.lastReason,
    });
  };

  /** The version record of a file read. */
  const newVersion = (f: Pending, t: Tally, r: SourceRun) => ({
    path: f.abs,
    sourceKey: f.key,
    sha256: f.sha256,
    bytes: f.bytes,
    format: f.plan.ext.slice(1) || "none",
    docs: t.docs,
    quarantined: t.problems,
    runId: r.runId,
  });

  // The takedown list, for files DuckDB reads alone (the JS readers' documents are checked by SourceRun).
  const takedowns = (await catalog.rows("SELECT kind, value FROM takedowns")).map((t) => ({
    kind: String(t.kind),
    value: String(t.value),
  }));

  /** Reads one file into its own shards, committed on their own (record formats, archives). */
  const ingestOne = async (f: Pending) => {
    const r = defined(run, "the source run of a real (not dry) ingest");
    const t: Tally = { docs: 0, problems: 0, lastReason: "" };
    const items = counted(f, t);
    if (f.crashedIn === undefined) await versions.startReading(f.key, f.abs, r.runId);
    try {
      // DuckDB reads and writes a clean JSONL or Parquet file alone; anything it cannot do goes to the JS reader.
      const bySql =
        f.crashedIn === undefined && sqlReadable(f.ctx)
          ? await recordsBySql(f.ctx, {
              tmpDir: r.tmpDir,
              prefix: r.shardPrefix(f.key, path.basename(f.plan.file)),
              columns: r.shardColumns.map((c) => c.name),
              takedowns,
              lines: f.lines,
            })
          : null;
      if (bySql) {
        t.docs = bySql.stats.docsOut;
        await r.addFiles(f.key, bySql.files, bySql.stats);
      } else await r.add(f.key, path.basename(f.plan.file), items);
    } catch (err) {
      // An error (a full disk, a broken catalog) is not the file's fault: only a process that died keeps the mark.
      await versions.doneReading(f.key);
      throw err;
    }
    const v = await versions.record(newVersion(f, t, r));
    await versions.doneReading(f.key);
    if (t.docs > 0) await catalog.resolveQuarantine(stage, f.plan.file, r.runId);
    settle(f, t, v);
  };

  // Small files (DOCX, ODT, EPUB, HTML, text) are read in batches, one shard and one commit per batch.
  const batch: Pending[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length === 0 || !run) return;
    const files = batch.splice(0);
    batchBytes = 0;
    const r = run;
    const tallied = files.map((f) => ({ f, t: { docs: 0, problems: 0, lastReason: "" } as Tally }));
    // The mark lasts while the file is read: a process that dies then is the file's fault, not the batch's.
    const marked = async function* (f: Pending, t: Tally): AsyncGenerator<SourceItem> {
      if (f.crashedIn === undefined) await versions.startReading(f.key, f.abs, r.runId);
      try {
        yield* counted(f, t);
      } finally {
        await versions.doneReading(f.key);
      }
    };
    const batchKey = `${BATCH_PREFIX}${configHash(files.map((f) => f.key))}`;
    const recorded: Array<{ version: number; replaces: FileVersion | null }> = [];
    await r.addBatch(
      batchKey,
      `batch-${path.basename(defined(files[0], "a batch's first file").plan.file)}`,
      tallied.map(({ f, t }) => ({ key: f.key, items: marked(f, t) })),
      async () => {
        recorded.push(
          ...(await versions.recordBatch(
            tallied.map(({ f, t }) => ({
              ...newVersion(f, t, r),
              shardKey: batchKey,
              docPath: f.plan.file,
            })),
          )),
        );
        const read = tallied.filter(({ t }) => t.docs > 0).map(({ f }) => f.plan.file);
        await catalog.resolveQuarantine(stage, read, r.runId);
      },
    );
    for (const [i, { f, t }] of tallied.entries())
      settle(f, t, defined(recorded[i], `the recorded version of ${f.plan.file}`));
  };

  try {
    for (const [index, plan] of plans.entries()) {
      const report = (r: Omit<FileReport, "file">) => emit(index, { file: plan.file, ...r });
      if (plan.ext === ".pdf") {
        summary.pdf++;
        summary.pdfFiles.push(plan.file);
        report({ outcome: "pdf", docs: 0, quarantined: 0, note: PDF_NOTE });
        continue;
      }
      const abs = path.resolve(plan.file);
      const input = fileInput(plan.file, limits.maxInflateRatio);
      // A plain JSONL file's lines are counted in the same read: DuckDB's reading of it is checked against them.
      const counter =
        input.file !== undefined && (plan.ext === ".jsonl" || plan.ext === ".ndjson")
          ? new LineCounter()
          : undefined;
      const { sha256, bytes } = await fileDigest(plan.file, counter && ((c) => counter.add(c)));
      // The ratio limit joins the shape only when changed, so files ingested before it existed keep their keys.
      const { maxInflateRatio, ...keyed } = limits;
      const shape = configHash({
        source: opts.source,
        read,
        meta: plan.meta,
        limits: maxInflateRatio === DEFAULT_LIMITS.maxInflateRatio ? keyed : limits,
        // Joins the shape only when given, so files ingested before the option existed keep their keys.
        ...(opts.licence !== undefined && { licence: opts.licence }),
      });
      const key = `${abs}@${sha256.slice(0, 16)}#${shape.slice(0, 8)}`;
      const prev = versions.of(abs);
      // Unchanged unless what holds its documents was uncommitted since (`soro verify --repair`).
      if (prev?.source_key === key && (!run || run.has(prev.shard_key ?? key))) {
        summary.unchanged++;
        report({
          outcome: "unchanged",
          docs: 0,
          quarantined: 0,
          version: prev.version,
          note: "same content and options",
        });
        continue;
      }
      if (!run) {
        report({
          outcome: "would ingest",
          docs: 0,
          quarantined: 0,
          version: (prev?.version ?? 0) + 1,
          replaces: prev?.version,
          note: READERS[plan.ext]
            ? prev
              ? "changed"
              : "new"
            : `unsupported file type ${plan.ext || "(none)"}: would be quarantined`,
        });
        continue;
      }
      const ctx = {
        ...read,
        input,
        source: opts.source,
        meta: plan.meta,
        limits,
        tmpDir: catalog.ws.tmpDir,
        licence: plan.licence,
      };
      const file: Pending = {
        index,
        plan,
        abs,
        key,
        sha256,
        bytes,
        lines: counter?.lines,
        ctx,
        crashedIn: versions.crashedIn(key),
      };
      if (BATCHED.has(plan.ext)) {
        batch.push(file);
        batchBytes += bytes;
        if (batch.length >= BATCH_FILES || batchBytes >= BATCH_BYTES) await flush();
      } else {
        // Files are read in the order found: the batch so far is committed first.
        await flush();
        await ingestOne(file);
      }
    }
    await flush();
    if (run) await dropStale(catalog, run, versions);
    await run?.finish();
  } catch (err) {
    await run?.finish(err as Error);
    throw err;
  }
  return summary;
}
