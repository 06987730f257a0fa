// Builds the extraction bench's data folder from a bare git mirror of github.com/adbar/trafilatura (Apache-2.0):
// the annotated pages under tests/cache/ and tests/eval/ and, for each, the snippets its evaluation data says the
// main text must hold ("with") and must not hold ("without"). The pages are third-party and are never committed;
// the bench reads them by path (see packages/crawl/SOURCES.md).
// Usage: node --import tsx packages/crawl/scripts/trafilatura-eval.ts <mirror.git> <out-dir> [--commit SHA]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** The last commit whose tests/ still hold evaldata.py (its evaldata.json carries the same entries as JSON). */
const DEFAULT_COMMIT = "c1bc9531a2a978326112ca9987e1382745116136";

/** One entry of the evaluation data. */
interface EvalEntry {
  file: string;
  with: string[];
  without: string[];
}

/** One page of the bench's gold file. */
export interface GoldPage {
  url: string;
  /** The page's file under `pages/` (named by a hash of its URL; the original names hold spaces and accents). */
  file: string;
  /** Folder it came from in the mirror: cache or eval. */
  origin: string;
  with: string[];
  without: string[];
}

// Pages left out: 32-hex-digit file names carry no recorded provenance in the repository's tests/README.rst (the
// other pages are credited there), and BBC pages are kept out of this project altogether.
const EXCLUDED_FILE = /^[0-9a-f]{32}\.html$/;
const EXCLUDED_URL = /(^|\/\/|\.)bbc\.(com|co\.uk)\b/i;

function main(): void {
  const [mirror, out] = process.argv
    .slice(2)
    .filter((a, i, all) => !a.startsWith("--") && all[i - 1] !== "--commit");
  const ci = process.argv.indexOf("--commit");
  const commit = ci > 0 ? process.argv[ci + 1]! : DEFAULT_COMMIT;
  if (!mirror || !out) {
    console.error("usage: trafilatura-eval.ts <mirror.git> <out-dir> [--commit SHA]");
    process.exitCode = 2;
    return;
  }
  const git = (args: string[], input?: string) =>
    execFileSync("git", ["--git-dir", mirror, ...args], { input, maxBuffer: 1 << 30 });
  const entries = JSON.parse(git(["show", `${commit}:tests/evaldata.json`]).toString("utf8")) as Record<
    string,
    EvalEntry
  >;
  // Blob ids of every page, by folder and file name.
  const blobs = new Map<string, { origin: string; blob: string }>();
  for (const origin of ["eval", "cache"]) {
    const listing = git(["ls-tree", "-z", commit, `tests/${origin}/`]).toString("utf8");
    for (const row of listing.split("\0").filter(Boolean)) {
      const [meta, file] = row.split("\t") as [string, string];
      blobs.set(path.basename(file), { origin, blob: meta.split(" ")[2]! });
    }
  }
  mkdirSync(path.join(out, "pages"), { recursive: true });
  const gold: GoldPage[] = [];
  let missing = 0;
  let excluded = 0;
  for (const [url, e] of Object.entries(entries)) {
    if (EXCLUDED_FILE.test(e.file) || EXCLUDED_URL.test(url)) {
      excluded++;
      continue;
    }
    const found = blobs.get(e.file);
    if (!found) {
      missing++;
      continue;
    }
    const file = `${createHash("sha1").update(url).digest("hex").slice(0, 16)}.html`;
    writeFileSync(path.join(out, "pages", file), git(["cat-file", "blob", found.blob]));
    gold.push({ url, file, origin: found.origin, with: e.with, without: e.without });
  }
  writeFileSync(
    path.join(out, "gold.json"),
    `${JSON.stringify({ source: "github.com/adbar/trafilatura", commit, license: "Apache-2.0", pages: gold }, null, 1)}\n`,
  );
  console.log(
    `${gold.length} pages written to ${out} (${excluded} excluded by rule, ${missing} listed without a file) from ${commit}`,
  );
}

main();
