import type { ChangeLog } from "./changes.js";

/** Spaces other than the plain one (no-break, the typographic widths, ideographic): each becomes a plain space. */
const ODD_SPACES = [0xa0, ...Array.from({ length: 11 }, (_, k) => 0x2000 + k), 0x202f, 0x205f, 0x3000];
const SPACES = new RegExp(`[${String.fromCharCode(...ODD_SPACES)}]`, "g");
const DASH_BETWEEN_WORDS = / (?:-{1,2}|–|—) /g;
const STRAIGHT_QUOTES = /(^|[\s([])"([^"\n]*\S)"/g;
const CURLY_QUOTES = /[“„]([^“”„\n]*)[”“]/g;
// Looked for at the comma (a pattern that starts with a letter is tried at every letter of the text).
/**
 * A comma or semicolon touching a letter after it; `touchesBefore` checks the character before it (a look-behind
 * in the pattern made the engine try it at every position of every document, five times slower).
 */
const COMMA_BEFORE_LETTER = /[,;](?=[A-Za-z\u00C0-\u024F\u0400-\u04FF])/g;

/** Whether a code unit is a letter of COMMA_BEFORE_LETTER's class (Latin, Latin-1, Latin Extended, Cyrillic). */
function isWordLetter(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c <= 0x24f) ||
    (c >= 0x400 && c <= 0x4ff)
  );
}

/** Whether the character before a comma is a letter (as `isWordLetter`), » or ). */
function touchesBefore(text: string, at: number): boolean {
  const c = text.charCodeAt(at - 1);
  return isWordLetter(c) || c === 0xbb || c === 0x29;
}

/** What `normalizePunctuation` may find to do in a text (bits of `punctuationWork`). */
export const PUNCT_WORK = {
  /** Some whitespace rule may fire; as only they make characters another rule looks at, every rule runs. */
  spacing: 1,
  dash: 2,
  curly: 4,
  comma: 8,
  /** A straight double quote. */
  quote: 16,
} as const;
const SPACING = PUNCT_WORK.spacing;
const DASH = PUNCT_WORK.dash;
const CURLY = PUNCT_WORK.curly;
const COMMA = PUNCT_WORK.comma;
const QUOTE = PUNCT_WORK.quote;

/** Kinds of code unit for `punctuationWork`'s pass (0: nothing to look at). */
const BLANK = 1;
const NEWLINE = 2;
const COMMA_MARK = 3;
const CURLY_MARK = 4;
const ODD_SPACE = 5;
const QUOTE_MARK = 6;
/** Ends a line for a multiline `$` (other than \n). */
const LINE_END = 7;
const DASH_MARK = 8;
const KIND = new Uint8Array(0x10000);
KIND[0x20] = BLANK;
KIND[0x09] = BLANK;
KIND[0x0a] = NEWLINE;
KIND[0x0d] = LINE_END;
KIND[0x2028] = LINE_END;
KIND[0x2029] = LINE_END;
KIND[0x2d] = DASH_MARK;
KIND[0x2013] = DASH_MARK;
// Not the em dash: DASH_BETWEEN_WORDS turns " — " into itself, and Tajik text has it between most clauses.
KIND[0x2c] = COMMA_MARK;
KIND[0x3b] = COMMA_MARK;
KIND[0x201c] = CURLY_MARK;
KIND[0x201e] = CURLY_MARK;
KIND[0x22] = QUOTE_MARK;
for (const c of ODD_SPACES) KIND[c] = ODD_SPACE;

/** The blanks (space, tab): a blank after a blank or at the text's end calls for SPACING. */
export const BLANK_CODES: readonly number[] = [0x20, 0x09];

/** The code units other than blanks that `punctuationAt` looks at (a pass over a text may test these alone). */
export const PUNCT_CODES: readonly number[] = KIND.reduce<number[]>((codes, k, c) => {
  if (k !== 0 && k !== BLANK) codes.push(c);
  return codes;
}, []);

