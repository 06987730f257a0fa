import { fileURLToPath } from "node:url";
import { loadConfigFile, UsageError } from "@soro/core";
import { TASKS, type Task } from "../defaults.js";

export { TASKS, type Task };

/** The templates of the extractive engine, each required in a template set's `extractive:` block. */
export const EXTRACTIVE_TEMPLATES = [
  "definition",
  "definition_answer",
  "question_answer",
  "quiz",
  "quiz_answer",
  "summary",
  "summary_answer",
  "correct_mistakes",
  "correct_mistakes_answer",
  "followup",
  "followup_answer",
] as const;

/** A versioned template set as read from YAML (templates/teacher-v1.yaml). */
export interface TemplateSet {
  version: string;
  system: string;
  format: string;
  tasks: Record<Task, { title: string; prompt: string }>;
  seed: string;
  extractive: Record<(typeof EXTRACTIVE_TEMPLATES)[number], string> & Record<string, string>;
  judge: string;
}

/** The bundled template set. */
export const DEFAULT_TEMPLATES = fileURLToPath(new URL("../../templates/teacher-v1.yaml", import.meta.url));

/** Loads and checks a template set; an error names the file and the missing part. */
export async function loadTemplates(file = DEFAULT_TEMPLATES): Promise<TemplateSet> {
  const t = (await loadConfigFile(file)) as Partial<TemplateSet> | null;
  const missing = (what: string) =>
    new UsageError(
      `soro sft: template file ${file} has no ${what}`,
      "compare it with templates/teacher-v1.yaml",
    );
  if (!t || typeof t.version !== "string") throw missing("version");
  for (const key of ["system", "format", "seed", "judge"] as const)
    if (typeof t[key] !== "string") throw missing(key);
  for (const task of TASKS)
    if (typeof t.tasks?.[task]?.prompt !== "string") throw missing(`tasks.${task}.prompt`);
  for (const key of EXTRACTIVE_TEMPLATES)
    if (typeof t.extractive?.[key] !== "string") throw missing(`extractive.${key}`);
  return t as TemplateSet;
}

/** Fills `{name}` placeholders; an unknown placeholder is an error so that a template typo never ships. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`template placeholder {${name}} has no value`);
    return String(v);
  });
}

/** Parses a `--tasks` list (comma-separated, `all` for every task). */
export function parseTasks(list: string): Task[] {
  if (list.trim() === "all") return [...TASKS];
  const tasks = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of tasks)
    if (!(TASKS as readonly string[]).includes(t))
      throw new UsageError(`soro sft: unknown task ${t}`, `use some of ${TASKS.join(", ")} (or all)`);
  return tasks as Task[];
}
