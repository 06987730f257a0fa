#!/usr/bin/env zx
// The demo pipeline: every stage on the bundled sample of real offline text, into out/demo/.
import { $, fs, path } from "zx";

$.verbose = true;
const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "out", "demo");
const ws = path.join(out, "workspace");
const node = (args) => $({ cwd: root })`node --import tsx ${args}`;
// The built command (`pnpm build`), as `soro` on the PATH runs it.
const soro = (args) => $({ cwd: root })`node packages/cli/bin/soro.mjs ${["-w", ws, ...args]}`;

await fs.remove(out);
// Sources: the web-like sample (UDHR in Tajik and neighbour languages, LibreOffice strings, damaged copies),
// curriculum text with subject and grade, real PDFs (two-column, legacy font, encrypted, truncated), a local crawl.
await node(["pipelines/build-sample.ts", path.join(out, "sample")]);
await soro(["ingest", path.join(out, "sample"), "--source", "web"]);
await soro(["ingest", "packages/sft-builder/fixtures/edu", "--source", "edu"]);
await soro(["pdf", "ingest", "packages/pdf/fixtures"]);
await node(["packages/crawl/scripts/demo-crawl.ts", ws]);
await soro(["pdf", "ingest", "--from-crawl"]); // the crawl's one "PDF" is a fake: quarantined with its reason

// Repair and language ID, quality signals and selection, dedup.
await soro(["normalize"]);
// Learn a Tajik word model from the workspace's own clean Tajik lines (merged with the shipped one); normalize
// then runs again with it (its version is part of the stage's config hash).
await soro(["normalize", "learn"]);
await soro(["normalize"]);
await soro([
  "sql",
  "select lang, script, converted, encoding, count(*) as docs, round(avg(lang_score), 3) as p_tgk, sum(repairs) as repairs from docs_normalize group by all order by docs desc",
]);
await soro(["quality", "signals"]);
await soro(["quality", "select"]);
await soro(["dedup", "run"]);
// The demo benchmark quotes UDHR articles that the civics curriculum also holds: --cut drops those lines and keeps
// the rest of each textbook; a copy that is mostly a quoted article is removed.
await soro(["dedup", "decontam", "--benchmarks", "packages/dedup/fixtures/benchmarks", "--cut"]);
// What a trainer gets: the final documents with the highest educational value, and what survived of each source.
await soro([
  "sql",
  "select round(edu_score, 2) as edu_score, source, left(regexp_replace(text, '\\s+', ' ', 'g'), 70) as text from docs_decontam order by edu_score desc limit 8",
]);
await soro([
  "sql",
  "select n.source, count(*) as raw, count(d.id) as final, round(avg(q.edu_score), 2) as edu_raw, round(avg(d.edu_score), 2) as edu_final from docs_normalize n left join docs_quality q using (id) left join docs_decontam d using (id) group by all order by raw desc",
]);

// Hand-over: exact Gemma 3 token counts, trainer exports, a job plan.
await soro(["bridge", "count"]);
await soro(["bridge", "goal"]);
await soro(["bridge", "export", "--format", "parquet", "--out", path.join(out, "export", "hf")]);
await soro(["bridge", "export", "--format", "megatron", "--out", path.join(out, "export", "megatron")]);

await soro([
  "train",
  "plan",
  "cpt",
  "--export",
  path.join(out, "export", "megatron"),
  "--model",
  "1b",
  "--backend",
  "slurm",
]);

// Teacher-style SFT candidates from the curriculum documents, checked automatically (offline extractive engine).
// Seeds come from the deduplicated corpus: the demo benchmark is made from the same UDHR text, so decontam removes it.
await soro(["sft", "generate", "--from", "dedup", "--target", "50"]);
await soro(["sft", "checks"]);
await soro(["sft", "overlap"]); // how much SFT text the pretraining shards already hold

// The report, the dataset card and the summary.
await soro(["report", "--out", path.join(out, "report.html")]);
await soro(["report", "--card", "--card-out", path.join(out, "card", "README.md")]); // with its data files in card/data/
await soro(["status"]);
await soro(["status", "--summary"]);
console.log(`\ndemo done.
  workspace:     ${ws}
  final shards:  ${path.join(ws, "shards", "decontam")}
  exports:       ${path.join(out, "export")}
  report:        ${path.join(out, "report.html")}
  dataset card:  ${path.join(out, "card", "README.md")}
  try:           soro -w ${ws} sql "select stage, count(*) as shards, sum(rows) as docs from shards where status = 'active' group by all"`);
