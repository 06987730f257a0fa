import type { Readable, Transform } from "node:stream";
import { binaryReason } from "@soro/core";
import iconv from "iconv-lite";
import { type DetectedEncoding, detectEncoding, RecordDecoder, SNIFF_BYTES } from "./encoding.js";
import { type Input, readHead } from "./input.js";

/** Input that is not text; its reason is quarantined. */
export class NotTextError extends Error {}

/** A line of a text input with its 1-based number and the byte offset it starts at (-1 in UTF-16 files). */
export type Line =
  | { n: number; offset: number; line: string; encoding: string; badBytes: number }
  /** A line too long to keep: its length in `unit`s. */
  | { n: number; offset: number; tooLong: number; unit: "characters" | "bytes" }
  /** A line no encoding reads, and why. */
  | { n: number; offset: number; undecodable: string };

/** Why a line was set aside, for its quarantine entry (null for a line that was read). */
export function lineProblem(l: Line, maxChars: number): string | null {
  if ("tooLong" in l) return `line of ${l.tooLong} ${l.unit} is over the ${maxChars} limit`;
  if ("undecodable" in l) return l.undecodable;
  return null;
}

/** A text input as lines; `detected` is what its head shows (a UTF-16 file is read in that encoding throughout). */
export interface TextLines {
  detected: DetectedEncoding;
  lines: AsyncIterable<Line>;
}

/**
 * Opens an input as lines, refusing binary junk with NotTextError. UTF-16 (a BOM or its shape) is decoded as a
 * stream; anything else is split into lines as bytes and each line is decoded on its own (RecordDecoder), so a
 * bad line costs that line. A charset `label` from HTML/XML counts for lines that are not UTF-8.
 */
export async function openLines(input: Input, maxChars: number, label?: string | null): Promise<TextLines> {
  const head = await readHead(input, SNIFF_BYTES);
  const detected = detectEncoding(head, label);
  if (detected.encoding.startsWith("utf-16")) {
    const raw = input.open();
    const chunks = raw.pipe(iconv.decodeStream(detected.encoding) as unknown as Transform);
    // pipe() does not pass errors on: a broken or over-budget stream must fail the read, not hang it.
    raw.on("error", (err) => chunks.destroy(err));
    return { detected, lines: utf16Lines(chunks as AsyncIterable<string>, maxChars, detected.encoding) };
  }
  const why = binaryReason(head);
  if (why) throw new NotTextError(why);
  return { detected, lines: decodedLines(input.open(), maxChars, new RecordDecoder(label)) };
}

/** Lines of a UTF-16 stream (no byte offsets: the stream is decoded before it is split). */
async function* utf16Lines(
  chunks: AsyncIterable<string>,
  maxChars: number,
  encoding: string,
): AsyncGenerator<Line> {
  for await (const l of lines(chunks, maxChars)) {
    if ("tooLong" in l) yield { n: l.n, offset: -1, tooLong: l.tooLong, unit: "characters" };
    else yield { n: l.n, offset: -1, line: l.line, encoding, badBytes: 0 };
  }
}

/** Byte lines decoded one by one; a line is held as bytes up to 4 bytes a character, then checked in characters. */
async function* decodedLines(
  stream: Readable,
  maxChars: number,
  decoder: RecordDecoder,
): AsyncGenerator<Line> {
  for await (const l of byteLines(stream, 4 * maxChars)) {
    if ("tooLong" in l) {
      yield { ...l, unit: "bytes" };
      continue;
    }
    const end = l.bytes[l.bytes.length - 1] === 0x0d ? l.bytes.length - 1 : l.bytes.length;
    const d = decoder.decode(l.bytes.subarray(0, end), l.offset);
    if (typeof d === "string") yield { n: l.n, offset: l.offset, undecodable: d };
    else if (d.text.length > maxChars)
      yield { n: l.n, offset: l.offset, tooLong: d.text.length, unit: "characters" };
    else yield { n: l.n, offset: l.offset, line: d.text, encoding: d.encoding, badBytes: d.badBytes };
  }
}

