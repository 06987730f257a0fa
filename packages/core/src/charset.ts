import iconv from "iconv-lite";
import { defined } from "./errors.js";

/**
 * Character sets of undeclared text, shared by every stage that reads bytes (ingest, crawl) and by normalize's
 * repair of text decoded with the wrong one. KOI8-T (glibc's 8-bit code page for tg_TJ) is not a WHATWG encoding,
 * so TextDecoder cannot read it; iconv-lite's table for it matches `iconv -f KOI8-T` byte for byte.
 */

/** The 8-bit Cyrillic code pages Tajik and Russian text arrives in without a label, in the order ties go. */
export const LEGACY_CHARSETS = ["windows-1251", "koi8-r", "koi8-t"] as const;
/** One of LEGACY_CHARSETS. */
export type LegacyCharset = (typeof LEGACY_CHARSETS)[number];

/**
 * The canonical name of a charset label (HTTP header, `<meta>`, XML declaration), or null when unknown: every
 * label TextDecoder knows, plus KOI8-T.
 */
export function charsetLabel(label: string | null | undefined): string | null {
  if (!label) return null;
  const l = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "")
    .replace(/_/g, "-");
  if (l === "koi8-t" || l === "koi8t") return "koi8-t";
  try {
    return new TextDecoder(l).encoding;
  } catch {
    return null;
  }
}

/** Decodes bytes in a charset named by charsetLabel (a UTF-8 or UTF-16 byte order mark is dropped). */
export function decodeBytes(bytes: Uint8Array, charset: string): string {
  if (charset === "koi8-t")
    return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), charset);
  return new TextDecoder(charset).decode(bytes);
}

/** Encodes text in a charset decodeBytes reads (single-byte pages: an unmappable character becomes `?`). */
export function encodeText(text: string, charset: string): Buffer {
  return iconv.encode(text, charset);
}

/** What a UTF-8 check found: bytes that are no part of a valid sequence, the first one's offset, multi-byte letters. */
export interface Utf8Check {
  invalid: number;
  /** Offset of the first invalid byte, -1 when there is none. */
  firstInvalid: number;
  /** Valid sequences of two to four bytes. */
  multibyte: number;
}

/**
 * Checks bytes as UTF-8 and counts the bytes no valid sequence covers (a broken sequence counts its lead byte and
 * the continuation bytes that still fitted). With `cutEnd`, a sequence cut off by the end of a sample is not counted.
 */
export function checkUtf8(bytes: Uint8Array, cutEnd = false): Utf8Check {
  let invalid = 0;
  let firstInvalid = -1;
  let multibyte = 0;
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    }
    let got = 0;
    if (need > 0)
      while (got < need && i + 1 + got < n) {
        const c = bytes[i + 1 + got] ?? 0;
        if (c < (got === 0 ? lo : 0x80) || c > (got === 0 ? hi : 0xbf)) break;
        got++;
      }
    if (need > 0 && got === need) {
      multibyte++;
      i += need + 1;
      continue;
    }
    if (cutEnd && need > 0 && i + 1 + got === n) break;
    if (firstInvalid < 0) firstInvalid = i;
    invalid += 1 + got;
    i += 1 + got;
  }
  return { invalid, firstInvalid, multibyte };
}

// Frequent words, each common in running text of its language; the lists overlap only where both languages
// share a word, which does not matter here: a reading is judged by how many of its words either language knows.
const TAJIK_WORDS = new Set(
  (
    "ва дар аз ба ки ин бо он аст барои мо як то ҳам ҳар низ мебошад мешавад мебошанд карда кард шуд шуда " +
    "шудааст буд буданд дорад доранд бояд дигар онҳо худ худро соли сол ҳамаи инчунин зиёд ҳоло яъне танҳо " +
    "боз ё агар аммо вале чун чӣ кӣ ҳеҷ ҳамчун баъд пас пеш байни тавассути бар ҷиҳати доир оид вай ӯ ман " +
    "шумо мекунад мекунанд намуда намудани кардани гардид гардида ҳамин ҳамон чунин хеле бисёр нест ҳастанд " +
    "тоҷикистон ҷумҳурии кишвар давлат ҳукумати рӯз кор мардум имрӯз ҳақ ҳуқуқи"
  ).split(" "),
);
const RUSSIAN_WORDS = new Set(
  (
    "и в во не на что с со по как это для от к из о об он она они оно но а так все всё его её ее их был была " +
    "было были при или же у бы мы вы я то только уже если когда также может более после быть этого этом года " +
    "который которые которых которая где чем до есть нет ещё еще очень свою своей будет себя том"
  ).split(" "),
);

