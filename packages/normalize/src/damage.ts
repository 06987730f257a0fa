/** Ways real Tajik text gets damaged, applied to real text so repairs can be measured against the original (tests, benches, the demo). */
import { encodeText } from "@soro/core";
import { foldTajik } from "./letters.js";
import { readCharMap } from "./tables.js";

const invert = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [v, k]));
const legacyA = invert(readCharMap("legacy-a.tsv"));
const legacyB = invert(readCharMap("legacy-b.tsv"));
const mapWith = (m: Map<string, string>, s: string) => [...s].map((c) => m.get(c) ?? c).join("");

/** Tajik text as a legacy "...Tj" font (encoding A) shows it. */
export const toLegacyA = (s: string) => mapWith(legacyA, s);
/** Tajik text in legacy encoding B. */
export const toLegacyB = (s: string) => mapWith(legacyB, s);
/** Tajik text typed on a Russian keyboard (ӣ typed as и). */
export const toRussianKeyboard = (s: string) => foldTajik(s);

/** Tajik text saved as KOI8-T and opened as windows-1251. */
export const toKoi8tAsCp1251 = (s: string) => new TextDecoder("windows-1251").decode(encodeText(s, "koi8-t"));

/** Tajik text saved as KOI8-T and opened as KOI8-R (`Эмомалӣ` shows as `Эмомал╔`). */
export const toKoi8tAsKoi8r = (s: string) => new TextDecoder("koi8-r").decode(encodeText(s, "koi8-t"));

/** UTF-8 text opened as windows-1251. */
export const toMojibake = (s: string) => new TextDecoder("windows-1251").decode(new TextEncoder().encode(s));

/** Tajik Cyrillic as informal chat Latin writes it (the test's own spelling, to round-trip real text). */
const CHAT: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ғ: "gh",
  д: "d",
  е: "e",
  ё: "yo",
  ж: "zh",
  з: "z",
  и: "i",
  ӣ: "i",
  й: "y",
  к: "k",
  қ: "q",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ӯ: "u",
  ф: "f",
  х: "kh",
  ҳ: "h",
  ч: "ch",
  ҷ: "j",
  ш: "sh",
  ъ: "'",
  э: "e",
  ю: "yu",
  я: "ya",
};
export const toChatLatin = (s: string) =>
  [...s]
    .map((c) => {
      const l = CHAT[c.toLowerCase()];
      if (l === undefined) return c;
      return c === c.toLowerCase() ? l : l[0]?.toUpperCase() + l.slice(1);
    })
    .join("");

/** Share of the words of `expected` found at the same position in `actual` (both split on spaces). */
export function wordAccuracy(actual: string, expected: string): number {
  const a = actual.split(/\s+/);
  const e = expected.split(/\s+/);
  let ok = 0;
  for (let i = 0; i < e.length; i++) if (a[i] === e[i]) ok++;
  return e.length === 0 ? 1 : ok / e.length;
}

/** Share of characters equal at the same position (1 - a rough character error rate for same-length texts). */
export function charAccuracy(actual: string, expected: string): number {
  let ok = 0;
  for (let i = 0; i < expected.length; i++) if (actual[i] === expected[i]) ok++;
  return expected.length === 0 ? 1 : ok / Math.max(expected.length, actual.length);
}
