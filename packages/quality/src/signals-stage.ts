import { type ColumnSpec, defineStage } from "@soro/core";
import { DocContext } from "./doc-context.js";
import type { EduOption } from "./edu/columns.js";
import {
  cleanLabelledLines,
  DEFAULT_LINE_CLEAN,
  type DroppedLine,
  type LabelledLine,
  type LineCleanOptions,
  labelLine,
  readLines,
} from "./lines.js";
import { type MaskResult, maskPii, PII_KINDS } from "./pii.js";
import { SIGNAL_MODULES } from "./signal-modules.js";

/** Options of the quality signals stage; every field is part of its config hash. */
export interface QualitySignalsOptions {
  /** Line-level cleaning before the signals, or false to keep every line. */
  lineClean: LineCleanOptions | false;
  /** Mask personal data with typed placeholders. */
  pii: boolean;
  /** The educational-value model (`soro quality edu train`); absent: the shipped one; false: no edu_score. */
  edu?: EduOption;
  /** The workspace's curriculum vocabulary (`buildCurriculumVocab`), read by the reading level; its hash reruns the stage. */
  curriculum?: { file: string; sha256: string };
}

/** The defaults: clean lines, mask personal data. */
export const DEFAULT_SIGNALS_OPTIONS: QualitySignalsOptions = { lineClean: DEFAULT_LINE_CLEAN, pii: true };

/** At most this many dropped lines (each cut to 200 characters) are kept per document for audit. */
const KEEP_DROPPED = 20;

/** Columns that record what cleaning and masking did to a document. */
export const CLEANING_COLUMNS: ColumnSpec[] = [
  { name: "q_lines_dropped_rus", type: "INTEGER", doc: "Russian lines dropped from a mostly Tajik document" },
  { name: "q_lines_dropped_eng", type: "INTEGER", doc: "English lines dropped from a mostly Tajik document" },
  {
    name: "q_lines_dropped_other",
    type: "INTEGER",
    doc: "lines in another language (uzn, kaz, ukr, ...) dropped from a mostly Tajik document",
  },
  { name: "q_lines_dropped_nav", type: "INTEGER", doc: "navigation lines dropped" },
  { name: "q_chars_dropped", type: "INTEGER", doc: "characters of the dropped lines" },
  {
    name: "q_dropped_lines",
    type: "VARCHAR[]",
    doc: "the dropped lines as `kind: text` (first 20, 200 characters each)",
  },
  ...PII_KINDS.map(
    (k): ColumnSpec => ({ name: `q_pii_${k}`, type: "INTEGER", doc: `${k} matches masked as a placeholder` }),
  ),
];

function droppedColumns(dropped: DroppedLine[]): Record<string, unknown> {
  const by = { rus: 0, eng: 0, foreign: 0, nav: 0 };
  let chars = 0;
  for (const line of dropped) {
    by[line.kind]++;
    chars += line.text.length;
  }
  return {
    q_lines_dropped_rus: by.rus,
    q_lines_dropped_eng: by.eng,
    q_lines_dropped_other: by.foreign,
    q_lines_dropped_nav: by.nav,
    q_chars_dropped: chars,
    q_dropped_lines: dropped.slice(0, KEEP_DROPPED).map((l) => `${l.kind}: ${l.text.slice(0, 200)}`),
  };
}

/**
 * Masks personal data line by line, so a match never joins two lines and the labels still fit; a line that changes
 * gets its kind again (a masked line can read as a menu).
 */
function maskLines(lines: LabelledLine[]): { lines: LabelledLine[]; counts: MaskResult["counts"] } {
  const counts: MaskResult["counts"] = { email: 0, phone: 0, ip: 0, id: 0 };
  let out = lines;
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k] as LabelledLine;
    if (!PII_GATE.test(line.raw)) continue;
    const m = maskPii(line.raw);
    for (const kind of PII_KINDS) counts[kind] += m.counts[kind];
    if (m.text === line.raw) continue;
    if (out === lines) out = lines.slice();
    out[k] = labelLine(m.text, line.lang);
  }
  return { lines: out, counts };
}
const PII_GATE = /[@\d]/;

/**
 * Cleans and masks one document whose lines normalize labelled (`line_langs`): the context every signal module
 * reads (its `text` is the stage's new text) and the columns that record what cleaning and masking did.
 */
