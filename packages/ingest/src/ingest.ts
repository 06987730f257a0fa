import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  configHash,
  declaredLicence,
  type Licence,
  type NewDocument,
  REPLAY_SOURCE,
  type SourceItem,
  SourceRun,
  UsageError,
} from "@soro/core";
import { DEFAULT_LIMITS, type IngestLimits, isBlank, type ReadOptions } from "./context.js";
import { recordsBySql, sqlReadable } from "./formats/records-sql.js";
import { fileInput } from "./input.js";
import { PDF_NOTE, READERS, RECORD_FORMATS, readInput } from "./readers.js";
import { isSidecar, SidecarResolver } from "./sidecar.js";
import { FileVersions } from "./versions.js";

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

/** A file's sha256 and size. */
async function fileHash(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/**
 * Ingests files and folders into source shards of stage `ingest`, one commit per file. A file's key is its
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
  try {
    for (const plan of plans) {
      const report = (r: Omit<FileReport, "file">) => opts.onFile?.({ file: plan.file, ...r });
      if (plan.ext === ".pdf") {
        summary.pdf++;
        summary.pdfFiles.push(plan.file);
        report({ outcome: "pdf", docs: 0, quarantined: 0, note: PDF_NOTE });
        continue;
      }
      const abs = path.resolve(plan.file);
      const { sha256, bytes } = await fileHash(plan.file);
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
      if (prev?.source_key === key) {
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
      let docs = 0;
      let problems = 0;
      let lastReason = "";
      const counted = async function* (items: AsyncIterable<SourceItem>): AsyncGenerator<SourceItem> {
        for await (const item of items) {
          if ("doc" in item) docs++;
          else {
            problems++;
            lastReason = item.bad.reason;
          }
          yield item;
        }
        if (docs + problems === 0) {
          problems++;
          lastReason = "no text found";
          yield { bad: { input: plan.file, reason: lastReason } };
        }
      };
      const ctx = {
        ...read,
        input: fileInput(plan.file, limits.maxInflateRatio),
        source: opts.source,
        meta: plan.meta,
        limits,
        tmpDir: catalog.ws.tmpDir,
        licence: plan.licence,
      };
      const crashedIn = versions.crashedIn(key);
      let items: AsyncIterable<SourceItem> | SourceItem[];
      if (crashedIn === undefined) {
        items = counted(readInput(ctx));
        await versions.startReading(key, abs, run.runId);
      } else {
        problems = 1;
        lastReason = crashReason(crashedIn);
        items = [{ bad: { input: plan.file, reason: lastReason } }];
      }
      try {
        // DuckDB reads and writes a clean JSONL or Parquet file alone; anything it cannot do goes to the JS reader.
        const bySql =
          crashedIn === undefined && sqlReadable(ctx, run.takedowns.size)
            ? await recordsBySql(ctx, {
                tmpDir: run.tmpDir,
                prefix: run.shardPrefix(key, path.basename(plan.file)),
                columns: run.shardColumns.map((c) => c.name),
              })
            : null;
        if (bySql) {
          docs = bySql.stats.docsOut;
          await run.addFiles(key, bySql.files, bySql.stats);
        } else await run.add(key, path.basename(plan.file), items);
      } catch (err) {
        // An error (a full disk, a broken catalog) is not the file's fault: only a process that died keeps the mark.
        await versions.doneReading(key);
        throw err;
      }
      const v = await versions.record({
        path: abs,
        sourceKey: key,
        sha256,
        bytes,
        format: plan.ext.slice(1) || "none",
        docs,
        quarantined: problems,
        runId: run.runId,
      });
      await versions.doneReading(key);
      if (docs > 0) await catalog.resolveQuarantine(stage, plan.file, run.runId);
      summary.docs += docs;
      summary.problems += problems;
      if (docs > 0 && v.replaces) summary.replaced++;
      if (docs > 0) summary.ingested++;
      else summary.quarantined++;
      report({
        outcome: docs > 0 ? "ingested" : "quarantined",
        docs,
        quarantined: problems,
        version: v.version,
        replaces: v.replaces?.version,
        note: docs > 0 ? undefined : lastReason,
      });
    }
    await run?.finish();
  } catch (err) {
    await run?.finish(err as Error);
    throw err;
  }
  return summary;
}
