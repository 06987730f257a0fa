import { unitClass, WS } from "./char-classes.js";

/** Kinds of personal data the masker replaces, each with its typed placeholder. */
export const PII_KINDS = ["email", "phone", "ip", "id"] as const;

/** A kind of personal data. */
export type PiiKind = (typeof PII_KINDS)[number];

/** The placeholder text that replaces each kind. */
export const PII_PLACEHOLDERS: Record<PiiKind, string> = {
  email: "<EMAIL>",
  phone: "<PHONE>",
  ip: "<IP>",
  id: "<ID>",
};

/** Neither a digit nor a letter may touch a match, so numbers inside longer numbers or words stay. */
const B = "(?<![\\p{L}\\p{N}])";
const E = "(?![\\p{L}\\p{N}])";
const SEP = "[\\s.\\-]?";
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** An international number: + and 10 to 15 digits in groups; only its end is bounded (the + marks its start). */
const INTERNATIONAL = `\\+\\d{1,3}${SEP}\\(?\\d{1,4}\\)?(?:${SEP}\\d{2,4}){2,4}`;

/** Digit runs meeting across one separator unit (see `digitFacts`). */
const DOT_PAIR = 1;
const FOURS_PAIR = 2;
const TWOS_PAIR = 4;

/** What one pass over a text tells of the digit patterns that can match in it. */
interface DigitFacts {
  /** The longest run of ASCII digits. */
  longest: number;
  /** Whether a + comes right before a digit. */
  plus: boolean;
  /** An @. */
  at: boolean;
  /** A run of digits that starts with 992 (Tajikistan's country code). */
  tajikCode: boolean;
  /**
   * Runs of digits on either side of one unit: `.` (DOT_PAIR), space or `-` between runs of 4+ (FOURS_PAIR), a
   * whitespace unit, `.` or `-` between runs of 2+ (TWOS_PAIR).
   */
  pairs: number;
}

/**
 * The pairs (DOT_PAIR, FOURS_PAIR, TWOS_PAIR) that a run of `before` digits, the unit `sep` and a run of `run` digits
 * make. A plain function, not a closure: variables a closure captures live on the heap, and the digit loop reads them
 * at every unit.
 */
function pairBits(before: number, sep: number, run: number): number {
  let pairs = 0;
  if (sep === 46) pairs |= DOT_PAIR;
  if ((sep === 32 || sep === 45) && before >= 4 && run >= 4) pairs |= FOURS_PAIR;
  if ((sep === 46 || sep === 45 || (unitClass(sep) & WS) !== 0) && before >= 2 && run >= 2)
    pairs |= TWOS_PAIR;
  return pairs;
}

/**
 * The facts of a text's digits in one pass. Masking replaces matches with placeholders that hold no digit, so a
 * pattern the original text's facts rule out cannot match after earlier patterns either.
 */
function digitFacts(text: string): DigitFacts {
  let longest = 0;
  let plus = false;
  let at = false;
  let tajikCode = false;
  let pairs = 0;
  let run = 0;
  // The run that ended right before the unit after it (`sep`), 0 when no run ended there.
  let before = 0;
  let sep = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c >= 48 && c <= 57) {
      if (run === 0) {
        if (k > 0 && text.charCodeAt(k - 1) === 43) plus = true;
        if (c === 57 && text.charCodeAt(k + 1) === 57 && text.charCodeAt(k + 2) === 50) tajikCode = true;
      }
      if (++run > longest) longest = run;
      continue;
    }
    if (c === 64) at = true;
    if (run > 0) {
      if (before > 0) pairs |= pairBits(before, sep, run);
      before = run;
      sep = c;
      run = 0;
    } else before = 0;
  }
  if (run > 0 && before > 0) pairs |= pairBits(before, sep, run);
  return { longest, plus, at, tajikCode, pairs };
}

/** A masking pattern: its regular expression, and what a text must hold for it to match (see PATTERNS). */
interface PiiPattern {
  kind: PiiKind;
  re: RegExp;
  digits?: [number, number];
  needs?: RegExp;
  /** What `digitFacts` must show of a text for the pattern to match in it. */
  may: (f: DigitFacts) => boolean;
}

