import type { XXHashAPI } from "xxhash-wasm";
import { foldForKey } from "./fold.js";

/**
 * The key hash of each line of a text (split on "\n", as SQL's string_split does), 0 for lines whose key is shorter
 * than `minChars`: those are never counted or removed, so blank lines and list markers survive.
 */
export function lineHashes(xx: XXHashAPI, text: string, minChars: number): bigint[] {
  return text.split("\n").map((line) => {
    const key = foldForKey(line);
    if (key.length < minChars) return 0n;
    const h = xx.h64(key);
    return h === 0n ? 1n : h;
  });
}
