import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { type Catalog, type NewDocument, SourceRun, UsageError } from "@soro/core";
import { type ReaderContext, readJsonl, readText } from "./readers.js";

/** Options of an ingest run. */
export interface IngestOptions {
  source: NewDocument["source"];
  meta?: Record<string, unknown>;
  textField?: string;
  dryRun?: boolean;
  /** Called once per file with what happened to it. */
  onFile?: (
    file: string,
    outcome: "ingested" | "unchanged" | "unsupported" | "would ingest",
    docs: number,
  ) => void;
}

/** Totals of an ingest run. */
export interface IngestSummary {
  files: number;
  ingested: number;
  unchanged: number;
  unsupported: number;
  docs: number;
}

const READERS: Record<string, (ctx: ReaderContext) => AsyncGenerator<import("@soro/core").SourceItem>> = {
  ".jsonl": readJsonl,
  ".ndjson": readJsonl,
  ".txt": readText,
};

/** Every file under the given paths (folders recursively), sorted. */
async function listFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`soro ingest: ${p} does not exist`, "check the path");
    }
    if (info.isDirectory()) {
      const names = await readdir(p, { recursive: true });
      for (const n of names.sort()) {
        const full = path.join(p, n);
        if ((await stat(full)).isFile()) out.push(full);
      }
    } else out.push(p);
  }
  return out;
}

/** A file's content hash: the ingest key, so an unchanged file is skipped and a changed one becomes a new version. */
async function contentKey(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `${path.resolve(file)}@${hash.digest("hex").slice(0, 16)}`;
}

/** Ingests files and folders into source shards of stage `ingest`, one commit per file. */
export async function ingestPaths(
  catalog: Catalog,
  paths: string[],
  opts: IngestOptions,
): Promise<IngestSummary> {
  const files = await listFiles(paths);
  const run = await SourceRun.begin(catalog, "ingest", {
    source: opts.source,
    textField: opts.textField ?? "text",
  });
  const summary: IngestSummary = { files: files.length, ingested: 0, unchanged: 0, unsupported: 0, docs: 0 };
  try {
    for (const file of files) {
      const reader = READERS[path.extname(file).toLowerCase()];
      if (!reader) {
        summary.unsupported++;
        await catalog.quarantine([
          {
            runId: run.runId,
            stage: "ingest",
            input: file,
            reason: `unsupported file type ${path.extname(file) || "(none)"}`,
          },
        ]);
        opts.onFile?.(file, "unsupported", 0);
        continue;
      }
      const key = await contentKey(file);
      if (run.has(key)) {
        summary.unchanged++;
        opts.onFile?.(file, "unchanged", 0);
        continue;
      }
      if (opts.dryRun) {
        opts.onFile?.(file, "would ingest", 0);
        continue;
      }
      const ctx: ReaderContext = {
        file,
        source: opts.source,
        meta: opts.meta ?? {},
        textField: opts.textField ?? "text",
      };
      const records = await run.add(key, path.basename(file, path.extname(file)), reader(ctx));
      const docs = records.reduce((n, r) => n + Number(r.rows), 0);
      summary.ingested++;
      summary.docs += docs;
      opts.onFile?.(file, "ingested", docs);
    }
    await run.finish();
  } catch (err) {
    await run.finish(err as Error);
    throw err;
  }
  return summary;
}
