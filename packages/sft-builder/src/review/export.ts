import { type Catalog, UsageError } from "@soro/core";
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
 * person can check what the trainer will see (the trainer bridge's `writeSftForm`, with task, subject and grade).
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
  const files = await bridge.writeSftForm(opts.out, samples, opts.format, {
    tmpDir: catalog.ws.tmpDir,
    fields: (s) => s.meta,
  });
  return { examples: samples.length, files };
}
