import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, openScratchDb, sqlString, UsageError } from "@soro/core";
import { EXPORT_FORMATS, type ExportFormat } from "../defaults.js";
import { EDU_TASK } from "./edu-ratings.js";
import { ensureReviewTables } from "./schema.js";

export { EXPORT_FORMATS, type ExportFormat };

/** What an export wrote. */
export interface ExportResult {
  examples: number;
  files: string[];
}

/**
 * Writes every accepted sample (its edited text where reviewers edited it) as `sft-<format>.jsonl` and
 * `sft-<format>.parquet` under `out`, with `gemma3.txt` holding each rendered through Gemma 3's chat template so a
 * person can check what the trainer will see.
 */
export async function exportAccepted(
  catalog: Catalog,
  opts: { format: ExportFormat; out: string },
): Promise<ExportResult> {
  if (!EXPORT_FORMATS.includes(opts.format))
    throw new UsageError(
      `soro sft export: unknown --format ${opts.format}`,
      `use ${EXPORT_FORMATS.join(", ")}`,
    );
  await ensureReviewTables(catalog);
  // The trainer bridge loads Gemma's tokenizer when imported: only exports pay for it, not the review server.
  const bridge = await import("@soro/trainer-bridge");
  const rows = await catalog.rows(
    // Rated passages share the review tables but are no SFT examples (readEduRatings reads them).
    `SELECT sample_id, task, subject, grade, messages FROM sft_samples WHERE status = 'accepted' AND task <> $1
     ORDER BY created_at, sample_id`,
    [EDU_TASK],
  );
  const samples = rows.map((r) => ({
    id: String(r.sample_id),
    messages: JSON.parse(String(r.messages)),
    meta: { task: r.task, subject: r.subject, grade: r.grade },
  }));
  const record = (s: (typeof samples)[number]) => {
    if (opts.format === "sharegpt") return { id: s.id, ...bridge.toShareGpt(s), ...s.meta };
    if (opts.format === "alpaca") return { id: s.id, ...bridge.toAlpaca(s), ...s.meta };
    return { id: s.id, messages: s.messages, ...s.meta };
  };
  await mkdir(opts.out, { recursive: true });
  const jsonl = path.join(opts.out, `sft-${opts.format}.jsonl`);
  const parquet = path.join(opts.out, `sft-${opts.format}.parquet`);
  const gemma = path.join(opts.out, "gemma3.txt");
  await writeFile(jsonl, samples.map((s) => `${JSON.stringify(record(s))}\n`).join(""));
  await writeFile(gemma, samples.map((s) => `### ${s.id}\n${bridge.renderGemma3(s.messages)}`).join("\n"));
  const files = [jsonl, gemma];
  await rm(parquet, { force: true });
  if (samples.length) {
    const db = await openScratchDb(catalog.ws.tmpDir);
    try {
      await db.conn.run(
        `COPY (SELECT * FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited'))
         TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      db.conn.closeSync();
      db.instance.closeSync();
    }
    files.push(parquet);
  }
  return { examples: samples.length, files };
}
