import {
  charsetLabel,
  checkUtf8,
  decodeBytes,
  defined,
  type GuessedBy,
  guessCharset,
  legacyReadings,
  lexiconHits,
  readingWords,
} from "@soro/core";

/** What encoding detection found for a whole file (or its head), as recorded in each document's meta. */
export interface DetectedEncoding {
  /** A name core's decodeBytes and iconv-lite both read: utf-8, utf-16le/be, windows-1251, koi8-r, koi8-t, ... */
  encoding: string;
  /** A byte-order mark was present (and is dropped from the text). */
  bom: boolean;
  /** How it was decided: a BOM, the UTF-16 shape, an HTML/XML charset label, or core's guessCharset. */
  by: "bom" | "label" | "utf-16-pattern" | GuessedBy;
}

/** How much of a file detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Detects a text's encoding from its first bytes (see SNIFF_BYTES): BOM, UTF-16 shape, valid UTF-8, a declared
 * label, then the Cyrillic code page whose reading holds the most Tajik and Russian words.
 */
export function detectEncoding(sample: Uint8Array, label?: string | null): DetectedEncoding {
  const bom = bomEncoding(sample);
  if (bom) return { encoding: bom, bom: true, by: "bom" };
  const utf16 = utf16Order(sample);
  if (utf16) return { encoding: utf16, bom: false, by: "utf-16-pattern" };
  const guess = guessCharset(sample, true);
  if (guess.by === "utf-8") return { encoding: "utf-8", bom: false, by: "utf-8" };
  const labelled = legacyLabel(label);
  if (labelled) return { encoding: labelled, bom: false, by: "label" };
  return { encoding: guess.charset, bom: false, by: guess.by };
}

/** The encoding a byte-order mark announces, or null. */
export function bomEncoding(bytes: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}

/** A declared charset worth trusting over the bytes' own evidence: a known 8-bit one (UTF-8 and UTF-16 labels lie often). */
function legacyLabel(label: string | null | undefined): string | null {
  const l = charsetLabel(label);
  return l && l !== "utf-8" && !l.startsWith("utf-16") ? l : null;
}

/** UTF-16 without a BOM: one byte of each pair is nearly always 0x00 (Latin) or 0x04 (Cyrillic). */
export function utf16Order(sample: Uint8Array): "utf-16le" | "utf-16be" | null {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 8) return null;
  let hiOdd = 0;
  let hiEven = 0;
  for (let i = 0; i < pairs; i++) {
    const even = sample[2 * i] as number;
    const odd = sample[2 * i + 1] as number;
    if ((odd === 0 || odd === 4) && even !== 0) hiOdd++;
    if ((even === 0 || even === 4) && odd !== 0) hiEven++;
  }
  if (hiOdd / pairs > 0.9) return "utf-16le";
  if (hiEven / pairs > 0.9) return "utf-16be";
  return null;
}

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A record decoded: its text, the encoding it was read in, how that was decided and how many bytes were lost. */
export interface DecodedRecord {
  text: string;
  encoding: string;
  by: "utf-8" | "label" | "lexicon" | "file" | "lossy";
  /** Bytes that fit no character of the encoding, each replaced by U+FFFD. */
  badBytes: number;
}

/**
 * Decodes the records (lines) of one file one by one, so one bad record costs that record and never its file.
 * UTF-8 when a record is valid UTF-8. Otherwise a declared 8-bit charset; else UTF-8 with replacements when at
 * most 1% of the bytes are broken and no legacy reading holds more Tajik and Russian words; else the code page
 * whose reading holds the most such words; else the code page earlier records of the file were shown to be in.
 * With no such evidence the record cannot be decoded, and `decode` says why.
 */
export class RecordDecoder {
  private prior: string | null = null;
  private readonly declared: string | null;

  constructor(label?: string | null) {
    this.declared = legacyLabel(label);
  }

  /** Decodes one record that starts at byte `offset` of the file; a string is the reason it cannot be read. */
  decode(bytes: Uint8Array, offset: number): DecodedRecord | string {
    // Nearly every record is valid UTF-8: the native fatal decoder settles it; the byte walk is for the rest.
    try {
      return { text: FATAL_UTF8.decode(bytes), encoding: "utf-8", by: "utf-8", badBytes: 0 };
    } catch {
      // Not valid UTF-8: weigh the readings below.
    }
    if (this.declared) return this.single(bytes, this.declared, "label");
    const utf8 = checkUtf8(bytes);
    const best = defined(legacyReadings(bytes)[0], "a legacy reading");
    const words = readingWords(best);
    // A few broken bytes in a UTF-8 record (a cut, a stray byte) cost those bytes, not the record, unless a
    // legacy reading holds more known words than the UTF-8 one.
    if (utf8.invalid <= Math.max(1, bytes.length / 100)) {
      const text = decodeBytes(bytes, "utf-8");
      if (words <= readingWords(lexiconHits(text)))
        return { text, encoding: "utf-8", by: "lossy", badBytes: utf8.invalid };
    }
    if (words > 0) {
      this.prior = best.charset;
      return this.single(bytes, best.charset, "lexicon");
    }
    if (this.prior) return this.single(bytes, this.prior, "file");
    return (
      `not UTF-8 (${utf8.invalid} invalid bytes, the first at byte offset ${offset + utf8.firstInvalid}) and ` +
      "no Tajik or Russian word in its windows-1251, KOI8-R or KOI8-T reading: convert it to UTF-8 (iconv -f CHARSET -t UTF-8)"
    );
  }

  private single(bytes: Uint8Array, charset: string, by: DecodedRecord["by"]): DecodedRecord {
    const text = decodeBytes(bytes, charset);
    let bad = 0;
    for (let i = text.indexOf("\uFFFD"); i >= 0; i = text.indexOf("\uFFFD", i + 1)) bad++;
    return { text, encoding: charset, by, badBytes: bad };
  }
}