/**
 * Splits a byte stream at LF without holding more than `maxBytes` of one line: a longer line is reported by number
 * and length and skipped, and reading goes on after it. Each line comes with the byte offset it starts at.
 */
export async function* byteLines(
  stream: AsyncIterable<Buffer>,
  maxBytes: number,
): AsyncGenerator<
  { n: number; offset: number; bytes: Buffer } | { n: number; offset: number; tooLong: number }
> {
  let n = 1;
  let offset = 0;
  let pos = 0;
  let pending: Buffer[] = [];
  let size = 0;
  let overflow = 0;
  for await (const chunk of stream) {
    let start = 0;
    while (true) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (overflow > 0 || size + end - start > maxBytes) {
        overflow += size + end - start;
        pending = [];
        size = 0;
      } else if (end > start) {
        pending.push(chunk.subarray(start, end));
        size += end - start;
      }
      if (nl === -1) break;
      yield overflow > 0
        ? { n, offset, tooLong: overflow }
        : { n, offset, bytes: Buffer.concat(pending, size) };
      n++;
      offset = pos + nl + 1;
      pending = [];
      size = 0;
      overflow = 0;
      start = nl + 1;
    }
    pos += chunk.length;
  }
  if (overflow > 0) yield { n, offset, tooLong: overflow };
  else if (size > 0) yield { n, offset, bytes: Buffer.concat(pending, size) };
}

/** A line of a text stream with its 1-based number, or the number of a line too long to keep. */
export type StringLine = { n: number; line: string } | { n: number; tooLong: number };

/**
 * Splits text chunks into lines without ever holding more than `maxChars` of one line: a longer line (a 2 GB
 * single-line file) is reported by number and length and skipped, and reading goes on after it.
 */
export async function* lines(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<StringLine> {
  let n = 1;
  let pending = "";
  let overflow = 0;
  for await (const chunk of chunks) {
    let start = 0;
    while (start <= chunk.length) {
      const nl = chunk.indexOf("\n", start);
      const piece = chunk.slice(start, nl === -1 ? chunk.length : nl);
      if (overflow > 0 || pending.length + piece.length > maxChars) {
        overflow += pending.length + piece.length;
        pending = "";
      } else pending += piece;
      if (nl === -1) break;
      yield overflow > 0 ? { n, tooLong: overflow } : { n, line: pending.replace(/\r$/, "") };
      n++;
      pending = "";
      overflow = 0;
      start = nl + 1;
    }
  }
  if (overflow > 0) yield { n, tooLong: overflow };
  else if (pending !== "") yield { n, line: pending.replace(/\r$/, "") };
}

/**
 * What the lines of one document were decoded from, for its meta: `encoding` is the one most of its non-ASCII
 * text was in (utf-8 for ASCII), `encodings` appears when lines differ, `bad_bytes` counts bytes lost to U+FFFD.
 */
export class EncodingTally {
  private readonly weights = new Map<string, number>();
  private bad = 0;

  constructor(private readonly fallback: string) {}

  add(l: { line: string; encoding: string; badBytes: number }): void {
    this.bad += l.badBytes;
    let nonAscii = 0;
    for (let i = 0; i < l.line.length; i++) if (l.line.charCodeAt(i) >= 0x80) nonAscii++;
    if (nonAscii > 0) this.weights.set(l.encoding, (this.weights.get(l.encoding) ?? 0) + nonAscii);
  }

  meta(): { encoding: string; bad_bytes: number; encodings?: string[] } {
    const ranked = [...this.weights].sort((a, b) => b[1] - a[1]).map(([e]) => e);
    return {
      encoding: ranked[0] ?? this.fallback,
      bad_bytes: this.bad,
      ...(ranked.length > 1 ? { encodings: ranked } : {}),
    };
  }
}
