import type { ChangeLog } from "./changes.js";
import { matchCase, TAJIK_SPECIAL } from "./letters.js";
import type { Lexicon } from "./lexicon.js";
import { RUSSIAN_FUNCTION_WORDS } from "./russian-words.js";

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
const RUSSIAN_MARKERS = new Set(RUSSIAN_FUNCTION_WORDS);
const SPECIAL_RE = new RegExp(`[${TAJIK_SPECIAL}${TAJIK_SPECIAL.toUpperCase()}]`);
const SPECIAL_CODES = new Set([...TAJIK_SPECIAL, ...TAJIK_SPECIAL.toUpperCase()].map((c) => c.charCodeAt(0)));

/** Tajik letters in a line, counted without allocating. */
function countSpecial(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) if (SPECIAL_CODES.has(line.charCodeAt(i))) n++;
  return n;
}
const CYRILLIC_WORDS = /[\u0400-\u04FF]+/g;
/** Share of Tajik letters among the letters of a line typed with them (about 5% in running Tajik). */
const TYPED_WITH = 0.02;

/** How strongly a known plain form must outnumber the restored one to stay in a line typed without Tajik letters. */
const RARER = 3;

/**
 * The lexicon lookup that restored letters before the decoder in restore.ts; kept only as the baseline that
 * scripts/accuracy.ts and the bench measure the decoder against. Restores the Tajik letters in words typed without
 * them (хамаи -> ҳамаи). Lexicon-driven: a word changes only
 * when a standard form with the same folded spelling is known and the word as written is not, or is not much more
 * frequent; in a line that already uses Tajik letters only unknown words change. Lines that read as Russian are skipped.
 */
export function restoreByLookup(text: string, lexicon: Lexicon, log: ChangeLog): string {
  const lines = text.split("\n");
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const special = countSpecial(line);
    // A line written with its Tajik letters needs nothing (the common case, skipped first for speed).
    if (special >= TYPED_WITH * line.length) continue;
    const words = line.match(CYRILLIC_WORDS);
    if (!words) continue;
    let tajik = 0;
    let russian = 0;
    for (const w of words) {
      const l = w.toLowerCase();
      if (TAJIK_MARKERS.has(l)) tajik++;
      else if (RUSSIAN_MARKERS.has(l)) russian++;
    }
    if (russian > tajik || /[ыщЫЩ]/.test(line)) continue;
    const typedWith = special > 0;
    const fixed = line.replace(CYRILLIC_WORDS, (w) => {
      const lower = w.toLowerCase();
      // Fast exit for the common case: a line typed with Tajik letters and a word the lexicon knows as written.
      if (typedWith && lexicon.has(lower)) return w;
      if (SPECIAL_RE.test(w)) return w;
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
