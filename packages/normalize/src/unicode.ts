import type { ChangeLog } from "./changes.js";

// C0 controls except tab and newline; zero-width and invisible format characters (ZWNJ handled apart).
export const CONTROL_RE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]|\u200D/g;
// C1 controls (bytes 0x80-0x9F a code page left undefined) and the soft hyphen (UTF-8's Э read as cp1251 gives
// Р + U+00AD): mojibake repair needs them, so they go after it.
export const C1_RE = /[\u0080-\u009F\u00AD]/g;
const ZWNJ_RE = /\u200C/g;
const ARABIC_LETTER = /[\u0600-\u06FF]/;

/** Removes C1 controls and soft hyphens (after legacy and mojibake repair, which may need them as bytes). */
export function removeC1Controls(text: string, log: ChangeLog): string {
  return text.replace(C1_RE, (m) => log.record("unicode.invisible", m, ""));
}

/**
 * Code units of the blocks Tajik text is written in (ASCII, Latin-1 and Latin Extended, Cyrillic, general
 * punctuation, currency and letter-like symbols): a text of these alone is in NFC, so its NFC pass is skipped.
 * Left out: combining marks, and every character NFC changes by itself (U+2000, U+2126 Ω, ...); none of these
 * blocks holds a character that composes with the one before it (checked in test/unicode.test.ts).
 */
const NFC_BLOCKS = [
  [0x0000, 0x02ff],
  [0x0400, 0x052f],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
  [0x2100, 0x214f],
];

/** Whether a text made of this code unit and others like it is in NFC whatever their order (see `NFC_BLOCKS`). */
export function nfcStable(c: number): boolean {
  if (!NFC_BLOCKS.some(([lo = 0, hi = 0]) => c >= lo && c <= hi)) return false;
  const ch = String.fromCharCode(c);
  return ch.normalize("NFC") === ch && !/\p{M}/u.test(ch);
}

/** Which passes of `cleanUnicode` a text may need (each true unless a pass over it showed none of their characters). */
export interface UnicodeWork {
  /** A character outside `nfcStable`'s. */
  nfc: boolean;
  /** A control or format character of CONTROL_RE. */
  controls: boolean;
  /** ZWNJ. */
  zwnj: boolean;
}

const ALL_WORK: UnicodeWork = { nfc: true, controls: true, zwnj: true };

/**
 * Unicode NFC (composes и/у + U+0304 into ӣ/ӯ), line ends to \n, and removal of C0 control and zero-width characters;
 * ZWNJ stays only between Arabic-script letters, where Persian needs it (می‌روم). `work`: what a pass over the text
 * showed it may need (see `stepMarks`); the passes it rules out are skipped.
 */
export function cleanUnicode(text: string, log: ChangeLog, work: UnicodeWork = ALL_WORK): string {
  let out = text;
  if (work.nfc) {
    const nfc = out.normalize("NFC");
    if (nfc !== out) {
      log.recordBulk("unicode.nfc", out.length - nfc.length);
      out = nfc;
    }
  }
  if (out.includes("\r")) out = out.replace(/\r\n?/g, (m) => log.record("unicode.newline", m, "\n"));
  if (work.controls) out = out.replace(CONTROL_RE, (m) => log.record("unicode.invisible", m, ""));
  if (work.zwnj && out.includes("\u200C")) {
    out = out.replace(ZWNJ_RE, (m, at: number, s: string) =>
      ARABIC_LETTER.test(s[at - 1] ?? "") && ARABIC_LETTER.test(s[at + 1] ?? "")
        ? m
        : log.record("unicode.zwnj", m, ""),
    );
  }
  return out;
}
