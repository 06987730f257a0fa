import { type LegacyMarks, legacyMarkTable, UTF8_LEAD_MARK, UTF8_TAIL_MARK } from "./legacy.js";
import { type LookalikeMarks, lookalikeKeys, lookalikeTriggers } from "./lookalike.js";
import { OCR_MARKS, ocrMarkAt } from "./ocr.js";
import { BLANK_CODES, PUNCT_CODES, PUNCT_WORK, punctuationAt } from "./punct.js";
import { SCRIPT_BIT, type ScriptCounts, scriptBits } from "./script.js";
import { C1_RE, CONTROL_RE, nfcStable } from "./unicode.js";

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
  /** A character outside the blocks whose text is in NFC whatever its order (`cleanUnicode`'s NFC). */
  nfc: 16,
  /** ZWNJ (`cleanUnicode` keeps it only between Arabic-script letters). */
  zwnj: 32,
} as const;

/** The `STEP` bits of a table entry. */
const STEP_BITS = 0x3f;
/** Table bit of a blank (its neighbours are seen without a branch: blanks are frequent). */
const BLANK_SHIFT = 6;
/** Table bit of the code units `readText` looks at with their neighbours (punctuation and OCR marks). */
const LOOK = 1 << 7;
/** Table bit of the OCR artefact marks. */
const OCR = 1 << 8;
/** Where the `SCRIPT_BIT` of a code unit lies in the table. */
const SCRIPT_SHIFT = 9;
/** Table bits of a letter of another script than Cyrillic. */
const NOT_CYRILLIC = (SCRIPT_BIT.arab | SCRIPT_BIT.latn | SCRIPT_BIT.other) << SCRIPT_SHIFT;
/** Table bits of a look-alike letter and of Ukrainian і (`LookalikeMarks`). */
const LOOK_KEY = 1 << 13;
const UKRAINIAN_I = 1 << 14;
/** Where the code unit's `legacyMarkTable` entry lies in the table: 13 class bits, then capital and small letter. */
const LEGACY_SHIFT = 16;
const LEGACY_CLASSES = 0x1fff;

let table: Uint32Array | undefined;

function build(): Uint32Array {
  const t = new Uint32Array(0x10000);
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
    if (!nfcStable(c)) mark(c, STEP.nfc);
    mark(c, scriptBits(c) << SCRIPT_SHIFT);
  }
  mark(0x200c, STEP.zwnj);
  for (const ch of lookalikeTriggers()) mark(ch.charCodeAt(0), STEP.lookalike);
  for (const ch of lookalikeKeys()) mark(ch.charCodeAt(0), LOOK_KEY);
  mark(0x456, UKRAINIAN_I);
  mark(0x406, UKRAINIAN_I);
  for (let c = 0x600; c <= 0x6ff; c++) mark(c, STEP.otherScript);
  for (let c = 0x41; c <= 0x7a; c++) if (c <= 0x5a || c >= 0x61) mark(c, STEP.otherScript);
  const legacy = legacyMarkTable();
  for (let c = 0; c < 0x10000; c++) mark(c, (legacy[c] as number) << LEGACY_SHIFT);
  for (const c of BLANK_CODES) mark(c, 1 << BLANK_SHIFT);
  for (const c of PUNCT_CODES) mark(c, LOOK);
  for (const c of OCR_MARKS) mark(c, LOOK | OCR);
  return t;
}

/** The `STEP` bits of the characters a text holds, in one pass over its code units. */
export function stepMarks(text: string): number {
  table ??= build();
  const t = table;
  let marks = 0;
  for (let i = 0; i < text.length; i++) marks |= t[text.charCodeAt(i)] as number;
  return marks & STEP_BITS;
}

/** What `readText` finds in a text. */
export interface TextRead {
  /** Its `STEP` bits. */
  marks: number;
  /** Its letters by script (as `scriptCounts`). */
  scripts: ScriptCounts;
  /** Its `punctuationWork` (all its bits: the pass does not stop at spacing). */
  punct: number;
  /** Whether an OCR artefact mark stands between two Cyrillic letters (`repairOcr`'s test). */
  ocr: boolean;
  /** Its `legacyMarks`. */
  legacy: LegacyMarks;
  /** Its `lookalikeMarks`. */
  lookalike: LookalikeMarks;
}

/** Whether a code unit lies in U+0400..U+04FF (the Cyrillic of `repairLookalikes`'s mixed words). */
const inCyrillicBlock = (c: number): boolean => c >= 0x400 && c <= 0x4ff;

/**
 * `stepMarks`, `scriptCounts`, `punctuationWork`, `repairOcr`'s test, `legacyMarks` and `lookalikeMarks` of a text in
 * one pass over its code units (each pass costs about as much as the next, and most documents need none of the steps
 * they guard).
 */
export function readText(text: string): TextRead {
  table ??= build();
  const t = table;
  let marks = 0;
  let cyrl = 0;
  let arab = 0;
  let latn = 0;
  let other = 0;
  let punct = 0;
  let ocr = false;
  /** 1 when the code unit before is a blank; `blanks` gets 1 for a blank after a blank. */
  let afterBlank = 0;
  let blanks = 0;
  let upper = 0;
  let lower = 0;
  let pair = false;
  // UTF8_AS_CP1251's pair is looked for behind a branch on its second class, taken at a few code units in a hundred
  // (a pair test at every code unit cost ~2 ns each); the classes' bits are read into locals, not imported bindings.
  const lead = UTF8_LEAD_MARK << LEGACY_SHIFT;
  const tail = UTF8_TAIL_MARK << LEGACY_SHIFT;
  let mixed = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const v = t[c] as number;
    marks |= v;
    if ((v & tail) !== 0 && i > 0 && ((t[text.charCodeAt(i - 1)] as number) & lead) !== 0) pair = true;
    cyrl += (v >> SCRIPT_SHIFT) & 1;
    // Letters of other scripts are few in a Cyrillic text: counted behind a branch that is seldom taken.
    if ((v & NOT_CYRILLIC) !== 0) {
      arab += (v >> (SCRIPT_SHIFT + 1)) & 1;
      latn += (v >> (SCRIPT_SHIFT + 2)) & 1;
      other += (v >> (SCRIPT_SHIFT + 3)) & 1;
      // An ASCII letter: is a Cyrillic one beside it?
      if (!mixed && c <= 0x7a)
        mixed = (i > 0 && inCyrillicBlock(text.charCodeAt(i - 1))) || inCyrillicBlock(text.charCodeAt(i + 1));
    }
    upper += (v >>> (LEGACY_SHIFT + 13)) & 1;
    lower += (v >>> (LEGACY_SHIFT + 14)) & 1;
    if ((v & LOOK) !== 0) {
      punct |= punctuationAt(text, i, afterBlank !== 0);
      if ((v & OCR) !== 0 && ocrMarkAt(text, i)) ocr = true;
    }
    const blank = (v >> BLANK_SHIFT) & 1;
    blanks |= afterBlank & blank;
    afterBlank = blank;
  }
  if (blanks !== 0 || afterBlank !== 0) punct |= PUNCT_WORK.spacing;
  const legacy = {
    marks: (marks >>> LEGACY_SHIFT) & LEGACY_CLASSES,
    upper,
    lower,
    utf8Pair: pair,
  };
  const lookalike = {
    look: (marks & LOOK_KEY) !== 0,
    mixed,
    ukrainianI: (marks & UKRAINIAN_I) !== 0,
  };
  return { marks: marks & STEP_BITS, scripts: { cyrl, arab, latn, other }, punct, ocr, legacy, lookalike };
}
