import path from "node:path";
import type { Catalog } from "@soro/core";
import { humanCount } from "@soro/core";
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
 * The data files of the final stage for the card's `configs`: a folder glob where every Parquet file in the folder
 * is an active shard of the stage, else the files themselves (paths relative to the workspace).
 */
export async function finalDataFiles(catalog: Catalog, stage: string): Promise<string[]> {
  const rows = await catalog.rows(
    `SELECT path, status = 'active' AS active FROM shards WHERE stage = $1 ORDER BY path`,
    [stage],
  );
  const byDir = new Map<string, { active: string[]; other: number }>();
  for (const r of rows) {
    const dir = path.posix.dirname(String(r.path));
    const e = byDir.get(dir) ?? { active: [], other: 0 };
    if (r.active) e.active.push(String(r.path));
    else e.other++;
    byDir.set(dir, e);
  }
  const out: string[] = [];
  for (const [dir, e] of byDir) {
    if (e.active.length === 0) continue;
    if (e.other === 0) out.push(`${dir}/*.parquet`);
    else out.push(...e.active);
  }
  return out;
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

/** The dataset card: Markdown with the YAML header dataset hubs read, the report's key figures and provenance. */
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
    "configs:",
    "- config_name: default",
    "  data_files:",
    "  - split: train",
    "    path:",
    ...dataFiles.map((p) => `    - ${yamlString(p)}`),
    "---",
  ];
  const removal = w.steps.map((s) => [s.stage, s.rule, s.kind, s.docs, s.chars, pct(s.chars, w.start.chars)]);
  const sources = f.sources.map((s) => [s.key, s.rawDocs, s.docs, pct(s.docs, s.rawDocs), s.tokens]);
  const langs = (f.language?.lang ?? []).map((l) => [l.key, l.docs, l.kept]);
  const configs = f.configs.map((c) => [c.stage, c.runId, `\`${c.configHash}\``, c.finishedAt ?? ""]);
  const limits = [
    "Token counts marked as estimates assume 2.3 characters per Gemma 3 token on Tajik; `soro tokens` counts them exactly.",
    "Language identification and quality signals are heuristics tuned on public Tajik text; the removed-document samples in `soro report` show what each rule removes.",
    "Text in Persian or Latin script and text typed without Tajik letters was converted to standard Cyrillic Tajik automatically; conversions can be wrong, especially for Persian script, where short vowels are not written.",
    "Near-duplicate removal uses MinHash (an estimate of Jaccard similarity); some near-duplicates remain and some distinct documents may be merged.",
    "Personal data (emails, phone numbers, IPs, ID numbers) is masked by patterns; names and addresses are not.",
    "Sources carry their own licenses (`license: other`); check each source before redistribution.",
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
## Languages after normalisation

${mdTable(["language", "documents", "in final"], langs)}
## Filtering and deduplication

Each document is counted under the first rule that removed it.

${mdTable(["stage", "rule", "kind", "docs", "chars", "of raw chars"], removal)}
${f.dedup ? `Dedup: ${f.dedup.clusters} duplicate clusters holding ${f.dedup.docsInClusters} documents; ${f.dedup.repeatedLines} repeated lines cut.\n` : ""}${f.rules ? `Selection rules: \`${f.rules.name}\` (config \`${f.rules.configHash}\`): ${f.rules.rules.map((r) => r.name).join(", ")}.\n` : ""}
## Schema

One row per document in Parquet (zstd): \`id\` (content hash), \`text\`, \`source\`, \`url\`, \`path\`, \`fetched_at\`, \`meta\` (JSON), plus the columns each stage added (language, script, quality signals, duplicate cluster).

## Pipeline configuration

${mdTable(["stage", "run", "config hash", "finished"], configs)}
## Known limitations

${limits.map((l) => `- ${l}`).join("\n")}
`;
}
