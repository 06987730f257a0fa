import type { XXHashAPI } from "xxhash-wasm";
import { foldBuffer, foldInto } from "./fold.js";

/**
 * The key hash of each line of a text (split on "\n", as SQL's string_split does), 0 for lines whose key is shorter
 * than `minChars`: those are never counted or removed, so blank lines and list markers survive. Each line is folded
 * into the shared scratch buffer and its UTF-16 units hashed in place, so no key string is built.
 */
export function lineHashes(xx: XXHashAPI, text: string, minChars: number): bigint[] {
  const out: bigint[] = [];
  const buf = foldBuffer(text);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const n = foldInto(text.slice(start, end), buf);
    if (n < minChars) out.push(0n);
    else {
      const h = xx.h64Raw(bytes.subarray(0, n * 2));
      out.push(h === 0n ? 1n : h);
    }
    start = end + 1;
  }
  return out;
}
