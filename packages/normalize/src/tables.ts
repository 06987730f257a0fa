import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";
import { gunzipSync } from "node:zlib";
import { escapeRegex } from "@soro/core";

/** Location of a data file shipped with this package. */
export function dataFile(name: string): URL {
  return new URL(`../data/${name}`, import.meta.url);
}

/** Rows of a tab-separated file (an absolute path, or a data file of this package), skipping `#` comments and blank lines. */
export function readTable(name: string): string[][] {
  const raw = readFileSync(isAbsolute(name) ? name : dataFile(name));
  const text = (name.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
  return text
    .split("\n")
    .filter((l) => l.length > 0 && !l.startsWith("#"))
    .map((l) => l.split("\t"));
}

/** A two-column data file as a map from its first column to its second. */
export function readCharMap(name: string): Map<string, string> {
  return new Map(readTable(name).map(([from = "", to = ""]) => [from, to]));
}

/** A global regex matching any key of `map` (longest first, so digraphs win over single letters). */
export function keysRegex(map: Map<string, string>, flags = "gu"): RegExp {
  const keys = [...map.keys()].sort((a, b) => b.length - a.length).map(escapeRegex);
  return new RegExp(keys.join("|"), flags);
}
