import type { ChangeLog } from "./changes.js";

const SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;
const DASH_BETWEEN_WORDS = / (?:-{1,2}|–|—) /g;
const STRAIGHT_QUOTES = /(^|[\s([])"([^"\n]*\S)"/g;
const CURLY_QUOTES = /[“„]([^“”„\n]*)[”“]/g;
// Looked for at the comma (a pattern that starts with a letter is tried at every letter of the text).
/**
 * A comma or semicolon touching a letter after it; `touchesBefore` checks the character before it (a look-behind
 * in the pattern made the engine try it at every position of every document, five times slower).
 */
const COMMA_BEFORE_LETTER = /[,;](?=[A-Za-z\u00C0-\u024F\u0400-\u04FF])/g;

/** Whether the character before a comma is a letter (Latin, Latin-1, Latin Extended, Cyrillic), » or ). */
function touchesBefore(text: string, at: number): boolean {
  const c = text.charCodeAt(at - 1);
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0xc0 && c <= 0x24f) ||
    (c >= 0x400 && c <= 0x4ff) ||
    c === 0xbb ||
    c === 0x29
  );
}

/**
 * Whitespace and punctuation as Tajik typesetting has them: one space between words, no trailing spaces, at most
 * one blank line, « » quotes, a spaced em dash between words, and a space after a comma or semicolon that touches
 * the next word (after OCR repair has taken the commas that stood for letters).
 */
export function normalizePunctuation(text: string, log: ChangeLog): string {
  let out = text.replace(SPACES, (m) => log.record("space", m, " "));
  out = out.replace(/[ \t]{2,}/g, (m) => log.record("space", m, " "));
  out = out.replace(/[ \t]+$/gm, (m) => log.record("space", m, ""));
  out = out.replace(/\n{3,}/g, (m) => log.record("space", m, "\n\n"));
  out = out.replace(DASH_BETWEEN_WORDS, (m) => log.record("dash", m, " — "));
  if (out.includes('"'))
    out = out.replace(
      STRAIGHT_QUOTES,
      (_m, pre: string, inner: string) => `${pre}${log.record("quotes", `"${inner}"`, `«${inner}»`)}`,
    );
  out = out.replace(CURLY_QUOTES, (m, inner: string) => log.record("quotes", m, `«${inner}»`));
  out = out.replace(COMMA_BEFORE_LETTER, (p, at: number, whole: string) =>
    touchesBefore(whole, at) ? log.record("comma_space", p, `${p} `) : p,
  );
  return out;
}
