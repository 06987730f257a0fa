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

/** Share a script needs among the letters to count as the text's script. */
const DOMINANT = 0.8;

/** Counts the letters of each script in one pass over the UTF-16 code units (no regex: this runs on every line). */
export function scriptShares(text: string): ScriptShares {
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x41) continue;
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) latn++;
    else if (c < 0xc0) continue;
    else if (c >= 0x400 && c <= 0x52f) cyrl++;
    else if ((c >= 0x620 && c <= 0x64a) || (c >= 0x66e && c <= 0x6d3) || (c >= 0xfb50 && c <= 0xfeff)) arab++;
    else if (c <= 0x24f && c !== 0xd7 && c !== 0xf7) latn++;
    else if (c >= 0x1e00 && c <= 0x1eff) latn++;
    else if (/\p{L}/u.test(text[i] ?? "")) other++;
  }
  const letters = cyrl + arab + latn + other;
  const share = (n: number) => (letters === 0 ? 0 : n / letters);
  const s = { letters, cyrl: share(cyrl), arab: share(arab), latn: share(latn) };
  const script: Script =
    s.cyrl >= DOMINANT ? "cyrl" : s.arab >= DOMINANT ? "arab" : s.latn >= DOMINANT ? "latn" : "mixed";
  return { ...s, script };
}
