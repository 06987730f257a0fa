import { escapeRegex } from "@soro/core";
import type { ChangeLog } from "./changes.js";
import type { Lexicon } from "./lexicon.js";
import { readCharMap } from "./tables.js";

let tables: { look: Map<string, string>; lookRe: RegExp; homo: Map<string, string> } | undefined;

function load() {
  const look = readCharMap("lookalikes.tsv");
  // All keys are single characters: a character class is much faster than an alternation.
  const lookRe = new RegExp(`[${[...look.keys()].map(escapeRegex).join("")}]`, "g");
  return { look, lookRe, homo: readCharMap("homoglyphs.tsv") };
}

/**
 * The code units without which `repairLookalikes` changes nothing: the look-alike letters, Ukrainian і, and the
 * Latin letters a homoglyph word needs (a caller can skip the step for a text that has none of them).
 */
export function lookalikeTriggers(): string[] {
  const latin = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  return [...lookalikeKeys(), "і", "І", ...latin];
}

/** The look-alike letters `repairLookalikes` maps (lookalikes.tsv's keys). */
export function lookalikeKeys(): string[] {
  tables ??= load();
  return [...tables.look.keys()];
}

// Kazakh, Kyrgyz, Tatar and Uzbek letters: their look-alikes of Tajik letters are their own letters, not damage.
const OTHER_TURKIC = /[әөүңұҗӘӨҮҢҰҖ]/;
// ӣ ҷ only: ӯ is what ў maps to, and Uzbek writes ў.
const TAJIK_ONLY = /[ӣҷӢҶ]/;
const WORD_WITH_LOOKALIKE = /[\u0400-\u04FFīūĪŪ]*[һҺҹҸўЎҟҞӄӃӻӺīĪūŪ][\u0400-\u04FFīūĪŪ]*/g;

/** Whether mapping the look-alikes turns the words that have them into words the lexicon knows (Uzbek бўлган does not). */
function repairsKnownWords(text: string, look: Map<string, string>, lexicon: Lexicon): boolean {
  let before = 0;
  let after = 0;
  let seen = 0;
  for (const m of text.matchAll(WORD_WITH_LOOKALIKE)) {
    const w = m[0].toLowerCase();
    if (lexicon.has(w)) before++;
    if (lexicon.has([...w].map((c) => look.get(c) ?? c).join(""))) after++;
    if (++seen >= 200) break;
  }
  return seen > 0 && after >= 0.5 * seen && after - before >= 0.3 * seen;
}
const LETTERS = /[A-Za-z\u00C0-\u024F\u0400-\u04FF]+/g;
const LATIN = /[A-Za-z\u00C0-\u024F]/;
const CYRILLIC = /[\u0400-\u04FF]/;
// A cheap pre-test (no Unicode property classes: it runs on every document) for a Cyrillic letter touching a Latin one.
const HAS_MIXED = /[\u0400-\u04FF][A-Za-z]|[A-Za-z][\u0400-\u04FF]/;
const UKRAINIAN_I = /[\u0400-\u04FF]*[іІ][\u0400-\u04FF]*/g;
const HAS_UKRAINIAN_I = /[іІ]/;

/** What each of `repairLookalikes`'s three parts needs to find in a text before it does anything. */
export interface LookalikeMarks {
  /** A look-alike letter (`lookalikeKeys`). */
  look: boolean;
  /** A letter of U+0400..U+04FF beside an ASCII Latin one. */
  mixed: boolean;
  /** Ukrainian і or І. */
  ukrainianI: boolean;
}

/** A text's `LookalikeMarks`, by the patterns themselves (`readText` finds them in its pass over a text). */
export function lookalikeMarks(text: string): LookalikeMarks {
  tables ??= load();
  tables.lookRe.lastIndex = 0;
  return {
    look: tables.lookRe.test(text),
    mixed: HAS_MIXED.test(text),
    ukrainianI: HAS_UKRAINIAN_I.test(text),
  };
}

/**
 * Replaces characters of other alphabets drawn like Tajik letters (һ ҹ ў ҟ ӄ ӻ ī ū), Latin letters inside Cyrillic
 * words, and Ukrainian і where the lexicon knows the word with ҳ, ӣ or и instead. Look-alikes change only in Tajik
 * context (ӣ or ҷ present, or no Kazakh/Kyrgyz/Tatar letters and the lexicon knows the repaired words), since
 * һ ў і are real letters of the neighbouring languages.
 */
export function repairLookalikes(
  text: string,
  lexicon: Lexicon,
  log: ChangeLog,
  marks: LookalikeMarks = lookalikeMarks(text),
): string {
  tables ??= load();
  const t = tables;
  let out = text;
  if (marks.look && !OTHER_TURKIC.test(out)) {
    const tajik = TAJIK_ONLY.test(out) || repairsKnownWords(out, t.look, lexicon);
    if (tajik) out = out.replace(t.lookRe, (c) => log.record("lookalike", c, t.look.get(c) ?? c));
  }
  // The marks are the text's: a part that changed it has the next one test the new text.
  if (out === text ? marks.mixed : HAS_MIXED.test(out)) {
    out = out.replace(LETTERS, (w) => {
      if (!LATIN.test(w) || !CYRILLIC.test(w)) return w;
      const fixed = [...w].map((c) => t.homo.get(c) ?? c).join("");
      // A word with Latin letters that have no Cyrillic twin is left alone (a brand name), and so is a Cyrillic word
      // with one Latin capital tacked on (ПозитсияиY: a coordinate name).
      // A Latin acronym with a Tajik ending (HTTPро, OKро) is a name, not a misspelt word.
      if (LATIN.test(fixed) || /^[\u0400-\u04FF]{3,}[A-Z]$/.test(w) || /^[A-Z]{2,}[\u0400-\u04FF]+$/.test(w))
        return w;
      return log.record("homoglyph", w, fixed);
    });
  }
  if ((out === text ? marks.ukrainianI : HAS_UKRAINIAN_I.test(out)) && !OTHER_TURKIC.test(out)) {
    out = out.replace(UKRAINIAN_I, (w) => {
      let best = w;
      let bestCount = lexicon.count(w.toLowerCase());
      for (const r of ["ҳ", "ӣ", "и"]) {
        const cand = w.replace(/і/g, r).replace(/І/g, r.toUpperCase());
        const c = lexicon.count(cand.toLowerCase());
        if (c > bestCount) {
          best = cand;
          bestCount = c;
        }
      }
      return log.record("lookalike", w, best);
    });
  }
  return out;
}
