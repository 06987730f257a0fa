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
 * Unicode NFC (composes и/у + U+0304 into ӣ/ӯ), line ends to \n, and removal of C0 control and zero-width characters;
 * ZWNJ stays only between Arabic-script letters, where Persian needs it (می‌روم). `controls` false: the caller
 * knows the text holds none of the control and format characters (see `stepMarks`), and their pass is skipped.
 */
export function cleanUnicode(text: string, log: ChangeLog, controls = true): string {
  let out = text;
  const nfc = out.normalize("NFC");
  if (nfc !== out) {
    log.recordBulk("unicode.nfc", out.length - nfc.length);
    out = nfc;
  }
  if (out.includes("\r")) out = out.replace(/\r\n?/g, (m) => log.record("unicode.newline", m, "\n"));
  if (controls) out = out.replace(CONTROL_RE, (m) => log.record("unicode.invisible", m, ""));
  if (out.includes("\u200C")) {
    out = out.replace(ZWNJ_RE, (m, at: number, s: string) =>
      ARABIC_LETTER.test(s[at - 1] ?? "") && ARABIC_LETTER.test(s[at + 1] ?? "")
        ? m
        : log.record("unicode.zwnj", m, ""),
    );
  }
  return out;
}
