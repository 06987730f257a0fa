/** Letters of the standard Tajik Cyrillic alphabet (lower case), ц щ ы ь included for older loanwords. */
export const TAJIK_ALPHABET = "абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюяцщыь";

/** The six letters that Russian lacks and Tajik needs. */
export const TAJIK_SPECIAL = "ғӣқӯҳҷ";

/** Tajik letter -> the Russian letter typed in its place on a Russian keyboard. */
export const FOLD: Readonly<Record<string, string>> = {
  ҳ: "х",
  ҷ: "ч",
  қ: "к",
  ғ: "г",
  ӯ: "у",
  ӣ: "и",
  Ҳ: "Х",
  Ҷ: "Ч",
  Қ: "К",
  Ғ: "Г",
  Ӯ: "У",
  Ӣ: "И",
};

const FOLD_RE = /[ҳҷқғӯӣҲҶҚҒӮӢ]/g;

/** The word as typed without Tajik letters: the key under which the lexicon finds its standard forms. */
export function foldTajik(word: string): string {
  return word.replace(FOLD_RE, (c) => FOLD[c] ?? c);
}

/** Copies the case pattern of `model` (all upper, capitalised or lower) onto `word`. */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase())
    return word.toUpperCase();
  const first = model[0] ?? "";
  if (first !== first.toLowerCase()) return (word[0] ?? "").toUpperCase() + word.slice(1);
  return word;
}

/** Words (runs of letters, inner hyphens and apostrophes kept out) of a text. */
export const WORD_RE = /\p{L}[\p{L}\p{M}]*/gu;

/** Counts characters that differ between two strings (position by position; a length change counts in full). */
export function charsChanged(from: string, to: string): number {
  if (from.length !== to.length) return Math.max(from.length, to.length);
  let n = 0;
  for (let i = 0; i < from.length; i++) if (from.charCodeAt(i) !== to.charCodeAt(i)) n++;
  return n;
}
