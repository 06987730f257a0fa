import { fileURLToPath } from "node:url";
import { configHash, loadConfigFile, SOURCES, sqlIdent, sqlString, UsageError } from "@soro/core";
import { z } from "zod";

const COLUMN = z.string().regex(/^[a-z_][a-z0-9_]*$/, "a column name: lower case letters, digits and _");

const conditionSchema = z
  .object({
    column: COLUMN,
    min: z.number().optional(),
    max: z.number().optional(),
    in: z
      .array(z.union([z.string(), z.number()]))
      .min(1)
      .optional(),
  })
  .strict()
  .refine((c) => c.min !== undefined || c.max !== undefined || c.in !== undefined, {
    message: "a condition needs min, max or in",
  });

const ruleSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "a rule name: lower case letters, digits and _"),
    why: z.string().min(1, "say why the rule and its thresholds are what they are"),
    all: z.array(conditionSchema).min(1),
    sources: z
      .partialRecord(z.enum(SOURCES), z.union([z.literal("off"), z.array(conditionSchema).min(1)]))
      .optional(),
  })
  .strict();

const ruleSetSchema = z
  .object({
    version: z.number().int().positive(),
    name: z.string().min(1),
    description: z.string().optional(),
    rules: z.array(ruleSchema).min(1),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const r of set.rules) {
      if (seen.has(r.name)) ctx.addIssue({ code: "custom", message: `rule ${r.name} is defined twice` });
      seen.add(r.name);
    }
  });

/** One condition on a column: a value range and/or a set of allowed values. A NULL value fails. */
export type Condition = z.infer<typeof conditionSchema>;
/** A named rule: a document passes when every condition holds (per-source conditions replace the default). */
export type Rule = z.infer<typeof ruleSchema>;
/** An ordered list of rules; a document is removed by the first rule it fails. */
export type RuleSet = z.infer<typeof ruleSetSchema>;

/** Where the shipped default rules live. */
export const DEFAULT_RULES_PATH = fileURLToPath(new URL("../rules/default.yaml", import.meta.url));

/** Validates a parsed rules object, naming `where` in any error. */
export function parseRules(value: unknown, where: string): RuleSet {
  const parsed = ruleSetSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `soro quality: rules ${where} are invalid at ${issue?.path.join(".") || "(top)"}: ${issue?.message ?? parsed.error.message}`,
      "fix the rules file (see packages/quality/rules/default.yaml for the format)",
    );
  }
  return parsed.data;
}

/** Loads a rules file (YAML or JSON), or the shipped defaults when no path is given. */
export async function loadRules(file?: string): Promise<RuleSet> {
  const path = file ?? DEFAULT_RULES_PATH;
  return parseRules(await loadConfigFile(path), path);
}

/** The hash of what a rule set decides (explanations excluded): rewording a `why` does not re-run selection. */
export function rulesHash(rules: RuleSet): string {
  return configHash({
    version: rules.version,
    rules: rules.rules.map((r) => ({ name: r.name, all: r.all, sources: r.sources ?? null })),
  });
}

/** Every column one rule reads, under any source. */
export function ruleColumns(rule: Rule): string[] {
  const cols = new Set<string>(rule.sources ? ["source"] : []);
  for (const c of rule.all) cols.add(c.column);
  for (const list of Object.values(rule.sources ?? {}))
    if (list !== "off") for (const c of list) cols.add(c.column);
  return [...cols];
}

const sqlValue = (v: string | number): string => (typeof v === "number" ? String(v) : sqlString(v));

function conditionSql(c: Condition): string {
  const col = sqlIdent(c.column);
  const parts = [`${col} IS NOT NULL`];
  if (c.min !== undefined) parts.push(`${col} >= ${c.min}`);
  if (c.max !== undefined) parts.push(`${col} <= ${c.max}`);
  if (c.in !== undefined) parts.push(`${col} IN (${c.in.map(sqlValue).join(", ")})`);
  return `(${parts.join(" AND ")})`;
}

function conditionsSql(list: Condition[] | "off"): string {
  return list === "off" ? "TRUE" : `(${list.map(conditionSql).join(" AND ")})`;
}

/** A rule as a SQL boolean expression over the signal columns: TRUE when the document passes. */
export function ruleSql(rule: Rule): string {
  const arms: string[] = [];
  for (const [src, list] of Object.entries(rule.sources ?? {}))
    if (list !== undefined) arms.push(`WHEN ${sqlString(src)} THEN ${conditionsSql(list)}`);
  if (arms.length === 0) return conditionsSql(rule.all);
  return `(CASE "source" ${arms.join(" ")} ELSE ${conditionsSql(rule.all)} END)`;
}

/** The conditions a rule applies to a document of the given source ("off" when it does not apply). */
export function conditionsFor(rule: Rule, source: unknown): Condition[] | "off" {
  const override = rule.sources?.[source as (typeof SOURCES)[number]];
  return override ?? rule.all;
}

/** Whether one value satisfies a condition, with the same NULL semantics as the SQL. */
export function conditionPasses(c: Condition, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  const v = typeof value === "bigint" ? Number(value) : value;
  if (c.min !== undefined && !(typeof v === "number" && v >= c.min)) return false;
  if (c.max !== undefined && !(typeof v === "number" && v <= c.max)) return false;
  if (c.in !== undefined && !c.in.includes(v as string | number)) return false;
  return true;
}

/** How one rule judged a document, condition by condition. */
export interface RuleJudgement {
  rule: string;
  pass: boolean;
  off: boolean;
  conditions: Array<{ condition: Condition; value: unknown; pass: boolean }>;
}

/** Evaluates a rule set on one document row in TypeScript: every rule's verdict, and the first rule that fails. */
export function judge(
  rules: RuleSet,
  row: Record<string, unknown>,
): { rules: RuleJudgement[]; removedBy: string | null } {
  const out: RuleJudgement[] = rules.rules.map((rule) => {
    const list = conditionsFor(rule, row.source);
    if (list === "off") return { rule: rule.name, pass: true, off: true, conditions: [] };
    const conditions = list.map((condition) => {
      const value = row[condition.column];
      return { condition, value, pass: conditionPasses(condition, value) };
    });
    return { rule: rule.name, pass: conditions.every((c) => c.pass), off: false, conditions };
  });
  return { rules: out, removedBy: out.find((r) => !r.pass)?.rule ?? null };
}

/** A condition in the rules file's own words, e.g. `q_words in [50, 100000]`. */
export function describeCondition(c: Condition): string {
  const parts: string[] = [];
  if (c.min !== undefined && c.max !== undefined) parts.push(`${c.column} in [${c.min}, ${c.max}]`);
  else if (c.min !== undefined) parts.push(`${c.column} >= ${c.min}`);
  else if (c.max !== undefined) parts.push(`${c.column} <= ${c.max}`);
  if (c.in !== undefined) parts.push(`${c.column} in {${c.in.join(", ")}}`);
  return parts.join(" and ");
}
