import { BoundedMemo } from "./bounded-memo.js";
import type { ChangeLog } from "./changes.js";
import { BOS, type TajikModel } from "./model.js";
import { alignCost, fallback, foldPersian, persianSkeleton, persianTables, type Tables } from "./persian.js";
import { bestPath } from "./viterbi.js";

/** A reading of one Persian token: Cyrillic words (more than one where a space was missing) and its spelling cost. */
interface Reading {
  words: string[];
  cost: number;
  /** Its last word has an ezafe that Persian leaves unwritten, so it needs a word after it. */
  ezafe?: boolean;
}

/** Settings of the decoder. */
export interface PersianSettings {
  /** Weight of the spelling (alignment) cost against the word model's log probability. */
  alignWeight: number;
  /** Readings per token kept for the line's decoding. */
  beam: number;
  /** Lexicon words per consonant skeleton considered. */
  perSkeleton: number;
  /**
   * Extra cost of reading an unwritten ezafe (-и) after a word. None by default: the spelling says nothing about an
   * unwritten ezafe, so the word model alone decides (set on the development address, scripts/accuracy.ts --dev).
   */
  ezafeCost: number;
  /** Cost of a letter-by-letter reading (a word the vocabulary lacks). */
  fallbackCost: number;
  /** Cost of splitting a token into two words (a missing space or ZWNJ). */
  splitCost: number;
  unknownWeight: number;
}

export const PERSIAN_DEFAULTS: PersianSettings = {
  alignWeight: 1.5,
  beam: 6,
  perSkeleton: 150,
  ezafeCost: 0,
  fallbackCost: 2,
  splitCost: 3,
  unknownWeight: 0.02,
};

interface Index {
  /** Known words by consonant skeleton, the `perSkeleton` most frequent. */
  bySkeleton: { get(key: string): { word: string; count: number }[] | undefined };
  readings: Map<string, Reading[]>;
}
const indexes = new WeakMap<TajikModel, Index>();

function indexFor(model: TajikModel, t: Tables, settings: PersianSettings): Index {
  let index = indexes.get(model);
  if (!index) {
    const bos = model.id(BOS);
    // Keyed by `cyrillicSkeleton`.
    const groups = model.groups(t.skeleton, (id) => id !== bos);
    const bySkeleton = new BoundedMemo<{ word: string; count: number }[] | undefined>(200_000, (key) => {
      const rows = groups.get(key)?.subarray(0, settings.perSkeleton);
      return rows && Array.from(rows, (id) => ({ word: model.word(id), count: model.countAt(id) }));
    });
    index = { bySkeleton, readings: new Map() };
    indexes.set(model, index);
  }
  return index;
}

const VOWEL_END = /[аеёиӣоуӯэюя]$/;

/** Lexicon words whose skeleton matches, ranked by spelling cost less a little frequency; the best `n`. */
function lookup(persian: string, t: Tables, index: Index, n: number): Reading[] {
  const list = index.bySkeleton.get(persianSkeleton(persian, t));
  if (!list) return [];
  const limit = 0.6 + persian.length * 0.15;
  const out: Reading[] = [];
  for (const { word } of list) {
    const cost = alignCost(persian, word, t);
    if (cost < limit) out.push({ words: [word], cost });
  }
  return out.sort((a, b) => a.cost - b.cost).slice(0, n);
}

/** The readings of one Persian word (no ZWNJ inside), affixes split off where the whole is not found. */
function partReadings(word: string, t: Tables, index: Index, s: PersianSettings): Reading[] {
  const fixed = t.words.get(word);
  if (fixed && !fixed.startsWith("-")) return [{ words: [fixed], cost: 0 }];
  const out = lookup(word, t, index, s.beam);
  for (const [suffix, cyr] of t.suffixes) {
    if (word.length <= suffix.length + 1 || !word.endsWith(suffix)) continue;
    for (const r of lookup(word.slice(0, -suffix.length), t, index, 3))
      out.push({ words: [r.words[0] + cyr], cost: r.cost + 0.2 });
  }
  for (const [prefix, cyr] of t.prefixes) {
    if (word.length <= prefix.length + 1 || !word.startsWith(prefix)) continue;
    for (const r of lookup(word.slice(prefix.length), t, index, 3))
      out.push({ words: [cyr + r.words[0]], cost: r.cost + 0.2 });
  }
  if (out.length === 0 && [...word].length >= 5) {
    // A missing space: the best split into two known words.
    const P = [...word];
    for (let i = 2; i <= P.length - 2; i++) {
      const a = lookup(P.slice(0, i).join(""), t, index, 1)[0];
      const b = lookup(P.slice(i).join(""), t, index, 1)[0];
      if (a && b) out.push({ words: [...a.words, ...b.words], cost: a.cost + b.cost + s.splitCost });
    }
  }
  out.push({ words: [fallback(word, t)], cost: s.fallbackCost + (out.length ? 1 : 0) });
  return out.sort((a, b) => a.cost - b.cost).slice(0, s.beam);
}

