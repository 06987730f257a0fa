import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import {
  assertEmptyFolder,
  type Catalog,
  humanCount,
  licenceSql,
  PUBLISHED_COLUMNS,
  sqlString,
} from "@soro/core";
import type { CorpusFigures } from "./figures.js";

/** What the card cannot read from the catalog. */
export interface CardOptions {
  /** License identifier for the YAML header (default `other`: the sources' licenses vary). */
  license?: string;
  prettyName?: string;
}

/** The dataset hubs' size category for a number of rows. */
export function sizeCategory(n: number): string {
  const steps: Array<[number, string]> = [
    [1e3, "n<1K"],
    [1e4, "1K<n<10K"],
    [1e5, "10K<n<100K"],
    [1e6, "100K<n<1M"],
    [1e7, "1M<n<10M"],
    [1e8, "10M<n<100M"],
    [1e9, "100M<n<1B"],
  ];
  return steps.find(([limit]) => n < limit)?.[1] ?? "n>1B";
}

/**
 * Publishes the final stage beside a dataset card in `dir`: one zstd Parquet file per active shard that has rows
 * (a 0-row file makes HF `datasets` fail), holding only core's PUBLISHED_COLUMNS, never `text_original` (the text
 * before PII masking). Each file is written under a temporary name and renamed. Returns the card's `data_files`,
 * relative to `dir`; refuses a `data/` folder that is not empty (a publication is one immutable set of files).
 */
