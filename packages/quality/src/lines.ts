import { classAt, unitClass, unitSet, WS } from "./char-classes.js";

/** What a line of a document is: its language (from normalize's line labels) or its shape. */
export type LineKind = "tgk" | "rus" | "eng" | "foreign" | "nav" | "other";

/** The one-unit separators web menus put between items. */
const MENU_SEPARATOR_CHARS = "|•·»›«‹/";
/** Separators web menus put between items: one of those, a tab, a spaced dash, or three spaces. */
const MENU_SEPARATORS = new RegExp(`\\s*(?:[${MENU_SEPARATOR_CHARS}]|\\t|\\s-\\s|\\s–\\s|\\s{3,})\\s*`, "u");
/** Menu words common on Tajik, Russian and English site chrome (lower case). */
const NAV_WORDS = new Set([
  "асосӣ",
  "саҳифаи асосӣ",
  "хабарҳо",
  "тамос",
  "дар бораи мо",
  "ворид шудан",
  "баромадан",
  "ҷустуҷӯ",
  "бештар",
  "муфассал",
  "қаблӣ",
  "баъдӣ",
  "ҳамаи хабарҳо",
  "харитаи сайт",
  "главная",
  "новости",
  "контакты",
  "о нас",
  "войти",
  "поиск",
  "далее",
  "назад",
  "home",
  "news",
  "contact",
  "contacts",
  "about",
  "about us",
  "login",
  "search",
  "next",
  "previous",
  "more",
]);
/** The longest menu word: a longer line without quotes or edge whitespace cannot be one. */
const LONGEST_NAV_WORD = Math.max(...[...NAV_WORDS].map((w) => w.length));
/** The quotes a menu word is read without. */
const NAV_QUOTE_CHARS = '«»"“”';
const NAV_QUOTES = new RegExp(`[${NAV_QUOTE_CHARS}]`, "g");
/** The quotes and MENU_SEPARATORS' one-unit separators, by UTF-16 unit. */
const NAV_QUOTE_UNIT = unitSet(NAV_QUOTE_CHARS);
const MENU_SEPARATOR_UNIT = unitSet(MENU_SEPARATOR_CHARS);
/** Sentence-final punctuation: a line ending in it is prose, not a menu. */
const END_PUNCT = unitSet(".!?…:;\"'»”)");

/** Whether a trimmed line is site navigation: a known menu word, or several short items between menu separators. */
export function isNavigationLine(line: string): boolean {
  const n = line.length;
  // One pass for what decides whether the lower-casing, unquoting and split below can matter: the units left once
  // quotes and whitespace go (lower-casing never shortens a text, so a menu word is at least that long), a quote,
  // and a menu separator (one of MENU_SEPARATORS' alternatives, read without a regular expression per line).
  let kept = 0;
  let quote = false;
  let separator = false;
  let spaces = 0;
  // A long line, or one that ends as prose, can only be a menu word: past that length it is none (most lines).
  const mayList = n <= 200 && END_PUNCT[line.charCodeAt(n - 1)] !== 1;
  for (let k = 0; k < n; k++) {
    const c = line.charCodeAt(k);
    const space = (unitClass(c) & WS) !== 0;
    if (space) {
      spaces++;
      if (spaces >= 3 || c === 9) separator = true;
      continue;
    }
    if (NAV_QUOTE_UNIT[c] === 1) quote = true;
    else if (++kept > LONGEST_NAV_WORD && !mayList) return false;
    if (MENU_SEPARATOR_UNIT[c] === 1) separator = true;
    else if (
      (c === 0x2d || c === 0x2013) &&
      spaces > 0 &&
      k + 1 < n &&
      (unitClass(line.charCodeAt(k + 1)) & WS) !== 0
    )
      separator = true;
    spaces = 0;
  }
  let lower: string | undefined;
  if (
    kept <= LONGEST_NAV_WORD &&
    (n <= LONGEST_NAV_WORD || quote || classAt(line, 0) & WS || classAt(line, n - 1) & WS)
  ) {
    lower = line.toLowerCase().replace(NAV_QUOTES, "");
    if (NAV_WORDS.has(lower.trim())) return true;
  }
  if (!mayList || !(separator || quote)) return false;
  lower ??= line.toLowerCase().replace(NAV_QUOTES, "");
  const items = lower.split(MENU_SEPARATORS).filter((s) => s.trim() !== "");
  if (items.length < 3) return false;
  return items.every((item) => item.trim().split(/\s+/).length <= 3);
}

/**
 * What a line is, from its language as normalize labelled it (`line_langs`, ISO 639-3; the pipeline's one line
 * classifier) and its shape: navigation first, then Tajik, Russian, English, another language, or nothing to say
 * (`und`: digits, symbols).
 */
export function lineKind(line: string, lang: string): LineKind {
  if (isNavigationLine(line)) return "nav";
  if (lang === "tgk" || lang === "rus" || lang === "eng") return lang;
  return lang === "und" || lang === "" ? "other" : "foreign";
}

