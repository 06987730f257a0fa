import type { ChangeLog } from "./changes.js";

// C0/C1 controls except tab and newline; zero-width and invisible format characters (ZWNJ handled apart).
const CONTROL_RE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u200B\u2060\uFEFF\u202A-\u202E\u2066-\u2069]|\u200D/g;
const ZWNJ_RE = /\u200C/g;
const ARABIC_LETTER = /[\u0600-\u06FF]/;

/**
 * Unicode NFC (composes и/у + U+0304 into ӣ/ӯ), line ends to \n, and removal of control and zero-width characters;
 * ZWNJ stays only between Arabic-script letters, where Persian needs it (می‌روم).
 */
export function cleanUnicode(text: string, log: ChangeLog): string {
  let out = text;
  const nfc = out.normalize("NFC");
  if (nfc !== out) {
    log.recordBulk("unicode.nfc", out.length - nfc.length);
    out = nfc;
  }
  if (out.includes("\r")) out = out.replace(/\r\n?/g, (m) => log.record("unicode.newline", m, "\n"));
  out = out.replace(CONTROL_RE, (m) => log.record("unicode.invisible", m, ""));
  if (out.includes("\u200C")) {
    out = out.replace(ZWNJ_RE, (m, at: number, s: string) =>
      ARABIC_LETTER.test(s[at - 1] ?? "") && ARABIC_LETTER.test(s[at + 1] ?? "")
        ? m
        : log.record("unicode.zwnj", m, ""),
    );
  }
  return out;
}
