import { lookalikeTriggers } from "./lookalike.js";
import { C1_RE, CONTROL_RE } from "./unicode.js";

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
  // The control and C1 bits come from the patterns the steps remove, so the two cannot drift apart.
  const control = new RegExp(CONTROL_RE.source);
  const c1 = new RegExp(C1_RE.source);
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (control.test(ch)) mark(c, STEP.control);
    if (c1.test(ch)) mark(c, STEP.c1);
  }
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
