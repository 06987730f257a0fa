import type { ChangeLog } from "./changes.js";
import { matchCase, TAJIK_SPECIAL, WORD_RE } from "./letters.js";
import type { Lexicon } from "./lexicon.js";

/** Frequent Tajik words, as typed without Tajik letters: evidence that a Cyrillic text is Tajik. */
const TAJIK_MARKERS = new Set([
  "ва",
  "дар",
  "аз",
  "ба",
  "ки",
  "бо",
  "аст",
  "ин",
  "он",
  "хам",
  "барои",
  "мебошад",
  "буд",
  "шуд",
  "карда",
  "мешавад",
  "намуд",
  "хамчун",
  "низ",
]);
/** Russian function words that Tajik lacks: a line with them and no Tajik marker is left as it is. */
const RUSSIAN_MARKERS = new Set([
  "в",
  "и",
  "что",
  "это",
  "не",
  "для",
  "как",
  "он",
  "она",
  "они",
  "по",
  "от",
  "из",
  "при",
  "или",
  "был",
  "была",
  "было",
  "с",
  "к",
  "у",
  "же",
  "так",
]);
const SPECIAL_RE = new RegExp(`[${TAJIK_SPECIAL}${TAJIK_SPECIAL.toUpperCase()}]`);
const CYRILLIC_WORD = /^[\u0400-\u04FF]+$/;

/** How strongly a known plain form must outnumber the restored one to stay in a line typed without Tajik letters. */
const RARER = 3;

/**
 * Restores the Tajik letters in words typed without them (хамаи -> ҳамаи). Lexicon-driven: a word changes only
 * when a standard form with the same folded spelling is known and the word as written is not, or is not much more
 * frequent; in a line that already uses Tajik letters only unknown words change. Lines that read as Russian are skipped.
 */
export function restoreTajikLetters(text: string, lexicon: Lexicon, log: ChangeLog): string {
  const lines = text.split("\n");
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const words = line.match(WORD_RE);
    if (!words) continue;
    let tajik = 0;
    let russian = 0;
    for (const w of words) {
      const l = w.toLowerCase();
      if (TAJIK_MARKERS.has(l)) tajik++;
      else if (RUSSIAN_MARKERS.has(l)) russian++;
    }
    if (russian > tajik || /[ыщЫЩ]/.test(line)) continue;
    const typedWith = SPECIAL_RE.test(line);
    const fixed = line.replace(WORD_RE, (w) => {
      if (!CYRILLIC_WORD.test(w) || SPECIAL_RE.test(w)) return w;
      const lower = w.toLowerCase();
      const key = lower.endsWith("й") ? `${lower.slice(0, -1)}и` : lower;
      const e = lexicon.bestByFold(key) ?? (key === lower ? undefined : lexicon.bestByFold(lower));
      if (!e || !SPECIAL_RE.test(e.word)) return w;
      const plain = lexicon.count(lower);
      if (plain > 0) {
        // A final -и against -ӣ is ezafe against adjective, both common: the plain form stays unless much rarer.
        const finalOnly = e.word.slice(0, -1) === lower.slice(0, -1);
        // A writer who typed no Tajik letter in the line could not: otherwise the Tajik form wins unless the plain
        // one is much more frequent. Where the line has Tajik letters, a known plain word was meant as written.
        if (typedWith || (finalOnly ? e.count < RARER * plain : plain > RARER * e.count)) return w;
      }
      return log.record("russian_keyboard", w, matchCase(w, e.word));
    });
    if (fixed !== line) {
      lines[i] = fixed;
      changed = true;
    }
  }
  return changed ? lines.join("\n") : text;
}
