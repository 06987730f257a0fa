import { humanCount } from "@soro/core";
import type { CorpusFigures } from "./figures.js";

const pct = (part: number, whole: number): string =>
  whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "–";

/** The key figures of the report as a few terminal lines (`soro status --summary`). */
export function formatSummary(f: CorpusFigures): string {
  const w = f.waterfall;
  const fin = f.final;
  const lines: string[] = [];
  lines.push(`workspace ${f.workspace}`);
  lines.push(
    `raw     ${humanCount(w.start.docs).padStart(7)} docs  ${humanCount(w.start.chars).padStart(7)} chars  ~${humanCount(w.start.tokens)} tokens`,
  );
  if (fin) {
    lines.push(
      `final   ${humanCount(fin.docs).padStart(7)} docs  ${humanCount(fin.chars).padStart(7)} chars  ${fin.tokensCounted ? "" : "~"}${humanCount(fin.tokens)} tokens  (${fin.stage}; ${pct(fin.docs, w.start.docs)} of docs, ${pct(fin.chars, w.start.chars)} of chars kept)`,
    );
  }
  const removals = [...w.steps]
    .filter((s) => s.kind === "rule")
    .sort((a, b) => b.chars - a.chars)
    .slice(0, 6);
  if (removals.length) {
    lines.push("largest removals:");
    for (const s of removals)
      lines.push(
        `  ${`${s.stage}/${s.rule}`.padEnd(28)} ${humanCount(s.docs).padStart(7)} docs  ${humanCount(s.chars).padStart(7)} chars  (${pct(s.chars, w.start.chars)} of raw)`,
      );
  }
  if (f.sources.length)
    lines.push(
      `sources (final docs): ${f.sources.map((s) => `${s.key} ${humanCount(s.docs)}/${humanCount(s.rawDocs)}`).join(", ")}`,
    );
  if (f.dedup)
    lines.push(
      `dedup: ${humanCount(f.dedup.clusters)} clusters, ${humanCount(f.dedup.docsInClusters)} docs in them`,
    );
  if (f.crawl) {
    const failed = f.crawl.statuses
      .filter((s) => s.key === "no response" || Number(s.key) >= 400)
      .reduce((n, s) => n + s.fetches, 0);
    lines.push(
      `crawl: ${humanCount(f.crawl.fetches)} fetches (${pct(failed, f.crawl.fetches)} failed), ${(f.crawl.bytes / 1e6).toFixed(1)} MB, ${f.crawl.hosts} hosts`,
    );
  }
  if (f.sft)
    lines.push(
      `sft: ${f.sft.samples} samples (${f.sft.statuses.map((s) => `${s.key} ${s.samples}`).join(", ")})`,
    );
  const q = f.quarantine.reduce((n, r) => n + r.count, 0);
  if (q) lines.push(`quarantined inputs: ${q}`);
  return lines.join("\n");
}
