/**
 * Folding for dedup keys only: two copies of a text that differ in case, punctuation, spacing, diacritics or in
 * Tajik letters typed as their Russian look-alikes get the same key. Never store folded text: NFD stripping
 * turns ӣ ӯ ё й into и у е и, which is right for matching and wrong anywhere else.
 */

// Tajik letters with descenders have no decomposition, so NFD leaves them; typists often replace them with the
// plain Russian letter, and legacy fonts or OCR with look-alikes. All map to the plain letter in a key.
const LETTER_FOLD: Record<string, string> = {
  ҳ: "х",
  һ: "х",
  ҷ: "ч",
  ҹ: "ч",
  қ: "к",
  ҟ: "к",
  ӄ: "к",
  ғ: "г",
  ӻ: "г",
  ў: "у",
  і: "и",
  ї: "и",
};
const FOLD = new Map<number, number>(
  Object.entries(LETTER_FOLD).map(([from, to]) => [from.codePointAt(0)!, to.codePointAt(0)!]),
);

const KEEP = 0;
const DROP = 1;
const SPACE = 2;
const MARK = /\p{M}/u;
const WORD = /[\p{L}\p{N}]/u;
const classes = new Map<number, number>();

/** What a code point becomes in a key: kept (letter, digit), dropped (combining mark) or a word break. */
function classify(code: number): number {
  if (code < 0x80) {
    const lower = code | 0x20;
    return (code >= 0x30 && code <= 0x39) || (lower >= 0x61 && lower <= 0x7a) ? KEEP : SPACE;
  }
  // Cyrillic letters, the bulk of the text, without a regex test.
  if (code >= 0x400 && code <= 0x4ff && (code < 0x482 || code > 0x489)) return KEEP;
  let c = classes.get(code);
  if (c === undefined) {
    const ch = String.fromCodePoint(code);
    c = MARK.test(ch) ? DROP : WORD.test(ch) ? KEEP : SPACE;
    classes.set(code, c);
  }
  return c;
}

/** The key form of a text: lowercase, diacritics and Tajik-specific letters folded, punctuation as spaces. */
export function foldForKey(text: string): string {
  // NFKD both maps compatibility forms (ligatures, full-width letters) and splits off the marks dropped below.
  const src = text.normalize("NFKD").toLowerCase();
  let out = "";
  let segment = -1; // start of a run of letters copied as they are
  let space = false; // a word break is pending before the next letter
  for (let i = 0; i < src.length; i++) {
    const code = src.charCodeAt(i);
    const wide = code >= 0xd800 && code <= 0xdbff;
    const cls = classify(wide ? src.codePointAt(i)! : code);
    const folded = FOLD.get(code);
    if (cls === KEEP && folded === undefined) {
      if (segment < 0) {
        if (space && out.length > 0) out += " ";
        space = false;
        segment = i;
      }
    } else {
      if (segment >= 0) out += src.slice(segment, i);
      segment = -1;
      if (cls === KEEP) {
        if (space && out.length > 0) out += " ";
        space = false;
        out += String.fromCharCode(folded!);
      } else if (cls === SPACE) space = true;
    }
    if (wide) i++;
  }
  if (segment >= 0) out += src.slice(segment);
  return out;
}

/** The words of a text's key form. */
export function keyWords(text: string): string[] {
  const key = foldForKey(text);
  return key.length === 0 ? [] : key.split(" ");
}
