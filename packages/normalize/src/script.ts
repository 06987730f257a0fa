/** The script a text or line is mostly written in. */
export type Script = "cyrl" | "arab" | "latn" | "mixed";

/** Letters of a text counted by script, and their shares. */
export interface ScriptShares {
  letters: number;
  cyrl: number;
  arab: number;
  latn: number;
  script: Script;
}

/** Letters counted by script (`other`: letters of the scripts not named). */
export interface ScriptCounts {
  cyrl: number;
  arab: number;
  latn: number;
  other: number;
}

/** Share a script needs among the letters to count as the text's script. */
const DOMINANT = 0.8;

/** Bits of `scriptBits`: the script a code unit is a letter of (at most one is set). */
export const SCRIPT_BIT = { cyrl: 1, arab: 2, latn: 4, other: 8 } as const;

/** The `SCRIPT_BIT` of a UTF-16 code unit, 0 for one that is no letter (a lone surrogate counts as none). */
export function scriptBits(c: number): number {
  if (c < 0x41) return 0;
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return SCRIPT_BIT.latn;
  if (c < 0xc0) return 0;
  if (c >= 0x400 && c <= 0x52f) return SCRIPT_BIT.cyrl;
  if ((c >= 0x620 && c <= 0x64a) || (c >= 0x66e && c <= 0x6d3) || (c >= 0xfb50 && c <= 0xfeff))
    return SCRIPT_BIT.arab;
  if (c <= 0x24f && c !== 0xd7 && c !== 0xf7) return SCRIPT_BIT.latn;
  if (c >= 0x1e00 && c <= 0x1eff) return SCRIPT_BIT.latn;
  return /\p{L}/u.test(String.fromCharCode(c)) ? SCRIPT_BIT.other : 0;
}

let table: Uint8Array | undefined;

/**
 * Counts the letters of each script of `text[from..to)` in one pass over the UTF-16 code units (a table, no regex:
 * this runs on every line).
 */
export function scriptCounts(text: string, from = 0, to = text.length): ScriptCounts {
  if (!table) {
    table = new Uint8Array(0x10000);
    for (let c = 0; c < 0x10000; c++) table[c] = scriptBits(c);
  }
  const t = table;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let other = 0;
  for (let i = from; i < to; i++) {
    const v = t[text.charCodeAt(i)] as number;
    cyrl += v & 1;
    arab += (v >> 1) & 1;
    latn += (v >> 2) & 1;
    other += v >> 3;
  }
  return { cyrl, arab, latn, other };
}

/** The shares and script of letters counted by script. */
export function sharesOf(counts: ScriptCounts): ScriptShares {
  const { cyrl, arab, latn, other } = counts;
  const letters = cyrl + arab + latn + other;
  const share = (n: number) => (letters === 0 ? 0 : n / letters);
  const s = { letters, cyrl: share(cyrl), arab: share(arab), latn: share(latn) };
  const script: Script =
    s.cyrl >= DOMINANT ? "cyrl" : s.arab >= DOMINANT ? "arab" : s.latn >= DOMINANT ? "latn" : "mixed";
  return { ...s, script };
}

/** Letters of a text by script, and their shares. */
export function scriptShares(text: string): ScriptShares {
  return sharesOf(scriptCounts(text));
}
