/** What a line of a document is: its language (from normalize's line labels) or its shape. */
export type LineKind = "tgk" | "rus" | "eng" | "foreign" | "nav" | "other";

/** Letters only Tajik Cyrillic writes (Uzbek shares ғ қ ҳ, but a Russian line has none of them). */
const TAJIK_LETTERS = new Set([..."ӣӯҷҳқғӢӮҶҲҚҒ"].map((c) => c.charCodeAt(0)));
/** Letters Russian writes often and native Tajik words do not. */
const RUSSIAN_LETTERS = new Set([..."щыьцЩЫЬЦ"].map((c) => c.charCodeAt(0)));

/** Letter counts of a text in one pass: Cyrillic, Latin, Tajik-only and Russian-typical letters. */
export function letterCounts(text: string): { cyr: number; lat: number; tgk: number; rus: number } {
  let cyr = 0;
  let lat = 0;
  let tgk = 0;
  let rus = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 0x400 && c <= 0x52f) {
      cyr++;
      if (TAJIK_LETTERS.has(c)) tgk++;
      else if (RUSSIAN_LETTERS.has(c)) rus++;
    } else if (
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7)
    )
      lat++;
  }
  return { cyr, lat, tgk, rus };
}

/** Separators web menus put between items. */
const MENU_SEPARATORS = /\s*(?:\||•|·|»|›|«|‹|\/|\t|\s-\s|\s–\s|\s{3,})\s*/u;
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
const END_PUNCT = /[.!?…:;"'»”)]$/u;

/** Whether a trimmed line is site navigation: a known menu word, or several short items between menu separators. */
export function isNavigationLine(line: string): boolean {
  const lower = line.toLowerCase().replace(/[«»"“”]/g, "");
  if (NAV_WORDS.has(lower.trim())) return true;
  if (line.length > 200 || END_PUNCT.test(line)) return false;
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

/**
 * The lines of a text paired with normalize's labels. Throws (the runner quarantines the document) when the
 * labels do not match the lines: the text changed after normalize, or normalize did not run.
 */
export function labelledLines(
  text: string,
  lineLangs: readonly string[] | null | undefined,
): Array<[string, string]> {
  const lines = text.split("\n");
  if (!lineLangs || lineLangs.length !== lines.length)
    throw new Error(
      `line_langs has ${lineLangs?.length ?? "no"} labels for ${lines.length} lines: run normalize (it labels every line) before quality signals`,
    );
  return lines.map((l, i) => [l, lineLangs[i]!]);
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
 * navigation lines from any document with other content. A document that is mostly foreign keeps its lines: the
 * document rules decide about it as a whole. `lineLangs` are normalize's labels of the text's lines.
 */
export function cleanLines(
  text: string,
  lineLangs: readonly string[] | null | undefined,
  opts: LineCleanOptions = DEFAULT_LINE_CLEAN,
): CleanResult {
  const lines = labelledLines(text, lineLangs);
  const kinds = lines.map(([l, lang]) => {
    const t = l.trim();
    return t === "" ? null : lineKind(t, lang);
  });
  let tgkChars = 0;
  let foreignChars = 0;
  let contentLines = 0;
  kinds.forEach((k, i) => {
    const len = lines[i]![0].length;
    if (k === "tgk") tgkChars += len;
    if (isForeign(k)) foreignChars += len;
    if (k !== null && k !== "nav") contentLines++;
  });
  const dropForeign = tgkChars > 0 && tgkChars / (tgkChars + foreignChars) >= opts.minTajikShare;
  const dropNav = opts.navigation && contentLines > 0;
  const all = lines.map((l) => l[1]);
  if (!dropForeign && !dropNav) return { text, lineLangs: all, dropped: [] };
  const kept: Array<[string, string]> = [];
  const dropped: DroppedLine[] = [];
  lines.forEach(([line, lang], i) => {
    const k = kinds[i]!;
    if ((dropForeign && isForeign(k)) || (dropNav && k === "nav")) {
      dropped.push({ kind: k as DroppedLine["kind"], text: line.trim() });
    } else kept.push([line, lang]);
  });
  if (dropped.length === 0) return { text, lineLangs: all, dropped };
  // Removing lines can leave runs of blank lines; keep at most one blank line in a row and none at the ends, so
  // paragraph signals stay meaningful (the labels follow their lines).
  const out: Array<[string, string]> = [];
  for (const [line, lang] of kept) {
    const blank = line.trim() === "";
    if (blank && (out.length === 0 || out.at(-1)![0].trim() === "")) continue;
    out.push([line, lang]);
  }
  while (out.length > 0 && out.at(-1)![0].trim() === "") out.pop();
  return { text: out.map((l) => l[0]).join("\n"), lineLangs: out.map((l) => l[1]), dropped };
}