/**
 * A digit pattern that neither a digit nor a letter may touch: the test that a text may hold it is the pattern
 * without those edges (plain scanning, where the lookbehind is tried at every position).
 */
function bounded(
  kind: PiiKind,
  core: string,
  may: (f: DigitFacts) => boolean,
  digits?: [number, number],
): PiiPattern {
  return { kind, re: new RegExp(`${B}${core}${E}`, "gu"), needs: new RegExp(core, "u"), may, digits };
}

/**
 * Patterns in the order they are applied: an earlier, more specific pattern claims text before a looser one. `needs`
 * is something every match contains, tested first because a pattern that opens with a long class or a lookbehind is
 * slow to fail: the email pattern tries every letter run as a local part, which cost more CPU than all other patterns
 * together, and a text with any digit (numbered senses, years) ran every digit pattern's lookbehind at each position.
 */
const PATTERNS: PiiPattern[] = [
  {
    kind: "email",
    re: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu,
    may: (f) => f.at,
  },
  bounded("ip", `${OCTET}(?:\\.${OCTET}){3}`, (f) => (f.pairs & DOT_PAIR) !== 0),
  // Tajik numbers with the country code: +992 (37) 221-23-45, +992 93 123 45 67, 992931234567.
  bounded(
    "phone",
    `\\+?992${SEP}\\(?\\d{2,3}\\)?${SEP}\\d{2,3}${SEP}\\d{2}${SEP}\\d{2}`,
    // Its 992 opens a run of digits: a + or no letter or digit comes before it.
    (f) => f.tajikCode,
    [12, 12],
  ),
  // Other international numbers: + and 10 to 15 digits in groups.
  {
    kind: "phone",
    re: new RegExp(`${INTERNATIONAL}${E}`, "gu"),
    digits: [10, 15],
    needs: new RegExp(INTERNATIONAL, "u"),
    may: (f) => f.plus,
  },
  // Card-like and long identifiers: 16 digits in fours, or a run of 10 to 19 digits.
  bounded("id", "\\d{4}(?:[ -]\\d{4}){3}", (f) => (f.pairs & FOURS_PAIR) !== 0),
  bounded("id", "\\d{10,19}", (f) => f.longest >= 10),
  // Passport-like: one or two capital letters and 7 to 9 digits (Tajik passports, Russian series).
  bounded("id", "[A-ZА-ЯЁ]{1,2} ?\\d{7,9}", (f) => f.longest >= 7),
  // Local Tajik numbers written with separators: (37) 221-23-45, 93-123-45-67, 918 12 34 56.
  bounded(
    "phone",
    "\\(?\\d{2,3}\\)?[\\s.\\-]\\d{2,3}[\\s.\\-]\\d{2}[\\s.\\-]\\d{2}",
    (f) => (f.pairs & TWOS_PAIR) !== 0,
    [9, 9],
  ),
  // A bare nine-digit number: the length of a Tajik taxpayer number (and of a local phone without separators).
  bounded("id", "\\d{9}", (f) => f.longest >= 9),
];

/** Text with personal data replaced, and how many of each kind were found. */
export interface MaskResult {
  text: string;
  counts: Record<PiiKind, number>;
}

function digitCount(s: string): number {
  let n = 0;
  for (const ch of s) if (ch >= "0" && ch <= "9") n++;
  return n;
}

/** Replaces emails, phone numbers (Tajik +992 and local forms), IP addresses and ID-like numbers with typed placeholders. */
export function maskPii(text: string): MaskResult {
  const counts: Record<PiiKind, number> = { email: 0, phone: 0, ip: 0, id: 0 };
  let out = text;
  const facts = digitFacts(text);
  if (!facts.at && facts.longest === 0) return { text: out, counts };
  for (const { kind, re, digits, needs, may } of PATTERNS) {
    if (!may(facts)) continue;
    if (needs && !needs.test(out)) continue;
    out = out.replace(re, (match) => {
      if (digits) {
        const n = digitCount(match);
        if (n < digits[0] || n > digits[1]) return match;
      }
      counts[kind]++;
      return PII_PLACEHOLDERS[kind];
    });
  }
  return { text: out, counts };
}
