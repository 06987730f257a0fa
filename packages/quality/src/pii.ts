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

/**
 * Patterns in the order they are applied: an earlier, more specific pattern claims text before a looser one. `needs`
 * is something every match contains, tested first because a pattern that opens with a long class or a lookbehind is
 * slow to fail: the email pattern tries every letter run as a local part, which cost more CPU than all other patterns
 * together, and a text with any digit (numbered senses, years) ran every digit pattern's lookbehind at each position.
 */
const PATTERNS: Array<{ kind: PiiKind; re: RegExp; digits?: [number, number]; needs?: RegExp }> = [
  {
    kind: "email",
    re: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu,
    needs: /@/,
  },
  { kind: "ip", re: new RegExp(`${B}${OCTET}(?:\\.${OCTET}){3}${E}`, "gu"), needs: /\d\.\d/ },
  // Tajik numbers with the country code: +992 (37) 221-23-45, +992 93 123 45 67, 992931234567.
  {
    kind: "phone",
    re: new RegExp(`${B}\\+?992${SEP}\\(?\\d{2,3}\\)?${SEP}\\d{2,3}${SEP}\\d{2}${SEP}\\d{2}${E}`, "gu"),
    digits: [12, 12],
    needs: /992/,
  },
  // Other international numbers: + and 10 to 15 digits in groups.
  {
    kind: "phone",
    re: new RegExp(`\\+\\d{1,3}${SEP}\\(?\\d{1,4}\\)?(?:${SEP}\\d{2,4}){2,4}${E}`, "gu"),
    digits: [10, 15],
    needs: /\+\d/,
  },
  // Card-like and long identifiers: 16 digits in fours, or a run of 10 to 19 digits.
  { kind: "id", re: new RegExp(`${B}\\d{4}(?:[ -]\\d{4}){3}${E}`, "gu"), needs: /\d{4}[ -]\d{4}/ },
  { kind: "id", re: new RegExp(`${B}\\d{10,19}${E}`, "gu"), needs: /\d{10}/ },
  // Passport-like: one or two capital letters and 7 to 9 digits (Tajik passports, Russian series).
  { kind: "id", re: new RegExp(`${B}[A-ZА-ЯЁ]{1,2} ?\\d{7,9}${E}`, "gu"), needs: /\d{7}/ },
  // Local Tajik numbers written with separators: (37) 221-23-45, 93-123-45-67, 918 12 34 56.
  {
    kind: "phone",
    re: new RegExp(`${B}\\(?\\d{2,3}\\)?[\\s.\\-]\\d{2,3}[\\s.\\-]\\d{2}[\\s.\\-]\\d{2}${E}`, "gu"),
    digits: [9, 9],
    needs: /\d\d[\s.-]\d\d/u,
  },
  // A bare nine-digit number: the length of a Tajik taxpayer number (and of a local phone without separators).
  { kind: "id", re: new RegExp(`${B}\\d{9}${E}`, "gu"), needs: /\d{9}/ },
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
  // Cheap gate: without an @ or a digit there is nothing to mask.
  if (!/[@\d]/.test(out)) return { text: out, counts };
  for (const { kind, re, digits, needs } of PATTERNS) {
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
