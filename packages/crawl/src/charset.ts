/** How a page's character set was decided. */
export type CharsetSource = "bom" | "header" | "meta" | "detected" | "default";

/** Labels the WHATWG decoder knows, normalised; unknown labels fall through to the next source. */
function knownLabel(label: string | undefined | null): string | null {
  if (!label) return null;
  const l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "");
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

/** The charset parameter of a Content-Type header. */
export function headerCharset(contentType: string | null | undefined): string | null {
  const m = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? "");
  return knownLabel(m?.[2]);
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
    const label = knownLabel(direct?.[1]);
    if (label) return label === "utf-16le" || label === "utf-16be" ? "utf-8" : label;
  }
  return null;
}

/** Lowercase Cyrillic letters of a Russian/Tajik text are far more common than capitals. */
function cyrillicLowerShare(text: string): number {
  let lower = 0;
  let upper = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x430 && c <= 0x44f) lower++;
    else if (c >= 0x410 && c <= 0x42f) upper++;
  }
  return lower + upper === 0 ? 0 : lower / (lower + upper);
}

/**
 * Guesses the charset of undeclared bytes: UTF-8 when they are valid UTF-8, else windows-1251 or KOI8-R.
 * The two Cyrillic encodings swap the lowercase and uppercase blocks, so the one giving mostly lowercase wins.
 */
export function detectCharset(bytes: Uint8Array): string {
  const sample = bytes.subarray(0, 64 * 1024);
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample);
    return "utf-8";
  } catch {
    // Not UTF-8 (or cut mid-character at the sample end, which the single-byte scores below still handle).
  }
  let high = 0;
  for (const b of sample) if (b >= 0xc0) high++;
  if (high === 0) return "windows-1252";
  const cp = cyrillicLowerShare(new TextDecoder("windows-1251").decode(sample));
  const koi = cyrillicLowerShare(new TextDecoder("koi8-r").decode(sample));
  return koi > cp ? "koi8-r" : "windows-1251";
}

/** Decodes a response body: BOM, then Content-Type header, then `<meta>` prescan, then detection. */
export function decodeBody(
  bytes: Uint8Array,
  contentType?: string | null,
): { text: string; charset: string; charsetSource: CharsetSource } {
  let charset: string | null = bomCharset(bytes);
  let charsetSource: CharsetSource = "bom";
  if (!charset) {
    charset = headerCharset(contentType);
    charsetSource = "header";
  }
  if (!charset) {
    charset = metaCharset(bytes);
    charsetSource = "meta";
  }
  if (!charset) {
    charset = detectCharset(bytes);
    charsetSource = "detected";
  }
  // TextDecoder strips a matching BOM itself.
  return { text: new TextDecoder(charset).decode(bytes), charset, charsetSource };
}
