import type { ChangeLog } from "./changes.js";
import type { Lexicon } from "./lexicon.js";

// OCR artefacts seen in the Tesseract tgk word list: Бих,ишт, Алок;амандии, Бор[о, БОНКХ^О, Дара^аи.
const ARTEFACT = /[хкчХКЧ][,;](?=\p{L})|[хчХЧ]\^|\^|\[/gu;
const TOKEN = /[\p{L}[^][\p{L},;[^]*[\p{L}[^]/gu;
const HAS_ARTEFACT = /[[^]|[хкчХКЧ][,;]\p{L}/u;

/** Readings of one artefact: the Tajik letter(s) it may stand for; an empty string keeps it as punctuation. */
function readings(a: string): string[] {
  const base = a[0] ?? "";
  const upper = base !== base.toLowerCase();
  const letter = (c: string) => (upper ? c.toUpperCase() : c);
  if (a === "[") return ["ҳ"];
  if (a === "^") return ["ҳ", "ҷ"];
  if (a[1] === "^") return [letter(base.toLowerCase() === "х" ? "ҳ" : "ҷ")];
  const tajik = { х: "ҳ", к: "қ", ч: "ҷ" }[base.toLowerCase()] ?? base;
  return [letter(tajik), ""];
}

/** Score of a reading: total frequency when every word in it is known, else -1. */
function knownScore(reading: string, lexicon: Lexicon): number {
  let total = 0;
  for (const w of reading.split(/[,;]/)) {
    const c = lexicon.count(w.toLowerCase());
    if (c === 0) return -1;
    total += c;
  }
  return total;
}

/**
 * Repairs OCR artefacts inside words (`х,` `х;` `к,` `ч,` `х^` `^` `[` for ҳ қ ҷ). Every combination of readings is
 * tried and the one the lexicon knows wins; a comma or semicolon is kept when no reading is known (it may be
 * punctuation), while `[` and `^` never belong inside a word and take their most common reading.
 */
export function repairOcr(text: string, lexicon: Lexicon, log: ChangeLog): string {
  if (!HAS_ARTEFACT.test(text)) return text;
  return text.replace(TOKEN, (token) => {
    const parts = token.split(ARTEFACT);
    const arts = token.match(ARTEFACT);
    if (!arts || arts.length > 6) return token;
    const options = arts.map((a) => readings(a).map((r) => (r === "" ? a : r)));
    let best: string | undefined;
    let bestScore = -1;
    const build = (i: number, acc: string) => {
      if (i === arts.length) {
        const s = knownScore(acc, lexicon);
        if (s > bestScore) {
          bestScore = s;
          best = acc;
        }
        return;
      }
      for (const o of options[i] ?? []) build(i + 1, acc + o + (parts[i + 1] ?? ""));
    };
    build(0, parts[0] ?? "");
    if (best === undefined) {
      // Unknown word: only the marks that never belong inside a word are repaired.
      best = arts.reduce(
        (acc, a, i) => acc + (/[,;]/.test(a) ? a : (options[i]?.[0] ?? a)) + (parts[i + 1] ?? ""),
        parts[0] ?? "",
      );
    }
    return log.record("ocr", token, best);
  });
}
