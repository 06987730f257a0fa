import type { Transform } from "node:stream";
import iconv from "iconv-lite";
import { type DetectedEncoding, detectEncoding, SNIFF_BYTES } from "./encoding.js";
import { type Input, readHead } from "./input.js";

/** An input decoded to text: what encoding it was in, and its text in chunks. */
export interface TextStream {
  detected: DetectedEncoding;
  chunks: AsyncIterable<string>;
}

/** Input that is not text; its reason is quarantined. */
export class NotTextError extends Error {}

/**
 * Detects an input's encoding from its head (a charset `label` from HTML/XML counts when the bytes are not UTF-8)
 * and decodes it as a stream, BOM dropped. Binary junk is refused with NotTextError.
 */
export async function openText(input: Input, label?: (head: Buffer) => string | null): Promise<TextStream> {
  const head = await readHead(input, SNIFF_BYTES);
  const detected = detectEncoding(head, label?.(head));
  if (!detected.encoding.startsWith("utf-16")) {
    const why = binaryReason(iconv.decode(head, detected.encoding));
    if (why) throw new NotTextError(why);
  }
  const raw = input.open();
  const decoded = raw.pipe(iconv.decodeStream(detected.encoding) as unknown as Transform);
  // pipe() does not pass errors on: a broken or over-budget stream must fail the read, not hang it.
  raw.on("error", (err) => decoded.destroy(err));
  return { detected, chunks: decoded as AsyncIterable<string> };
}

/** Why a decoded sample is not text (NUL bytes, many control characters), or null when it is. */
function binaryReason(sample: string): string | null {
  if (sample.includes("\0")) return "binary content (NUL bytes), not text";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: counting control characters is the point
  const controls = sample.match(/[\x01-\x08\x0b\x0e-\x1f\x7f]/g)?.length ?? 0;
  if (controls > 0.005 * sample.length) return "binary content (control characters), not text";
  return null;
}

/** A line of a text stream with its 1-based number, or the number of a line too long to keep. */
export type Line = { n: number; line: string } | { n: number; tooLong: number };

/**
 * Splits text chunks into lines without ever holding more than `maxChars` of one line: a longer line (a 2 GB
 * single-line file) is reported by number and length and skipped, and reading goes on after it.
 */
export async function* lines(chunks: AsyncIterable<string>, maxChars: number): AsyncGenerator<Line> {
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
