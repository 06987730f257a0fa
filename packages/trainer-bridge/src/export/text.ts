import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  inWriteOrder,
  licenceSql,
  PUBLISHED_COLUMNS,
  parquetCopyOptions,
  type ShardRecord,
  sqlString,
} from "@soro/core";
import { stringify } from "yaml";

/** Options of a text export (parquet or jsonl). */
export interface TextExportOptions {
  format: "parquet" | "jsonl";
  out: string;
  stage: string;
  shards: ShardRecord[];
  /** Share of documents (by id hash, so stable across runs) held out as the validation split. */
  validationShare: number;
  /** Rough bytes per output file. */
  fileBytes: number;
  /** Dataset name for the card. */
  name: string;
  /** SQL over alias `d`: the documents kept (takedowns, licences; see filter.ts). */
  where?: string;
}

/** The splits of a text export and their files, relative to the export folder. */
export interface TextExportResult {
  splits: Record<string, { files: string[]; docs: number }>;
}

const SPLITS = ["train", "validation"] as const;

/**
 * Writes `{"text", id, source, url, meta, licence, tokens}` rows (core's PUBLISHED_COLUMNS plus Gemma 3 token counts; never
 * the pre-masking `text_original`) of a stage's documents as sharded Parquet (zstd) or JSONL under
 * `data/<split>/`, split by a hash of the document id, plus a README.md whose YAML `configs` names the splits for
 * HF `datasets`. Runs in DuckDB over the shards, so nothing is held in JS memory.
 */
export async function exportText(catalog: Catalog, opts: TextExportOptions): Promise<TextExportResult> {
  const files = opts.shards.map((s) => sqlString(catalog.shardPath(s))).join(", ");
  const permille = Math.round(opts.validationShare * 1000);
  // Per-document Gemma 3 counts join in when the shards were counted (`soro bridge count`).
  const base = `
    SELECT ${PUBLISHED_COLUMNS.map((c) =>
      c === "meta" && opts.format === "jsonl"
        ? "d.meta::JSON AS meta"
        : c === "licence"
          ? `${licenceSql(
              opts.shards.map((s) => s.columns ?? []),
              "d",
            )} AS licence`
          : `d.${c}`,
    ).join(", ")}, t.tokens,
           CASE WHEN md5_number(d.id) % 1000 < ${permille} THEN 'validation' ELSE 'train' END AS split
    FROM read_parquet([${files}], union_by_name = true) d
    LEFT JOIN (SELECT DISTINCT doc_id, tokens FROM trainer_bridge_doc_tokens WHERE tokenizer = 'gemma3') t
      ON t.doc_id = d.id
    WHERE ${opts.where ?? "TRUE"}`;
  const result: TextExportResult = { splits: {} };
  const ext = opts.format === "parquet" ? "parquet" : "jsonl";
  for (const split of SPLITS) {
    const rel = path.join("data", split);
    const dir = path.join(opts.out, rel);
    await mkdir(dir, { recursive: true });
    const count = await catalog.rows(`SELECT count(*) AS n FROM (${base}) WHERE split = $1`, [split]);
    const docs = Number(count[0]?.n ?? 0);
    if (docs === 0) continue;
    const fmt = opts.format === "parquet" ? parquetCopyOptions() : "FORMAT json";
    // A COPY that rotates files writes in parallel without keeping order: on one thread (inWriteOrder) the files
    // follow the ORDER BY (on two, 5 of 300k rows came out of id order).
    await inWriteOrder(catalog.conn, () =>
      catalog.conn.run(
        `COPY (SELECT * EXCLUDE (split) FROM (${base}) WHERE split = ${sqlString(split)} ORDER BY id)
         TO ${sqlString(dir)} (${fmt}, FILE_SIZE_BYTES ${Math.max(1, Math.floor(opts.fileBytes))},
         FILENAME_PATTERN ${sqlString(`${split}-{i}`)}, FILE_EXTENSION ${sqlString(ext)}, OVERWRITE_OR_IGNORE true)`,
      ),
    );
    const names = (await readdir(dir)).filter((n) => n.endsWith(`.${ext}`)).sort();
    result.splits[split] = { files: names.map((n) => path.join(rel, n)), docs };
  }
  return result;
}

/** The dataset card (README.md) of a text export: YAML front matter with `configs` and a short description. */
export function datasetCard(
  opts: Pick<TextExportOptions, "format" | "name" | "stage">,
  result: TextExportResult,
  summary: { docs: number; tokens: number | null },
): string {
  const splits = Object.keys(result.splits);
  const front = {
    language: ["tg"],
    pretty_name: opts.name,
    task_categories: ["text-generation"],
    configs: [
      {
        config_name: "default",
        data_files: splits.map((split) => ({
          split,
          path: `data/${split}/*.${opts.format === "parquet" ? "parquet" : "jsonl"}`,
        })),
      },
    ],
  };
  return `---\n${stringify(front)}---\n\n# ${opts.name}\n\nTajik documents from the \`${opts.stage}\` stage of soro-data: ${summary.docs} documents${
    summary.tokens === null ? "" : `, ${summary.tokens} Gemma 3 tokens`
  }. Columns: \`text\`, \`id\` (content hash), \`source\`, \`url\`, \`meta\` (JSON), \`tokens\` (Gemma 3, no BOS/EOS).\nSplits (${splits.join(", ")}) are chosen by a hash of the document id. See \`manifest.json\` for checksums and provenance.\n\n\`\`\`python\nfrom datasets import load_dataset\nds = load_dataset("path/to/this/folder", split="train")\n\`\`\`\n`;
}
