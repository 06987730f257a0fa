import * as buffer from "node:buffer";

/**
 * Below this many bytes a text is decoded by TextDecoder: ICU's transcode costs 2-4 µs a call whatever the length,
 * TextDecoder ~4 ns a byte of Cyrillic (V8's UTF-8 decoder in Node 20), so they meet at a few hundred bytes.
 */
const TRANSCODE_FROM = 1024;

const decoder = new TextDecoder();
/** Absent from a Node built without ICU. */
const transcode: typeof buffer.transcode | undefined = buffer.transcode;

/**
 * The string of a valid UTF-8 text, exactly as `new TextDecoder().decode(bytes)` gives it (a leading byte order
 * mark dropped). A long text goes through ICU (UTF-8 to UTF-16, then a copy into the string): ~0.6 ns a byte where
 * V8's decoder, which TextDecoder and DuckDB's value reader use, takes ~4 ns a byte of Tajik text; reading the text
 * of a shard into JavaScript was the largest part of a text stage's shard I/O. Bytes ICU refuses (invalid UTF-8,
 * which DuckDB's VARCHAR never holds) go to TextDecoder, which replaces them as before.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  if (bytes.length < TRANSCODE_FROM || !transcode) return decoder.decode(bytes);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  try {
    return transcode(bom ? bytes.subarray(3) : bytes, "utf8", "ucs2").toString("ucs2");
  } catch {
    return decoder.decode(bytes);
  }
}