export function prepareDocument(
  text: string,
  lineLangs: readonly string[] | null | undefined,
  opts: QualitySignalsOptions = DEFAULT_SIGNALS_OPTIONS,
  doc: DocContext["doc"] = {},
): { ctx: DocContext; add: Record<string, unknown> } {
  const lines = readLines(text, lineLangs);
  const cleaned = opts.lineClean ? cleanLabelledLines(lines, opts.lineClean) : { lines, dropped: [] };
  const masked = opts.pii ? maskLines(cleaned.lines) : null;
  const out = masked ? masked.lines : cleaned.lines;
  const ctx = new DocContext(out === lines ? text : out.map((l) => l.raw).join("\n"), out, doc);
  const add = droppedColumns(cleaned.dropped);
  for (const k of PII_KINDS) add[`q_pii_${k}`] = masked?.counts[k] ?? 0;
  return { ctx, add };
}

let defaultMeasures: Array<(ctx: DocContext) => Record<string, unknown>> | undefined;

/** The measure of every signal module, set up once, for callers that cannot wait (modules must be synchronous). */
function syncMeasures(): Array<(ctx: DocContext) => Record<string, unknown>> {
  defaultMeasures ??= SIGNAL_MODULES.map((m) => {
    const measure = m.setup();
    if (measure instanceof Promise)
      throw new Error(
        `signal module ${m.name} sets up asynchronously: run it through the quality signals stage`,
      );
    return (ctx: DocContext) => {
      const r = measure(ctx);
      if (r instanceof Promise)
        throw new Error(
          `signal module ${m.name} measures asynchronously: run it through the quality signals stage`,
        );
      return r;
    };
  });
  return defaultMeasures;
}

/**
 * Cleans, masks and measures one text whose lines normalize labelled (`line_langs`): the new text and every column
 * the stage adds (every signal module's, unless `measures` names others). `url` is the document's address.
 */
export function analyzeText(
  text: string,
  lineLangs: readonly string[] | null | undefined,
  opts: QualitySignalsOptions = DEFAULT_SIGNALS_OPTIONS,
  {
    url,
    measures,
  }: { url?: string | null; measures?: ReadonlyArray<(ctx: DocContext) => Record<string, unknown>> } = {},
): { text: string; add: Record<string, unknown> } {
  const { ctx, add } = prepareDocument(text, lineLangs, opts, { url });
  const row: Record<string, unknown> = {};
  for (const measure of measures ?? syncMeasures()) Object.assign(row, measure(ctx));
  // The cleaning columns after the signals (no signal module names one of them).
  return { text: ctx.text, add: Object.assign(row, add) };
}

/** Stage version: the runner's config hash covers it, so adding or changing a signal module reruns the stage. */
const STAGE_VERSION = ["3", ...SIGNAL_MODULES.map((m) => `${m.name}.${m.version}`)].join("+");

/**
 * The quality signals stage: line cleaning, PII masking, then every signal module's columns (`SIGNAL_MODULES`).
 * It never removes a document; selection (`select`) decides from these columns.
 */
export const qualitySignalsStage = defineStage<QualitySignalsOptions | null>({
  name: "quality",
  version: STAGE_VERSION,
  description: "line cleaning, PII masking and per-document quality signals (columns, not decisions)",
  inputs: ["normalize"],
  columns: [...SIGNAL_MODULES.flatMap((m) => m.columns), ...CLEANING_COLUMNS],
  rewritesText: true,
  // What the transform and the signal modules read of a row (the safety module: `url`).
  reads: ["id", "text", "line_langs", "url"],
  async setup(options) {
    const opts = options ?? DEFAULT_SIGNALS_OPTIONS;
    const measures = await Promise.all(SIGNAL_MODULES.map((m) => m.setup(opts)));
    return async (doc) => {
      const { ctx, add } = prepareDocument(
        doc.text,
        doc.line_langs as string[] | null | undefined,
        opts,
        doc,
      );
      const all: Record<string, unknown> = {};
      for (const measure of measures) {
        const r = measure(ctx);
        Object.assign(all, r instanceof Promise ? await r : r);
      }
      Object.assign(all, add);
      return ctx.text === doc.text ? { add: all } : { add: all, text: ctx.text };
    };
  },
});