/** All readings of a Persian token: ZWNJ-joined affixes attached as Tajik writes them, an unwritten ezafe offered. */
function tokenReadings(raw: string, model: TajikModel, t: Tables, s: PersianSettings): Reading[] {
  const index = indexFor(model, t, s);
  const cached = index.readings.get(raw);
  if (cached) return cached;
  const explicitEzafe = /(ۀ|هٔ|\u0650)$/.test(raw);
  const word = foldPersian(raw.replace(/ۀ$/, "ه").replace(/ٔ$/, ""));
  const parts = word.split("\u200C").filter((p) => p.length > 0);
  let readings: Reading[] = [{ words: [""], cost: 0 }];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? "";
    const pre = i < parts.length - 1 ? t.prefixes.find(([f]) => f === p) : undefined;
    const suf = i > 0 ? t.suffixes.find(([f]) => f === p) : undefined;
    const options =
      pre || suf ? [{ words: [(pre ?? suf)?.[1] ?? ""], cost: 0 }] : partReadings(p, t, index, s);
    const next: Reading[] = [];
    for (const r of readings)
      for (const o of options) {
        // Affixes join the last word; a new part starts its own word only where it is itself split.
        const words = [...r.words];
        words[words.length - 1] += o.words[0] ?? "";
        next.push({ words: [...words, ...o.words.slice(1)], cost: r.cost + o.cost });
      }
    readings = next.sort((a, b) => a.cost - b.cost).slice(0, s.beam);
  }
  const out: Reading[] = [];
  for (const r of readings) {
    const lastWord = r.words[r.words.length - 1] ?? "";
    if (explicitEzafe) {
      out.push({ words: [...r.words.slice(0, -1), `${lastWord}и`], cost: r.cost });
      continue;
    }
    out.push(r);
    // Persian leaves the ezafe unwritten after a consonant, and after a final ی: -ӣ with its ezafe is -ии.
    const ezafe = lastWord.endsWith("ӣ")
      ? `${lastWord.slice(0, -1)}ии`
      : !VOWEL_END.test(lastWord) && lastWord.length > 1
        ? `${lastWord}и`
        : undefined;
    if (ezafe) out.push({ words: [...r.words.slice(0, -1), ezafe], cost: r.cost + s.ezafeCost, ezafe: true });
  }
  index.readings.set(raw, out);
  return out;
}

/**
 * What may follow a word that has no ezafe (after spaces): the line's end, a punctuation mark, or the object marker
 * را, which follows a whole noun phrase; sticky.
 */
const LINK_ENDS = /\s*(?:[.!?؟،؛:,;»)\]…]|$|را(?![\u0621-\u06FF]))/y;

// Arabic-script letters, diacritics and ZWNJ (not the Arabic comma, semicolon and question mark).
const PERSIAN_WORD = /[\u0621-\u065F\u0670-\u06D3\u06FA-\u06FF\u200C]+/g;
const PUNCT: Readonly<Record<string, string>> = {
  "،": ",",
  "؛": ";",
  "؟": "?",
  "٪": "%",
  "٫": ",",
  "٬": " ",
};

/** Persian (U+06F0..) and Arabic-Indic (U+0660..) digits to ASCII, Persian punctuation to Tajik. */
function mapMarks(s: string): string {
  return s
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[،؛؟٪٫٬]/g, (c) => PUNCT[c] ?? c);
}

/**
 * Persian script to Tajik Cyrillic for one line, by decoding: each Persian token's readings come from the word
 * model's vocabulary indexed by consonant skeleton (ranked by how well their usual Persian spelling aligns), with
 * affixes split off (می‌ نمی‌ ‌ها ‌های را ...), an unwritten ezafe offered as -и, a missing space split into two
 * words, and a letter-by-letter reading for names and loanwords; the line's best sequence under the word model
 * (bigrams with stupid back-off) wins. A detached را joins the word before it; sentence starts get capitals; digits
 * and punctuation become ASCII and Tajik ones.
 */
export function persianLineToCyrillic(
  line: string,
  model: TajikModel,
  log: ChangeLog,
  s: PersianSettings = PERSIAN_DEFAULTS,
): string {
  const t = persianTables();
  const slots: { at: number; raw: string; readings: Reading[] }[] = [];
  for (const m of line.matchAll(PERSIAN_WORD)) {
    if (m[0].replace(/\u200C/g, "").length === 0) continue;
    const at = m.index ?? 0;
    const readings = tokenReadings(m[0], model, t, s);
    // An ezafe joins its word to the next one: none before the line's end, a punctuation mark or را.
    LINK_ENDS.lastIndex = at + m[0].length;
    const linked = !LINK_ENDS.test(line);
    slots.push({ at, raw: m[0], readings: linked ? readings : readings.filter((r) => !r.ezafe) });
  }
  // A reading's own score: its inner words' model scores less its weighted spelling cost.
  let lastEnd = 0;
  const choice = bestPath(
    model,
    slots.map((slot) => {
      const start = /[.!?؟]/.test(line.slice(lastEnd, slot.at));
      lastEnd = slot.at + slot.raw.length;
      return {
        first: slot.readings.map((r) => r.words[0] ?? ""),
        last: slot.readings.map((r) => r.words[r.words.length - 1] ?? ""),
        own: slot.readings.map((r) => {
          let inner = -s.alignWeight * r.cost;
          for (let k = 1; k < r.words.length; k++)
            inner += model.score(r.words[k - 1] ?? BOS, r.words[k] ?? "", s.unknownWeight);
          return inner;
        }),
        start,
      };
    }),
    s.unknownWeight,
  );
  let out = "";
  let pos = 0;
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k] as (typeof slots)[number];
    const r = slot.readings[choice[k] ?? 0];
    out += mapMarks(line.slice(pos, slot.at));
    out += log.record("persian_script", slot.raw, (r?.words ?? [slot.raw]).join(" "));
    pos = slot.at + slot.raw.length;
  }
  out += mapMarks(line.slice(pos));
  // A detached را joins its word, whose final -ӣ is written и before it (заруриро).
  return capitalizeSentences(out.replace(/(ӣ)? ро(?=[\s.,!?;:»]|$)/g, (_, i?: string) => (i ? "иро" : "ро")));
}

/** Capital letters at the start of the line and after a sentence end. */
function capitalizeSentences(s: string): string {
  return s.replace(
    /(^|[.!?]\s+|^[«"(\s]+)([а-яёӣӯқғҳҷ])/g,
    (_, pre: string, c: string) => pre + c.toUpperCase(),
  );
}
