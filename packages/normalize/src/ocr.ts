import type { ChangeLog } from "./changes.js";
import type { Lexicon } from "./lexicon.js";

// OCR artefacts seen in the Tesseract tgk word list: Бих,ишт, Алок;амандии, Бор[о, БОНКХ^О, Дара^аи.
const ARTEFACT = /[хкчХКЧ][,;](?=[\u0400-\u04FF])|[хчХЧ]\^|\^|\[/g;
const TOKEN = /[\u0400-\u04FF[^][\u0400-\u04FF,;[^]*[\u0400-\u04FF[^]/g;
const HAS_ARTEFACT = /[\u0400-\u04FF][[^,;][\u0400-\u04FF]/;
const MARKS = /[,;[^]/g;

/** Whether a code unit may lie in a TOKEN: a Cyrillic letter or a mark. */
function inToken(c: number): boolean {
  return (c >= 0x400 && c <= 0x4ff) || c === 0x2c || c === 0x3b || c === 0x5b || c === 0x5e;
}

/** The marks artefacts are made of: , ; ^ [ (where `ocrMarkAt` looks). */
export const OCR_MARKS: readonly number[] = [0x2c, 0x3b, 0x5e, 0x5b];

/** Whether the mark at `i` of a text (one of `OCR_MARKS`) stands between two Cyrillic letters, as HAS_ARTEFACT finds. */
export function ocrMarkAt(text: string, i: number): boolean {
  if (i === 0) return false;
  const before = text.charCodeAt(i - 1);
  const after = text.charCodeAt(i + 1);
  return before >= 0x400 && before <= 0x4ff && after >= 0x400 && after <= 0x4ff;
}
// Between two capitals a comma with no space after it is not punctuation (АЛАЙХ,И).
const CAPS_ARTEFACT = /^[ХКЧ][,;]$/;

/** Whether `text[from..to)` holds one of the marks an artefact is made of (, ; ^ [). */
function hasMarkIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2c || c === 0x3b || c === 0x5e || c === 0x5b) return true;
  }
  return false;
}

/** Whether a token holds one of the marks an artefact is made of. */
function hasMark(token: string): boolean {
  return hasMarkIn(token, 0, token.length);
}

function isComma(c: number): boolean {
  return c === 0x2c || c === 0x3b;
}

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

/** Weight of a reading that keeps a comma as punctuation: a known joined word is the likelier reading. */
const SPLIT_WEIGHT = 0.1;

/** Score of a reading: the frequency of its rarest word when every word is known, else -1. */
function knownScore(reading: string, lexicon: Lexicon): number {
  const words = reading.split(/[,;]/);
  let min = Number.POSITIVE_INFINITY;
  for (const w of words) {
    const c = lexicon.count(w.toLowerCase());
    if (c === 0) return -1;
    min = Math.min(min, c);
  }
  return words.length > 1 ? min * SPLIT_WEIGHT : min;
}

/**
 * Repairs OCR artefacts inside words (`х,` `х;` `к,` `ч,` `х^` `^` `[` for ҳ қ ҷ). Every combination of readings is
 * tried and the one the lexicon knows wins; a comma or semicolon is kept when no reading is known (it may be
 * punctuation, except between two capitals), while `[` and `^` never belong inside a Cyrillic word and take their
 * most common reading. `artefacts`: whether a mark stands between two Cyrillic letters somewhere (`ocrMarkAt`), when
 * a pass over the text has found out.
 */
export function repairOcr(
  text: string,
  lexicon: Lexicon,
  log: ChangeLog,
  artefacts = HAS_ARTEFACT.test(text),
): string {
  if (!artefacts) return text;
  // Tokens lie inside runs of Cyrillic letters and marks, and only those with a mark change: the pattern is run on
  // the runs around the marks alone, not on every Cyrillic word of the text.
  const fix = (token: string) => repairToken(token, lexicon, log);
  let out = "";
  /** Where the text not yet copied to `out` starts. */
  let copied = 0;
  MARKS.lastIndex = 0;
  for (let m = MARKS.exec(text); m; m = MARKS.exec(text)) {
    let start = m.index;
    while (start > 0 && inToken(text.charCodeAt(start - 1))) start--;
    let end = m.index + 1;
    while (end < text.length && inToken(text.charCodeAt(end))) end++;
    MARKS.lastIndex = end;
    // A comma or semicolon at either end of the run is left outside its tokens ("word," is the common case).
    let from = start;
    while (from < end && isComma(text.charCodeAt(from))) from++;
    let to = end;
    while (to > from && isComma(text.charCodeAt(to - 1))) to--;
    if (!hasMarkIn(text, from, to)) continue;
    const run = text.slice(start, end);
    const fixed = run.replace(TOKEN, fix);
    if (fixed !== run) {
      out += text.slice(copied, start) + fixed;
      copied = end;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** A token of TOKEN repaired (see `repairOcr`). */
function repairToken(token: string, lexicon: Lexicon, log: ChangeLog): string {
  // Most tokens are plain words: no mark, nothing to split.
  if (!hasMark(token)) return token;
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
    best = arts.reduce((acc, a, i) => {
      const next = parts[i + 1] ?? "";
      const keep = /[,;]/.test(a) && !(CAPS_ARTEFACT.test(a) && /^[А-ЯЁӢӮҲҚҒҶ]/.test(next));
      return acc + (keep ? a : (options[i]?.[0] ?? a)) + next;
    }, parts[0] ?? "");
  }
  return log.record("ocr", token, best);
}
