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
const FOLD_RE = new RegExp(`[${Object.keys(LETTER_FOLD).join("")}]`, "gu");

/** The key form of a text: lowercase, diacritics and Tajik-specific letters folded, punctuation as spaces. */
export function foldForKey(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(FOLD_RE, (c) => LETTER_FOLD[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The words of a text's key form. */
export function keyWords(text: string): string[] {
  const key = foldForKey(text);
  return key.length === 0 ? [] : key.split(" ");
}
