/** The signals stage's educational-value columns, as a signal module. */
import { type ColumnSpec, defined } from "@soro/core";
import type { SignalModule } from "../signal-module.js";
import {
  type EduModel,
  eduScore,
  findWorkspaceEduModel,
  loadModel,
  SHIPPED_EDU_MODEL_PATH,
  shippedEduModel,
} from "./model.js";

/** Which model the signals stage scores with: a file and its version (part of the config hash), or false for none. */
export type EduOption = { model: string; version: string } | false;

/** What each rounded edu_score means (packages/quality/README.md has the weak-label examples of each). */
export const EDU_BANDS = [
  "no text value: UI strings, menus, word lists, tables",
  "small talk, isolated sentences, ads",
  "some information, mixed with opinion, news or chrome",
  "coherent formal prose that informs",
  "curriculum-like: definitions, textbook or civics reading",
  "a lesson on a school topic",
] as const;

export const EDU_COLUMNS: ColumnSpec[] = [
  {
    name: "edu_score",
    type: "DOUBLE",
    doc: "educational value, 0 (none: UI strings, lists) to 5 (a school lesson); see packages/quality/README.md",
  },
  { name: "edu_model", type: "VARCHAR", doc: "version of the model that wrote edu_score" },
];

const loaded = new Map<string, EduModel>();

/** The model an option names, loaded once per process (undefined: the shipped model). */
function modelFor(option: EduOption | undefined): EduModel | null {
  if (option === false) return null;
  if (option === undefined) return shippedEduModel();
  let m = loaded.get(option.model);
  if (!m) {
    m = loadModel(option.model);
    loaded.set(option.model, m);
  }
  return m;
}

/**
 * edu_score (rounded to 3 decimals) and edu_model of a cleaned text (`lower`: its lowercased form, when known);
 * NULLs when scoring is off.
 */
export function eduColumns(
  text: string,
  option: EduOption | undefined,
  lower?: string,
): { edu_score: number | null; edu_model: string | null } {
  const model = modelFor(option);
  if (!model) return { edu_score: null, edu_model: null };
  return { edu_score: Math.round(eduScore(model, text, lower) * 1000) / 1000, edu_model: model.version };
}

/** The model a workspace's signals run uses: its own (`soro quality edu train`) when it has one, else the shipped one. */
export function workspaceEduOption(workspaceDir: string): { model: string; version: string } {
  const file = findWorkspaceEduModel(workspaceDir) ?? SHIPPED_EDU_MODEL_PATH;
  const model = defined(modelFor({ model: file, version: "" }), `the edu model ${file}`);
  return { model: file, version: model.version };
}

/** Educational value: edu_score and edu_model from the stage's model (the workspace's or the shipped one). */
export const eduModule: SignalModule = {
  name: "edu",
  version: "1",
  columns: EDU_COLUMNS,
  setup: (options) => {
    const edu = options?.edu;
    modelFor(edu); // loaded once per worker, before the first document
    return (ctx) => eduColumns(ctx.text, edu, ctx.lower);
  },
};