export async function publishFinalShards(catalog: Catalog, stage: string, dir: string): Promise<string[]> {
  const data = path.join(dir, "data");
  await mkdir(data, { recursive: true });
  await assertEmptyFolder(data, "soro report --card", "write the card into a new folder");
  const shards = (await catalog.activeShards([stage])).filter((s) => Number(s.rows) > 0);
  for (const [i, shard] of shards.entries()) {
    // Shards written before the licence column existed publish `unknown`.
    const columns = PUBLISHED_COLUMNS.map((c) =>
      c === "licence" ? `${licenceSql([shard.columns ?? []])} AS licence` : c,
    ).join(", ");
    const name = path.join(data, `${stage}-${String(i).padStart(5, "0")}.parquet`);
    await catalog.conn.run(
      `COPY (SELECT ${columns} FROM read_parquet(${sqlString(catalog.shardPath(shard))}))
       TO ${sqlString(`${name}.tmp`)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await rename(`${name}.tmp`, name);
  }
  return shards.length > 0 ? ["data/*.parquet"] : [];
}

const yamlString = (s: string): string => JSON.stringify(s);
const pct = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "–";

function mdTable(head: string[], rows: Array<Array<string | number>>): string {
  if (rows.length === 0) return "_none_\n";
  const line = (cells: Array<string | number>) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return `${[line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n")}\n`;
}

/**
 * The dataset card: Markdown with the YAML header dataset hubs read, the report's key figures and provenance.
 * `dataFiles` are relative to the card's folder; with none, the header has no `configs`.
 */
export function renderCard(f: CorpusFigures, dataFiles: string[], options: CardOptions = {}): string {
  const fin = f.final;
  const w = f.waterfall;
  const yaml = [
    "---",
    "language:",
    "- tg",
    `license: ${options.license ?? "other"}`,
    `pretty_name: ${yamlString(options.prettyName ?? "soro Tajik pretraining corpus")}`,
    "size_categories:",
    `- ${sizeCategory(fin?.docs ?? 0)}`,
    "task_categories:",
    "- text-generation",
    "multilinguality:",
    "- monolingual",
    ...(dataFiles.length === 0
      ? []
      : [
          "configs:",
          "- config_name: default",
          "  data_files:",
          "  - split: train",
          "    path:",
          ...dataFiles.map((p) => `    - ${yamlString(p)}`),
        ]),
    "---",
  ];
  const removal = w.steps.map((s) => [s.stage, s.rule, s.kind, s.docs, s.chars, pct(s.chars, w.start.chars)]);
  const sources = f.sources.map((s) => [s.key, s.rawDocs, s.docs, pct(s.docs, s.rawDocs), s.tokens]);
  const licences = f.licences.map((l) => [l.key, l.rawDocs, l.docs, l.tokens]);
  const takedowns = f.takedowns.map((t) => [
    t.requested_at,
    `${t.kind} ${t.value}`,
    t.requested_by,
    t.reason ?? "",
    t.docs_removed ?? "",
  ]);
  const langs = (f.language?.lang ?? []).map((l) => [l.key, l.docs, l.kept]);
  const configs = f.configs.map((c) => [c.stage, c.runId, `\`${c.configHash}\``, c.finishedAt ?? ""]);
  const limits = [
    "Token counts marked as estimates assume 2.3 characters per Gemma 3 token on Tajik; `soro tokens` counts them exactly.",
    "Language identification and quality signals are heuristics tuned on public Tajik text; the removed-document samples in `soro report` show what each rule removes.",
    "Text in Persian or Latin script and text typed without Tajik letters was converted to standard Cyrillic Tajik automatically; conversions can be wrong, especially for Persian script, where short vowels are not written.",
    "Near-duplicate removal uses MinHash (an estimate of Jaccard similarity); some near-duplicates remain and some distinct documents may be merged.",
    "Personal data (emails, phone numbers, IPs, ID numbers) is masked by patterns; names and addresses are not.",
    "Sources carry their own licenses (`license: other`); the Licences table gives each document's declared licence (column `licence`, with `licence_evidence` in the workspace); `unknown` means none was declared.",
  ];
  if (f.quarantine.length)
    limits.push(
      `${f.quarantine.reduce((n, q) => n + q.count, 0)} inputs were quarantined (unreadable or rejected) and are not in the corpus.`,
    );
  return `${yaml.join("\n")}

# ${options.prettyName ?? "soro Tajik pretraining corpus"}

Tajik (Cyrillic) text for continual pretraining, built with soro-data from the workspace \`${f.workspace}\` on ${f.generatedAt} UTC.

## Size

| | documents | characters | tokens |
| --- | --- | --- | --- |
| raw | ${w.start.docs} | ${w.start.chars} | ~${w.start.tokens} |
| final (\`${fin?.stage ?? "none"}\`) | ${fin?.docs ?? 0} | ${fin?.chars ?? 0} | ${fin?.tokensCounted ? "" : "~"}${fin?.tokens ?? 0} |

${humanCount(fin?.docs ?? 0)} documents, ${humanCount(fin?.tokens ?? 0)} tokens${fin?.tokensCounted ? "" : " (estimated)"}: ${pct(fin?.chars ?? 0, w.start.chars)} of the raw characters.

## Sources

${mdTable(["source", "raw docs", "final docs", "kept", "final tokens (est.)"], sources)}
## Licences

${mdTable(["licence", "raw docs", "final docs", "final tokens (est.)"], licences)}
## Takedowns

Documents removed on request from every stage, and kept out of every later run and export.

${mdTable(["when (UTC)", "what", "requested by", "reason", "documents"], takedowns)}
## Languages after normalisation

${mdTable(["language", "documents", "in final"], langs)}
## Filtering and deduplication

Each document is counted under the first rule that removed it.

${mdTable(["stage", "rule", "kind", "docs", "chars", "of raw chars"], removal)}
${f.dedup ? `Dedup: ${f.dedup.clusters} duplicate clusters holding ${f.dedup.docsInClusters} documents; ${f.dedup.repeatedLines} repeated lines cut.\n` : ""}${f.rules ? `Selection rules: \`${f.rules.name}\` (config \`${f.rules.configHash}\`): ${f.rules.rules.map((r) => r.name).join(", ")}.\n` : ""}
## Schema

${
  dataFiles.length === 0
    ? "No data files are published with this card: `soro report --card --card-out DIR/README.md` writes them beside it.\n\n"
    : ""
}One row per document in Parquet (zstd): \`text\` (after repairs, line cleaning and PII masking), \`id\` (content hash), \`source\`, \`url\`, \`meta\` (JSON), \`licence\` (SPDX id or \`unknown\`). Text as it was before masking and the stages' signal columns stay in the workspace.

## Pipeline configuration

${mdTable(["stage", "run", "config hash", "finished"], configs)}
## Known limitations

${limits.map((l) => `- ${l}`).join("\n")}
`;
}
