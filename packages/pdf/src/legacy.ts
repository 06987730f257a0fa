import maps from "./legacy-maps.json" with { type: "json" };

/** The name of a legacy-font repair table (see legacy-maps.json for each table's source). */
export type LegacyMapping = keyof typeof maps;

/** What the legacy-font check found on a page. */
export interface LegacyVerdict {
  mapping: LegacyMapping;
  /** Letters that only the legacy layout explains, per Cyrillic letter. */
  share: number;
}

const TAJIK = /[ӣӯҳҷқғӢӮҲҶҚҒ]/gu;
const CYRILLIC = /\p{Script=Cyrillic}/gu;
const LEGACY_MARKS = /[њљќѓїўђћѕіЊЉЌЃЇЎЂЋЅІ]/gu;
const ONLY_A = /[ќѓЌЃ]/gu;
const ONLY_B = /[ѕіЅІ]/gu;
// Ukrainian (є ґ) and Serbian/Macedonian (ј) letters that no legacy Tajik layout uses: their presence means the
// odd letters are real letters of another language.
const OTHER_LANGUAGE = /[єґјЄҐЈ]/gu;
// Frequent Tajik function words that no legacy layout touches; they tell Tajik from Ukrainian or Macedonian.
const TAJIK_WORDS = new Set(["ва", "дар", "ки", "ба", "аз", "бо", "аст", "ин", "он", "то", "барои"]);

const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;

/**
 * Decides whether a page's text was typed with a legacy Tajik 8-bit font: Tajik text (by its function words)
 * with no Tajik letters but letters that the legacy layouts put in their place. A font name ending in "Tj" or
 * naming Tajik lowers the bar. Returns the mapping to apply, or undefined for ordinary text.
 */
export function detectLegacy(text: string, fontNames: string[] = []): LegacyVerdict | undefined {
  const cyr = count(text, CYRILLIC);
  const marks = count(text, LEGACY_MARKS);
  if (cyr < 20 || marks === 0 || count(text, OTHER_LANGUAGE) > marks * 0.05) return undefined;
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const tajikWords = words.filter((w) => TAJIK_WORDS.has(w)).length;
  if (tajikWords < Math.max(1, words.length * 0.03)) return undefined;
  const legacyFont = fontNames.some((n) =>
    /tj\b|tj$|taj/i.test(n.replace(/[-_,]?(bold|italic|regular)+$/i, "")),
  );
  const share = marks / cyr;
  // Real Tajik writes one of ӣ ӯ ҳ ҷ қ ғ in about every tenth letter; legacy text has the odd letters instead.
  if (share < (legacyFont ? 0.002 : 0.01) || count(text, TAJIK) > marks * 0.1) return undefined;
  const mapping: LegacyMapping = count(text, ONLY_B) > count(text, ONLY_A) ? "tj-wordlist-b" : "tj-cp1251";
  return { mapping, share };
}

/** Maps a legacy-encoded text back to Tajik letters with the named table. */
export function repairLegacy(text: string, mapping: LegacyMapping): string {
  const table = maps[mapping].map as Record<string, string>;
  return text.replace(LEGACY_MARKS, (c) => table[c] ?? c);
}

/** The source note of a mapping table, for reports. */
export function legacySource(mapping: LegacyMapping): string {
  return maps[mapping].source;
}
