import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, SoroError } from "@soro/core";
import { stringify } from "yaml";

/** One multiple-choice benchmark item. */
export interface McItem {
  question: string;
  choices: string[];
  answer: number;
}

/** Reads benchmark JSONL (question, choices, answer index), naming the line of a bad item. */
export async function readBenchmark(file: string): Promise<McItem[]> {
  const text = await readFile(file, "utf8").catch((err: Error) => {
    throw new SoroError(
      `soro bridge: cannot read ${file} (${err.message})`,
      "pass a JSONL benchmark file",
      2,
    );
  });
  const items: McItem[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const r = JSON.parse(line) as Partial<McItem>;
    const answer = r.answer;
    if (
      typeof r.question !== "string" ||
      !Array.isArray(r.choices) ||
      r.choices.length < 2 ||
      answer === undefined ||
      !Number.isInteger(answer) ||
      answer < 0 ||
      answer >= r.choices.length
    ) {
      throw new SoroError(
        `soro bridge: ${file}:${i + 1} is not a multiple-choice item`,
        'write {"question": "...", "choices": ["...", "..."], "answer": <index>}',
        2,
      );
    }
    items.push({ question: r.question, choices: r.choices.map(String), answer });
  });
  return items;
}

/**
 * Writes an lm-evaluation-harness task (`eval/<task>.yaml` over `eval/<task>.jsonl`) and attaches the dedup stage's
 * decontamination report: every catalog table whose name mentions decontamination, as JSON.
 */
export async function writeEvalTask(
  catalog: Catalog,
  out: string,
  opts: { benchmark: string; task: string },
): Promise<{ items: number; decontamination: string[] }> {
  const items = await readBenchmark(opts.benchmark);
  const dir = path.join(out, "eval");
  await mkdir(dir, { recursive: true });
  const data = `${opts.task}.jsonl`;
  await writeFile(path.join(dir, data), `${items.map((i) => JSON.stringify(i)).join("\n")}\n`);
  const task = {
    task: opts.task,
    dataset_path: "json",
    // Relative to the folder lm_eval runs in: run it from eval/ (see README.md).
    dataset_kwargs: { data_files: { test: data } },
    test_split: "test",
    output_type: "multiple_choice",
    doc_to_text: "Савол: {{question}}\nҶавоб:",
    doc_to_choice: "{{choices}}",
    doc_to_target: "{{answer}}",
    metric_list: [
      { metric: "acc", aggregation: "mean", higher_is_better: true },
      { metric: "acc_norm", aggregation: "mean", higher_is_better: true },
    ],
    metadata: { version: 1.0 },
  };
  await writeFile(path.join(dir, `${opts.task}.yaml`), stringify(task));
  await writeFile(
    path.join(dir, "README.md"),
    `# ${opts.task}\n\n${items.length} multiple-choice items. Run from this folder:\n\n    lm_eval --model hf --model_args pretrained=MODEL --include_path . --tasks ${opts.task}\n`,
  );
  const tables = (
    await catalog.rows(
      `SELECT table_name FROM duckdb_tables() WHERE table_name ILIKE '%decontam%' ORDER BY table_name`,
    )
  ).map((r) => String(r.table_name));
  const report: Record<string, unknown> = {
    available: tables.length > 0,
    note: tables.length
      ? "rows of the dedup stage's decontamination tables"
      : "no decontamination table in the catalog yet: run dedup with the benchmark",
  };
  for (const t of tables) report[t] = await catalog.rows(`SELECT * FROM "${t.replaceAll('"', '""')}"`);
  await writeFile(
    path.join(dir, "decontamination.json"),
    `${JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? Number(v) : v), 2)}\n`,
  );
  return { items: items.length, decontamination: tables };
}
