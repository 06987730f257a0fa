import { type ColumnSpec, defineStage } from "@soro/core";
import {
  cleanLines,
  DEFAULT_LINE_CLEAN,
  type DroppedLine,
  type LineCleanOptions,
  labelledLines,
} from "./lines.js";
import { type MaskResult, maskPii, PII_KINDS } from "./pii.js";
import { letterWords, READING_COLUMNS, readingSignals } from "./reading-level.js";
import { SAFETY_COLUMNS, safetySignals } from "./safety.js";
import { computeSignals, SIGNAL_COLUMNS } from "./signals.js";

/** Options of the quality signals stage; every field is part of its config hash. */
export interface QualitySignalsOptions {
  /** Line-level cleaning before the signals, or false to keep every line. */
  lineClean: LineCleanOptions | false;
  /** Mask personal data with typed placeholders. */
  pii: boolean;
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

/** maskPii line by line, so a match never joins two lines and the line labels still fit the masked text. */
function maskPiiByLine(text: string): MaskResult {
  if (!/[@\d]/.test(text)) return maskPii(text);
  const counts: MaskResult["counts"] = { email: 0, phone: 0, ip: 0, id: 0 };
  const lines = text.split("\n").map((line) => {
    const m = maskPii(line);
    for (const k of PII_KINDS) counts[k] += m.counts[k];
    return m.text;
  });
  return { text: lines.join("\n"), counts };
}

/**
 * Cleans, masks and measures one text whose lines normalize labelled (`line_langs`): the new text and every column
 * the stage adds.
 */
export function analyzeText(
  text: string,
  lineLangs: readonly string[] | null | undefined,
  opts: QualitySignalsOptions = DEFAULT_SIGNALS_OPTIONS,
  url?: string | null,
): { text: string; add: Record<string, unknown> } {
  const cleaned = opts.lineClean
    ? cleanLines(text, lineLangs, opts.lineClean)
    : { text, lineLangs: labelledLines(text, lineLangs).map((l) => l[1]), dropped: [] };
  const masked = opts.pii ? maskPiiByLine(cleaned.text) : null;
  const out = masked ? masked.text : cleaned.text;
  const add: Record<string, unknown> = {
    ...computeSignals(out, cleaned.lineLangs),
    ...droppedColumns(cleaned.dropped),
  };
  for (const k of PII_KINDS) add[`q_pii_${k}`] = masked?.counts[k] ?? 0;
  // Reading level and safety share one word split of the cleaned text (their own modules).
  const words = letterWords(out);
  Object.assign(add, readingSignals(out, words), safetySignals(words, url));
  return { text: out, add };
}

/**
 * The quality signals stage: line cleaning, PII masking, then every quality statistic as a column. It never
 * removes a document; selection (`select`) decides from these columns.
 */
export const qualitySignalsStage = defineStage<QualitySignalsOptions | null>({
  name: "quality",
  version: "3",
  description: "line cleaning, PII masking and per-document quality signals (columns, not decisions)",
  inputs: ["normalize"],
  columns: [...SIGNAL_COLUMNS, ...CLEANING_COLUMNS, ...READING_COLUMNS, ...SAFETY_COLUMNS],
  rewritesText: true,
  setup(options) {
    const opts = options ?? DEFAULT_SIGNALS_OPTIONS;
    return (doc) => {
      const { text, add } = analyzeText(
        doc.text,
        doc.line_langs as string[] | null | undefined,
        opts,
        doc.url,
      );
      return text === doc.text ? { add } : { add, text };
    };
  },
});
