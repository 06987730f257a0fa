import { charsetLabel, checkUtf8, decodeBytes, guessCharset } from "@soro/core";

/** How a page's character set was decided. */
export type CharsetSource = "bom" | "header" | "meta" | "detected" | "default";

/** The charset parameter of a Content-Type header. */
export function headerCharset(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? "");
  return charsetLabel(m?.[2]);
}

/** The charset a byte order mark announces. */
function bomCharset(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  return null;
}

/** The charset declared by `<meta charset>` or `<meta http-equiv content>` in the first 1024 bytes (the HTML prescan window). */
export function metaCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  for (const m of head.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    const direct = /\bcharset\s*=\s*["']?\s*([\w.:-]+)/i.exec(tag);
    const label = charsetLabel(direct?.[1]);
    if (label) return label === "utf-16le" || label === "utf-16be" ? "utf-8" : label;
  }
  return null;
}

/**
 * Guesses the charset of undeclared bytes: UTF-8 when they are valid UTF-8, else the Cyrillic code page
 * (windows-1251, KOI8-R, KOI8-T) whose reading holds the most Tajik and Russian words (core's guessCharset).
 */
export function detectCharset(bytes: Uint8Array): string {
  return guessCharset(bytes).charset;
}

/**
 * A declared charset when the bytes can be in it, else null (then the next source decides): UTF-16 without a BOM
 * needs its NUL high bytes, UTF-8 needs valid sequences, and a single-byte code page is not believed for bytes
 * that are valid multi-byte UTF-8 (a page saying windows-1251 or UTF-16 over UTF-8 text would become mojibake).
 */
function fits(bytes: Uint8Array, charset: string | null): string | null {
  if (!charset) return null;
  const sample = bytes.subarray(0, 64 * 1024);
  if (charset.startsWith("utf-16")) {
    let nuls = 0;
    for (const b of sample) if (b === 0) nuls++;
    return nuls * 4 >= sample.length ? charset : null;
  }
  const utf8 = checkUtf8(sample, sample.length < bytes.length);
  if (charset === "utf-8") return utf8.invalid === 0 ? charset : null;
  return utf8.invalid === 0 && utf8.multibyte > 0 ? null : charset;
}

/** Decodes a response body: BOM, then Content-Type header, then `<meta>` prescan, then detection. */
export function decodeBody(
  bytes: Uint8Array,
  contentType?: string | null,
): { text: string; charset: string; charsetSource: CharsetSource } {
  let charset: string | null = bomCharset(bytes);
  let charsetSource: CharsetSource = "bom";
  if (!charset) {
    charset = fits(bytes, headerCharset(contentType));
    charsetSource = "header";
  }
  if (!charset) {
    charset = fits(bytes, metaCharset(bytes));
    charsetSource = "meta";
  }
  if (!charset) {
    charset = detectCharset(bytes);
    charsetSource = "detected";
  }
  // The decoder strips a matching BOM itself.
  return { text: decodeBytes(bytes, charset), charset, charsetSource };
}
