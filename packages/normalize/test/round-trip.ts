import { libreofficeTajikStrings } from "@soro/samples";
import { charAccuracy, wordAccuracy } from "../src/damage.js";
import type { Lexicon } from "../src/lexicon.js";
import { normalizeText } from "../src/normalize.js";

/** The distinct Tajik strings of the LibreOffice UI that hold a run of three letters or more. */
export function libreofficeTexts(): string[] {
  return [...new Set(libreofficeTajikStrings().map((s) => s.tg))].filter((s) => /\p{L}{3}/u.test(s));
}

/**
 * Mean word and character accuracy of normalizing `corrupt(text)` against the text itself, and the encoding most
 * often named; `restore: false` leaves Tajik letters unrestored, the baseline of the keyboard repair.
 */
export function roundTrip(
  texts: string[],
  corrupt: (s: string) => string,
  options: { lexicon?: Lexicon; restore?: boolean } = {},
): { words: number; chars: number; top: string | undefined } {
  let words = 0;
  let chars = 0;
  const encodings = new Map<string, number>();
  for (const t of texts) {
    const expected = normalizeText(t, { lexicon: options.lexicon, restore: false }).text;
    const r = normalizeText(corrupt(t), options);
    words += wordAccuracy(r.text, expected);
    chars += charAccuracy(r.text, expected);
    encodings.set(r.encoding, (encodings.get(r.encoding) ?? 0) + 1);
  }
  const top = [...encodings].sort((a, b) => b[1] - a[1])[0]?.[0];
  return { words: words / texts.length, chars: chars / texts.length, top };
}
