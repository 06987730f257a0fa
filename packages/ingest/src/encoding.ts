import iconv from "iconv-lite";

/** Encodings the ingest stage tells apart; the names are iconv-lite's. */
export type TextEncoding = "utf-8" | "utf-16le" | "utf-16be" | "windows-1251" | "koi8-r" | "koi8-t";

/** What encoding detection found for a file, as recorded in each document's meta. */
export interface DetectedEncoding {
  encoding: TextEncoding;
  /** A byte-order mark was present (and is dropped from the text). */
  bom: boolean;
  /** How it was decided: a BOM, valid UTF-8, an HTML/XML charset label, or scoring Cyrillic decodings. */
  by: "bom" | "utf-8" | "label" | "utf-16-pattern" | "cyrillic-score";
}

/** How much of a file detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

const LEGACY: TextEncoding[] = ["windows-1251", "koi8-r", "koi8-t"];

/** Detects a text's encoding from its first bytes (see SNIFF_BYTES): BOM, UTF-16 shape, valid UTF-8, then the likeliest 8-bit Cyrillic code page. */
export function detectEncoding(sample: Uint8Array, label?: string | null): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { encoding: "utf-8", bom: true, by: "bom" };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: "utf-16le", bom: true, by: "bom" };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: "utf-16be", bom: true, by: "bom" };
  const utf16 = utf16Order(sample);
  if (utf16) return { encoding: utf16, bom: false, by: "utf-16-pattern" };
  if (isUtf8(sample)) return { encoding: "utf-8", bom: false, by: "utf-8" };
  const labelled = label ? normaliseLabel(label) : null;
  if (labelled && labelled !== "utf-8") return { encoding: labelled, bom: false, by: "label" };
  let best: TextEncoding = "windows-1251";
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const enc of LEGACY) {
    const score = cyrillicScore(iconv.decode(Buffer.from(sample), enc));
    if (score > bestScore) {
      best = enc;
      bestScore = score;
    }
  }
  return { encoding: best, bom: false, by: "cyrillic-score" };
}

/** Maps a charset label (HTML meta, XML declaration) to a known encoding, or null. */
export function normaliseLabel(label: string): TextEncoding | null {
  const l = label.trim().toLowerCase().replace(/_/g, "-");
  if (l === "utf-8" || l === "utf8") return "utf-8";
  if (l === "utf-16" || l === "utf-16le") return "utf-16le";
  if (l === "utf-16be") return "utf-16be";
  if (["windows-1251", "cp1251", "x-cp1251", "win-1251"].includes(l)) return "windows-1251";
  if (l === "koi8-r" || l === "koi8r") return "koi8-r";
  if (l === "koi8-t" || l === "koi8t") return "koi8-t";
  return null;
}

/** Whether the bytes are valid UTF-8, ignoring a sequence cut at the end of the sample. */
function isUtf8(sample: Uint8Array): boolean {
  let end = sample.length;
  // Back off over a multi-byte sequence the sample boundary may have cut.
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = sample[end - i]!;
    if (b >= 0xc0) {
      end -= i;
      break;
    }
    if (b < 0x80) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** UTF-16 without a BOM: one byte of each pair is nearly always 0x00 (Latin) or 0x04 (Cyrillic). */
function utf16Order(sample: Uint8Array): "utf-16le" | "utf-16be" | null {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 8) return null;
  let hiOdd = 0;
  let hiEven = 0;
  for (let i = 0; i < pairs; i++) {
    const even = sample[2 * i]!;
    const odd = sample[2 * i + 1]!;
    if ((odd === 0 || odd === 4) && even !== 0) hiOdd++;
    if ((even === 0 || even === 4) && odd !== 0) hiEven++;
  }
  if (hiOdd / pairs > 0.9) return "utf-16le";
  if (hiEven / pairs > 0.9) return "utf-16be";
  return null;
}

/**
 * How much a decoding looks like Cyrillic prose: lower-case letters score, capitals inside a word (what the other
 * KOI8/1251 case layout produces) and box-drawing or control characters (KOI8-R's reading of KOI8-T's Tajik
 * letters) cost.
 */
function cyrillicScore(text: string): number {
  let score = 0;
  let prevLetter = false;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const cyr = c >= 0x400 && c <= 0x4ff;
    if (cyr) {
      const lower = ch !== ch.toUpperCase();
      score += lower ? 1 : prevLetter ? -2 : 0;
    } else if ((c >= 0x2500 && c <= 0x25ff) || (c >= 0x80 && c < 0xa0) || c === 0xfffd) score -= 3;
    else if (c >= 0x2190 && c <= 0x22ff) score -= 2;
    prevLetter = cyr || /\p{L}/u.test(ch);
  }
  return score;
}