/** One line of a document as the quality stage reads it. */
export interface LabelledLine {
  /** The line as written (no newline). */
  raw: string;
  /** The line without its edge whitespace. */
  trimmed: string;
  /** normalize's label of the line (`line_langs`). */
  lang: string;
  /** What the line is, or null for a blank line. */
  kind: LineKind | null;
}

/** A line with its trimmed form and kind. */
export function labelLine(raw: string, lang: string): LabelledLine {
  const trimmed = raw.trim();
  return { raw, trimmed, lang, kind: trimmed === "" ? null : lineKind(trimmed, lang) };
}

/**
 * The lines of a text with normalize's labels and their kinds. Throws (the runner quarantines the document) when
 * the labels do not match the lines: the text changed after normalize, or normalize did not run.
 */
export function readLines(text: string, lineLangs: readonly string[] | null | undefined): LabelledLine[] {
  const lines = text.split("\n");
  if (!lineLangs || lineLangs.length !== lines.length)
    throw new Error(
      `line_langs has ${lineLangs?.length ?? "no"} labels for ${lines.length} lines: run normalize (it labels every line) before quality signals`,
    );
  return lines.map((l, i) => labelLine(l, lineLangs[i] as string));
}

/** A line the cleaner removed, and why. */
export interface DroppedLine {
  /** rus, eng, another language (foreign) or navigation. */
  kind: "rus" | "eng" | "foreign" | "nav";
  text: string;
}

/** Options of line-level cleaning. */
export interface LineCleanOptions {
  /** Drop lines in other languages only when Tajik lines hold at least this share of the language-bearing characters. */
  minTajikShare: number;
  /** Drop navigation lines (kept when they are all the document has, so the document rules can judge it). */
  navigation: boolean;
}

/** The default line cleaning: a document at least 70% Tajik loses its foreign lines. */
export const DEFAULT_LINE_CLEAN: LineCleanOptions = { minTajikShare: 0.7, navigation: true };

/** The outcome of cleaning one document's lines, with the labels of the lines kept. */
export interface CleanResult {
  text: string;
  /** normalize's label of each line of `text`. */
  lineLangs: string[];
  dropped: DroppedLine[];
}

const isForeign = (k: LineKind | null) => k === "rus" || k === "eng" || k === "foreign";

/**
 * Drops lines in other languages (Russian, English, any other normalize named) from a mostly Tajik document, and
 * navigation lines from any document with other content; returns the input array itself when nothing goes.
 */
export function cleanLabelledLines(
  lines: LabelledLine[],
  opts: LineCleanOptions = DEFAULT_LINE_CLEAN,
): { lines: LabelledLine[]; dropped: DroppedLine[] } {
  let tgkChars = 0;
  let foreignChars = 0;
  let contentLines = 0;
  for (const { raw, kind } of lines) {
    if (kind === "tgk") tgkChars += raw.length;
    if (isForeign(kind)) foreignChars += raw.length;
    if (kind !== null && kind !== "nav") contentLines++;
  }
  const dropForeign = tgkChars > 0 && tgkChars / (tgkChars + foreignChars) >= opts.minTajikShare;
  const dropNav = opts.navigation && contentLines > 0;
  if (!dropForeign && !dropNav) return { lines, dropped: [] };
  const kept: LabelledLine[] = [];
  const dropped: DroppedLine[] = [];
  for (const line of lines) {
    const k = line.kind;
    if ((dropForeign && isForeign(k)) || (dropNav && k === "nav")) {
      dropped.push({ kind: k as DroppedLine["kind"], text: line.trimmed });
    } else kept.push(line);
  }
  if (dropped.length === 0) return { lines, dropped };
  // Removing lines can leave runs of blank lines; keep at most one blank line in a row and none at the ends, so
  // paragraph signals stay meaningful (the labels follow their lines).
  const out: LabelledLine[] = [];
  for (const line of kept) {
    if (line.kind === null && (out.at(-1)?.kind ?? null) === null) continue;
    out.push(line);
  }
  while (out.length > 0 && out.at(-1)?.kind === null) out.pop();
  return { lines: out, dropped };
}

/**
 * Drops lines in other languages (Russian, English, any other normalize named) from a mostly Tajik document, and
 * navigation lines from any document with other content. A document that is mostly foreign keeps its lines: the
 * document rules decide about it as a whole. `lineLangs` are normalize's labels of the text's lines.
 */
export function cleanLines(
  text: string,
  lineLangs: readonly string[] | null | undefined,
  opts: LineCleanOptions = DEFAULT_LINE_CLEAN,
): CleanResult {
  const lines = readLines(text, lineLangs);
  const cleaned = cleanLabelledLines(lines, opts);
  return {
    text: cleaned.lines === lines ? text : cleaned.lines.map((l) => l.raw).join("\n"),
    lineLangs: cleaned.lines.map((l) => l.lang),
    dropped: cleaned.dropped,
  };
}