/**
 * How many words of a text the Tajik and the Russian word lists know (the first 64k characters are read). A word
 * is what lies between spaces, punctuation trimmed: a symbol inside it (KOI8-R's box drawing for a KOI8-T letter)
 * makes it no word, where splitting at non-letters would leave fragments such as `и` that Russian knows.
 */
export function lexiconHits(text: string): { tajik: number; russian: number } {
  let tajik = 0;
  let russian = 0;
  for (const m of text.slice(0, 65536).toLowerCase().matchAll(/\S+/g)) {
    const w = m[0].replace(/^\p{P}+|\p{P}+$/gu, "");
    if (TAJIK_WORDS.has(w)) tajik++;
    if (RUSSIAN_WORDS.has(w)) russian++;
  }
  return { tajik, russian };
}

/**
 * How much a decoding looks like Cyrillic prose, used only to break a tie in lexicon hits: small letters score,
 * capitals inside a word (what the other case layout of KOI8 and cp1251 gives) and box-drawing or control
 * characters (KOI8-R's reading of KOI8-T's Tajik letters) cost.
 */
function letterShape(text: string): number {
  let score = 0;
  let prevLetter = false;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
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

/** One legacy reading of some bytes, with the evidence for it. */
export interface LegacyReading {
  charset: LegacyCharset;
  text: string;
  /** Words the Tajik and the Russian lists know. */
  tajik: number;
  russian: number;
  /** The letter-shape score that breaks ties in words. */
  shape: number;
}

/** Words either language knows in a reading. */
export const readingWords = (r: { tajik: number; russian: number }) => r.tajik + r.russian;

/**
 * The readings of bytes under each legacy Cyrillic code page, best first: most Tajik and Russian words known,
 * then letter shape, then LEGACY_CHARSETS order. Only the first 64 KiB are read.
 */
export function legacyReadings(bytes: Uint8Array): LegacyReading[] {
  const sample = bytes.subarray(0, 64 * 1024);
  const out = LEGACY_CHARSETS.map((charset) => {
    const text = decodeBytes(sample, charset);
    return { charset, text, ...lexiconHits(text), shape: letterShape(text) };
  });
  return out.sort(
    (a, b) =>
      readingWords(b) - readingWords(a) ||
      b.shape - a.shape ||
      LEGACY_CHARSETS.indexOf(a.charset) - LEGACY_CHARSETS.indexOf(b.charset),
  );
}

/** How guessCharset decided. */
export type GuessedBy = "utf-8" | "lexicon" | "letters" | "latin";

/**
 * The charset of undeclared bytes (the first 64 KiB are read): UTF-8 when they are valid UTF-8 (a sequence cut
 * by the end allowed when the bytes are the `head` of something longer, or longer than the sample); else the Cyrillic code page under which most Tajik and Russian words appear;
 * with no such word, letter shape decides when the bytes hold Cyrillic letter codes (0xC0-0xFF), and
 * windows-1252 is the reading of what holds none.
 */
export function guessCharset(bytes: Uint8Array, head = false): { charset: string; by: GuessedBy } {
  const sample = bytes.subarray(0, 64 * 1024);
  if (checkUtf8(sample, head || sample.length < bytes.length).invalid === 0)
    return { charset: "utf-8", by: "utf-8" };
  const best = defined(legacyReadings(sample)[0], "a legacy reading of the sample");
  if (readingWords(best) > 0) return { charset: best.charset, by: "lexicon" };
  if (!sample.some((b) => b >= 0xc0)) return { charset: "windows-1252", by: "latin" };
  return { charset: best.charset, by: "letters" };
}

/** Why bytes (the head of a file or a response body) are not text (NUL bytes, many control characters), or null. */
export function binaryReason(head: Uint8Array): string | null {
  if (head.includes(0)) return "binary content (NUL bytes), not text";
  let controls = 0;
  for (const b of head)
    if ((b >= 0x01 && b <= 0x08) || b === 0x0b || (b >= 0x0e && b <= 0x1f) || b === 0x7f) controls++;
  if (controls > 0.005 * head.length) return "binary content (control characters), not text";
  return null;
}
