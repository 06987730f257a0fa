/**
 * The repair evaluation on held-back real text (scripts/corpus.ts): letter restoration after whole-line loss and
 * after random loss of 30% and 70% of the Tajik letters, damage on the same lines left intact, and the Persian
 * round trip, each beside doing nothing and beside the lexicon lookup that came before, in the same run.
 * Used by scripts/accuracy.ts and bench/normalize.bench.ts.
 */
import { distance } from "fastest-levenshtein";
import { ChangeLog } from "../src/changes.js";
import { dropTajikLetters, seededRandom, toPersianScript, toRussianKeyboard } from "../src/damage.js";
import { defaultLexicon } from "../src/lexicon.js";
import type { TajikModel } from "../src/model.js";
import { persianToCyrillic } from "../src/persian.js";
import { persianLineToCyrillic } from "../src/persian-decode.js";
import { RESTORE_DEFAULTS, type RestoreSettings, restoreTajikLetters } from "../src/restore.js";
import { restoreByLookup } from "../src/restore-lookup.js";

const WORD = /[\p{L}\p{M}]+/gu;

/** Words of a line (letters only, so punctuation next to a word does not count against it). */
function words(s: string): string[] {
  return s.match(WORD) ?? [];
}

/** Correct words and words in all, position by position (restoration keeps the words in place). */
function wordHits(actual: string, expected: string): [number, number] {
  const a = words(actual);
  const e = words(expected);
  let ok = 0;
  for (let i = 0; i < e.length; i++) if (a[i] === e[i]) ok++;
  return [ok, e.length];
}

/** Word edit distance (words mapped to single code units, then Levenshtein). */
function wordDistance(a: string[], b: string[]): number {
  const ids = new Map<string, string>();
  const enc = (ws: string[]) =>
    ws
      .map((w) => {
        let c = ids.get(w);
        if (!c) {
          c = String.fromCharCode(0x4e00 + ids.size);
          ids.set(w, c);
        }
        return c;
      })
      .join("");
  return distance(enc(a), enc(b));
}

export type Restorer = (text: string) => string;

/** The three restorers compared: nothing, the lexicon lookup that came before, the decoder with `model`. */
export function restorers(
  model: TajikModel,
  settings: RestoreSettings = RESTORE_DEFAULTS,
): Record<string, Restorer> {
  const lexicon = defaultLexicon();
  return {
    nothing: (t) => t,
    lookup: (t) => restoreByLookup(t, lexicon, new ChangeLog()),
    decoder: (t) => restoreTajikLetters(t, model, new ChangeLog(), settings),
  };
}

export interface RestorationRow {
  damage: string;
  /** Word accuracy after restoration, per restorer. */
  accuracy: Record<string, number>;
  /** Words in all. */
  words: number;
}

/** Lines worth measuring: three words or more. */
export function evaluationLines(lines: string[]): string[] {
  return lines.filter((l) => words(l).length >= 3);
}

/**
 * Word accuracy of each restorer on `lines` damaged four ways (whole-line loss, 30% and 70% random loss, none), and
 * for "none" the damage rate (share of words changed).
 */
export function measureRestoration(lines: string[], restore: Record<string, Restorer>): RestorationRow[] {
  const damages: [string, (s: string) => string][] = [
    ["whole line typed without Tajik letters", toRussianKeyboard],
    ["30% of Tajik letters lost at random", (s) => dropTajikLetters(s, 0.3, rnd30)],
    ["70% of Tajik letters lost at random", (s) => dropTajikLetters(s, 0.7, rnd70)],
    ["intact (damage rate = 1 - accuracy)", (s) => s],
  ];
  const rnd30 = seededRandom(30);
  const rnd70 = seededRandom(70);
  const rows: RestorationRow[] = [];
  for (const [name, damage] of damages) {
    const damaged = lines.map(damage);
    const accuracy: Record<string, number> = {};
    let total = 0;
    for (const [who, fn] of Object.entries(restore)) {
      let ok = 0;
      total = 0;
      for (let i = 0; i < lines.length; i++) {
        const [o, n] = wordHits(fn(damaged[i] ?? ""), lines[i] ?? "");
        ok += o;
        total += n;
      }
      accuracy[who] = ok / total;
    }
    rows.push({ damage: name, accuracy, words: total });
  }
  return rows;
}

export interface RoundTripRow {
  converter: string;
  /** Character error rate (edit distance over characters), case ignored. */
  cer: number;
  /** 1 - word error rate (word edit distance), case ignored. */
  words: number;
  /** Share of words with the right capitalisation where the word itself is right. */
  cased: number;
}

/** The Persian round trip: each line written in Persian script (toPersianScript), then back to Cyrillic. */
export function measurePersian(lines: string[], model: TajikModel): RoundTripRow[] {
  const lexicon = defaultLexicon();
  const persian = lines.map(toPersianScript);
  const converters: Record<string, (s: string) => string> = {
    "nothing (Persian text kept)": (s) => s,
    lookup: (s) => persianToCyrillic(s, lexicon, new ChangeLog()),
    decoder: (s) => persianLineToCyrillic(s, model, new ChangeLog()),
  };
  const rows: RoundTripRow[] = [];
  for (const [name, fn] of Object.entries(converters)) {
    let chars = 0;
    let charErr = 0;
    let ws = 0;
    let wordErr = 0;
    let same = 0;
    let cased = 0;
    for (let i = 0; i < lines.length; i++) {
      const got = fn(persian[i] ?? "");
      const want = lines[i] ?? "";
      chars += want.length;
      charErr += distance(got.toLowerCase(), want.toLowerCase());
      const gw = words(got);
      const ew = words(want);
      ws += ew.length;
      wordErr += wordDistance(
        gw.map((w) => w.toLowerCase()),
        ew.map((w) => w.toLowerCase()),
      );
      for (let k = 0; k < Math.min(gw.length, ew.length); k++)
        if (gw[k]?.toLowerCase() === ew[k]?.toLowerCase()) {
          same++;
          if (gw[k] === ew[k]) cased++;
        }
    }
    rows.push({
      converter: name,
      cer: charErr / chars,
      words: Math.max(0, 1 - wordErr / ws),
      cased: same ? cased / same : 0,
    });
  }
  return rows;
}

/** Prints the evaluation tables. */
export function printEvaluation(
  title: string,
  lines: string[],
  model: TajikModel,
  settings?: RestoreSettings,
): void {
  const nWords = lines.reduce((n, l) => n + words(l).length, 0);
  console.log(`${title}: ${lines.length} lines, ${nWords} words`);
  const t0 = performance.now();
  for (const r of measureRestoration(lines, restorers(model, settings)))
    console.log(
      `  restore, ${r.damage.padEnd(40)} word accuracy: ${Object.entries(r.accuracy)
        .map(([k, v]) => `${k} ${v.toFixed(4)}`)
        .join("  ")}`,
    );
  const t1 = performance.now();
  for (const r of measurePersian(lines, model))
    console.log(
      `  Persian round trip, ${r.converter.padEnd(28)} CER ${r.cer.toFixed(4)}  word accuracy ${r.words.toFixed(4)}  capitals right ${r.cased.toFixed(3)}`,
    );
  console.log(
    `  (restoration ${((t1 - t0) / 1000).toFixed(1)} s, Persian ${((performance.now() - t1) / 1000).toFixed(1)} s)`,
  );
}
