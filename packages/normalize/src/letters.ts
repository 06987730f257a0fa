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

/** What a code unit is to WORD_RE (and `isLetterOrMark`): 0 not worked out yet (see `wordUnit`). */
const WORD_LETTER = 1;
const WORD_MARK = 2;
const WORD_OTHER = 4;
const WORD_SURROGATE = 8;
const wordUnits = new Uint8Array(0x10000);

function wordUnit(c: number): number {
  let kind = wordUnits[c] as number;
  if (kind === 0) {
    const ch = String.fromCharCode(c);
    kind =
      c >= 0xd800 && c <= 0xdfff
        ? WORD_SURROGATE
        : /\p{L}/u.test(ch)
          ? WORD_LETTER
          : /\p{M}/u.test(ch)
            ? WORD_MARK
            : WORD_OTHER;
    wordUnits[c] = kind;
  }
  return kind;
}

/** Whether a code unit is a letter or a combining mark (a lone surrogate is neither). */
export function isLetterOrMark(c: number): boolean {
  return (wordUnit(c) & (WORD_LETTER | WORD_MARK)) !== 0;
}

/** WORD_RE's own copy for `wordsFrom` (a global regex keeps its place between calls). */
const WORD_AT = new RegExp(WORD_RE.source, "gu");

/**
 * Hands the words WORD_RE finds in `text` to `visit` as [start, end) spans, in order, until it returns false. A
 * loop over code units with a table of their kinds: the regex's match objects and Unicode-aware matching cost more
 * than the lexicon lookups they feed (the legacy-encoding candidates' scoring). From a surrogate on (WORD_RE reads
 * an astral letter as a letter), the regex itself reads the rest.
 */
export function forEachWord(text: string, visit: (start: number, end: number) => boolean): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const kind = wordUnit(text.charCodeAt(i));
    if (kind === WORD_SURROGATE) {
      wordsFrom(text, i, visit);
      return;
    }
    if (kind !== WORD_LETTER) {
      i++;
      continue;
    }
    const start = i++;
    while (i < n && (wordUnit(text.charCodeAt(i)) & (WORD_LETTER | WORD_MARK)) !== 0) i++;
    // The word may go on with an astral letter or mark.
    if (i < n && wordUnit(text.charCodeAt(i)) === WORD_SURROGATE) {
      wordsFrom(text, start, visit);
      return;
    }
    if (!visit(start, i)) return;
  }
}

/** `forEachWord` from `from` (no word of WORD_RE starts before it and ends after it) by WORD_RE. */
function wordsFrom(text: string, from: number, visit: (start: number, end: number) => boolean): void {
  WORD_AT.lastIndex = from;
  for (let m = WORD_AT.exec(text); m; m = WORD_AT.exec(text))
    if (!visit(m.index, m.index + m[0].length)) return;
}

/** Counts characters that differ between two strings (position by position; a length change counts in full). */
export function charsChanged(from: string, to: string): number {
  if (from.length !== to.length) return Math.max(from.length, to.length);
  let n = 0;
  for (let i = 0; i < from.length; i++) if (from.charCodeAt(i) !== to.charCodeAt(i)) n++;
  return n;
}
