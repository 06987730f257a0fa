import { lookalikeTriggers } from "./lookalike.js";

/**
 * Bits of `stepMarks`: which classes of characters occur in a text, each one a step of `normalizeText` needs to
 * have anything to do (most documents need none of them).
 */
export const STEP = {
  /** C0 controls, zero-width and bidi format characters (`cleanUnicode`'s removal). */
  control: 1,
  /** C1 controls and the soft hyphen (`removeC1Controls`). */
  c1: 2,
  /** Look-alike letters, Ukrainian і, ASCII Latin letters (`repairLookalikes`). */
  lookalike: 4,
  /** Arabic-script or ASCII Latin letters (script mapping). */
  otherScript: 8,
} as const;

let table: Uint8Array | undefined;

function build(): Uint8Array {
  const t = new Uint8Array(0x10000);
  const mark = (c: number, bit: number) => {
    (t[c] as number) |= bit;
  };
  for (let c = 0; c <= 0x1f; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x0d) mark(c, STEP.control);
  for (const c of [0x7f, 0x200b, 0x200d, 0x2060, 0xfeff]) mark(c, STEP.control);
  for (let c = 0x202a; c <= 0x202e; c++) mark(c, STEP.control);
  for (let c = 0x2066; c <= 0x2069; c++) mark(c, STEP.control);
  for (let c = 0x80; c <= 0x9f; c++) mark(c, STEP.c1);
  mark(0xad, STEP.c1);
  for (const ch of lookalikeTriggers()) mark(ch.charCodeAt(0), STEP.lookalike);
  for (let c = 0x600; c <= 0x6ff; c++) mark(c, STEP.otherScript);
  for (let c = 0x41; c <= 0x7a; c++) if (c <= 0x5a || c >= 0x61) mark(c, STEP.otherScript);
  return t;
}

/** The `STEP` bits of the characters a text holds, in one pass over its code units. */
export function stepMarks(text: string): number {
  table ??= build();
  const t = table;
  let marks = 0;
  for (let i = 0; i < text.length; i++) marks |= t[text.charCodeAt(i)] as number;
  return marks;
}
