import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, documentMeta } from "@soro/core";
import { formCounts, letterWords } from "./reading-level.js";
import type { LetterWords } from "./tokenize.js";

/**
 * The curriculum vocabulary of a workspace: every word its graded curriculum documents (source edu with `grade`
 * metadata) use at least twice, with the lowest grade that uses it. The reading level reads, for each document, the
 * share of its words this vocabulary knows and the grade by which 90% of them have been introduced.
 */
export type CurriculumVocab = Map<string, number>;

/** Where a workspace keeps its curriculum vocabulary, and its content hash (part of the signals' config hash). */
export interface CurriculumRef {
  file: string;
  sha256: string;
  words: number;
  docs: number;
}

/** Uses below this count are left out: a word seen once may be a typo or a name. */
const MIN_USES = 2;

/**
 * Builds the curriculum vocabulary from a stage's graded edu documents (normalize by default: the text as it
 * enters the quality stage) into `<workspace>/models/curriculum-vocab.tsv` (`word<TAB>lowest grade`, sorted);
 * null when the stage has no edu document with a numeric grade.
 */
export async function buildCurriculumVocab(
  catalog: Catalog,
  stage = "normalize",
): Promise<CurriculumRef | null> {
  const table = await catalog.stageTableSql(stage);
  if (!table) return null;
  const rows = await catalog.rows(`SELECT text, meta FROM ${table} WHERE source = 'edu' ORDER BY id`);
  const lowest = new Map<string, number>();
  const uses = new Map<string, number>();
  let docs = 0;
  for (const r of rows) {
    const grade = Number.parseInt(String(documentMeta({ meta: r.meta as string | null }).grade ?? ""), 10);
    if (!Number.isFinite(grade)) continue;
    docs++;
    const words = letterWords(String(r.text));
    for (const id of words.ids) {
      const w = words.form(id);
      uses.set(w, (uses.get(w) ?? 0) + 1);
      const g = lowest.get(w);
      if (g === undefined || grade < g) lowest.set(w, grade);
    }
  }
  if (docs === 0) return null;
  const lines = [...lowest]
    .filter(([w]) => (uses.get(w) ?? 0) >= MIN_USES)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, g]) => `${w}\t${g}`);
  const body = `${lines.join("\n")}\n`;
  const file = path.join(catalog.ws.dir, "models", "curriculum-vocab.tsv");
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, body);
  await rename(`${file}.tmp`, file);
  return { file, sha256: createHash("sha256").update(body).digest("hex"), words: lines.length, docs };
}

/** Reads a curriculum vocabulary file; an error names the file and how to rebuild it. */
export async function loadCurriculumVocab(file: string): Promise<CurriculumVocab> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new Error(
      `curriculum vocabulary ${file} is missing: rerun soro quality signals, which rebuilds it`,
    );
  }
  const vocab: CurriculumVocab = new Map();
  for (const line of text.split("\n")) {
    const [w, g] = line.split("\t");
    if (w && g) vocab.set(w, Number(g));
  }
  return vocab;
}

/** The curriculum columns of a workspace without graded curriculum documents. */
export const NO_CURRICULUM = { rl_curriculum_share: null, rl_curriculum_grade: null } as const;

/** Share of words the grade must cover for `rl_curriculum_grade`. */
const COVER = 0.9;
/** Fewer known words than this give no curriculum grade. */
const MIN_KNOWN = 20;

/**
 * The curriculum columns of a document's words: the share of its Cyrillic words the vocabulary knows, and the
 * lowest grade by which 90% of those known words have been introduced (NULL under 20 known words).
 */
export function curriculumSignals(
  words: LetterWords,
  vocab: CurriculumVocab,
): { rl_curriculum_share: number | null; rl_curriculum_grade: number | null } {
  const grades: number[] = [];
  let cyrillic = 0;
  // Each form is looked up once and counted as often as it occurs.
  const counts = formCounts(words);
  for (let id = 0; id < counts.length; id++) {
    const c = words.text.charCodeAt(words.starts[id] as number);
    if (c < 0x400 || c >= 0x500) continue;
    const w = words.form(id);
    cyrillic += counts[id] as number;
    const g = vocab.get(w);
    if (g !== undefined) for (let m = 0; m < (counts[id] as number); m++) grades.push(g);
  }
  if (cyrillic === 0) return NO_CURRICULUM;
  grades.sort((a, b) => a - b);
  return {
    rl_curriculum_share: grades.length / cyrillic,
    rl_curriculum_grade:
      grades.length >= MIN_KNOWN ? (grades[Math.ceil(COVER * grades.length) - 1] as number) : null,
  };
}