/**
 * The `PUNCT_WORK` bits the code unit at `i` of a text calls for (one of `PUNCT_CODES`, else 0), each rule seen
 * from its last character but the comma's and the newlines': `afterBlank`, the code unit before is a blank. The
 * caller sees a blank after a blank, and one that ends the text (both SPACING).
 */
export function punctuationAt(text: string, i: number, afterBlank: boolean): number {
  switch (KIND[text.charCodeAt(i)]) {
    case NEWLINE:
      return afterBlank || (text.charCodeAt(i + 1) === 0x0a && text.charCodeAt(i + 2) === 0x0a) ? SPACING : 0;
    case LINE_END:
      return afterBlank ? SPACING : 0;
    case DASH_MARK:
      return afterBlank ? DASH : 0;
    case COMMA_MARK:
      return isWordLetter(text.charCodeAt(i + 1)) ? COMMA : 0;
    case CURLY_MARK:
      return CURLY;
    case QUOTE_MARK:
      return QUOTE;
    case ODD_SPACE:
      return SPACING;
    default:
      return 0;
  }
}

/**
 * One pass over the text for the characters each rule needs, so that a clean text (most are) skips the patterns:
 * SPACING when some whitespace rule may fire (an odd space, a space or tab before another or at a line's end, three
 * newlines), DASH for a space before a hyphen or en dash, CURLY for “ or „, COMMA for a comma or semicolon before a
 * letter, QUOTE for ". Only the spacing rules make characters another rule looks at, so a text with SPACING runs
 * them all (and the pass stops there).
 */
export function punctuationWork(text: string): number {
  let work = 0;
  let afterBlank = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const kind = KIND[text.charCodeAt(i)] as number;
    if (kind === BLANK) {
      if (afterBlank) return work | SPACING;
      afterBlank = true;
      continue;
    }
    if (kind !== 0) {
      work |= punctuationAt(text, i, afterBlank);
      if (work & SPACING) return work;
    }
    afterBlank = false;
  }
  return afterBlank ? work | SPACING : work;
}

/**
 * Whitespace and punctuation as Tajik typesetting has them: one space between words, no trailing spaces, at most
 * one blank line, « » quotes, a spaced em dash between words, and a space after a comma or semicolon that touches
 * the next word (after OCR repair has taken the commas that stood for letters). `work`: the text's
 * `punctuationWork`, or what a pass found over a text that differs from it only in Cyrillic letters (all of them
 * word letters).
 */
export function normalizePunctuation(text: string, log: ChangeLog, work = punctuationWork(text)): string {
  const all = (work & SPACING) !== 0;
  let out = text;
  if (all) {
    out = out.replace(SPACES, (m) => log.record("space", m, " "));
    out = out.replace(/[ \t]{2,}/g, (m) => log.record("space", m, " "));
    out = out.replace(/[ \t]+$/gm, (m) => log.record("space", m, ""));
    out = out.replace(/\n{3,}/g, (m) => log.record("space", m, "\n\n"));
  }
  if (all || work & DASH) out = out.replace(DASH_BETWEEN_WORDS, (m) => log.record("dash", m, " — "));
  // A pass stopped by SPACING may not have come to a quote.
  if (all ? out.includes('"') : (work & QUOTE) !== 0)
    out = out.replace(
      STRAIGHT_QUOTES,
      (_m, pre: string, inner: string) => `${pre}${log.record("quotes", `"${inner}"`, `«${inner}»`)}`,
    );
  if (all || work & CURLY)
    out = out.replace(CURLY_QUOTES, (m, inner: string) => log.record("quotes", m, `«${inner}»`));
  if (all || work & COMMA)
    out = out.replace(COMMA_BEFORE_LETTER, (p, at: number, whole: string) =>
      touchesBefore(whole, at) ? log.record("comma_space", p, `${p} `) : p,
    );
  return out;
}
