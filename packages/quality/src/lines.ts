/** What a line of a document is, by letter evidence and shape. */
export type LineKind = "tgk" | "rus" | "eng" | "nav" | "other";

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

/** Frequent Tajik function words: evidence for Tajik lines typed without Tajik letters. */
const TAJIK_WORDS = new Set(
  "дар ва аз ба ки аст бо ин он ҳам барои мебошад шуд буд низ то чун агар ё вале баъд пас ҳар хеле ҳамчун бояд мешавад карда намуда дорад".split(
    " ",
  ),
);
/** Frequent Russian function words that are not Tajik words. */
const RUSSIAN_WORDS = new Set(
  "и в во с со к из что это как он она они его её для от по при или так же был была было были все всё только уже который которые может также".split(
    " ",
  ),
);
/** Frequent English function words. */
const ENGLISH_WORDS = new Set(
  "the and of to in is for on with that by this are from as at or be an was".split(" "),
);

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

/** Classifies one trimmed, non-empty line as Tajik, Russian, English, navigation or other (digits, symbols). */
export function classifyLine(line: string): LineKind {
  if (isNavigationLine(line)) return "nav";
  const { cyr, lat, tgk: tgkLetters, rus: rusLetters } = letterCounts(line);
  if (cyr + lat < 3) return "other";
  const words = line.toLowerCase().match(/[\p{L}]+/gu) ?? [];
  if (lat > cyr) {
    const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
    // Latin-script Tajik exists (TAJIK.md); only call a Latin line English when English function words say so.
    return english > 0 || words.length < 3 ? "eng" : "other";
  }
  const tgk = 2 * tgkLetters + 3 * words.filter((w) => TAJIK_WORDS.has(w)).length;
  const rus = rusLetters + 3 * words.filter((w) => RUSSIAN_WORDS.has(w)).length;
  if (rus >= 2 && rus > tgk) return "rus";
  if (tgk > 0) return "tgk";
  // Cyrillic with no evidence either way: Tajik typed on a Russian keyboard looks like this, so lean Tajik.
  return rus > 0 ? "rus" : "tgk";
}

/** A line the cleaner removed, and why. */
export interface DroppedLine {
  kind: "rus" | "eng" | "nav";
  text: string;
}

/** Options of line-level cleaning. */
export interface LineCleanOptions {
  /** Drop Russian/English lines only when Tajik lines hold at least this share of the language-bearing characters. */
  minTajikShare: number;
  /** Drop navigation lines (kept when they are all the document has, so the document rules can judge it). */
  navigation: boolean;
}

/** The default line cleaning: a document at least 70% Tajik loses its foreign lines. */
export const DEFAULT_LINE_CLEAN: LineCleanOptions = { minTajikShare: 0.7, navigation: true };

/** The outcome of cleaning one document's lines. */
export interface CleanResult {
  text: string;
  dropped: DroppedLine[];
}

/**
 * Drops Russian and English lines from a mostly Tajik document, and navigation lines from any document with other
 * content. A document that is mostly foreign keeps its lines: the document rules decide about it as a whole.
 */
export function cleanLines(text: string, opts: LineCleanOptions = DEFAULT_LINE_CLEAN): CleanResult {
  const lines = text.split("\n");
  const kinds = lines.map((l) => {
    const t = l.trim();
    return t === "" ? null : classifyLine(t);
  });
  let tgkChars = 0;
  let foreignChars = 0;
  let contentLines = 0;
  kinds.forEach((k, i) => {
    const len = lines[i]!.length;
    if (k === "tgk") tgkChars += len;
    if (k === "rus" || k === "eng") foreignChars += len;
    if (k !== null && k !== "nav") contentLines++;
  });
  const dropForeign = tgkChars > 0 && tgkChars / (tgkChars + foreignChars) >= opts.minTajikShare;
  const dropNav = opts.navigation && contentLines > 0;
  if (!dropForeign && !dropNav) return { text, dropped: [] };
  const kept: string[] = [];
  const dropped: DroppedLine[] = [];
  lines.forEach((line, i) => {
    const k = kinds[i];
    if ((dropForeign && (k === "rus" || k === "eng")) || (dropNav && k === "nav")) {
      dropped.push({ kind: k, text: line.trim() });
    } else kept.push(line);
  });
  if (dropped.length === 0) return { text, dropped };
  // Removing lines can leave runs of blank lines; collapse them so paragraph signals stay meaningful.
  return {
    text: kept
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
    dropped,
  };
}
