// Writes the e2e bench's documents (e2e-corpus.ts) to a folder, for tools of other packages that read them without
// depending on cli (normalize's profile: `normalize-profile.ts --e2e <dir>`).
// Usage: node --import tsx packages/cli/bench/write-e2e-corpus.ts <dir> [--size 20MB]
import { benchBytes, benchOption } from "@soro/core/testing";
import { tajikTextDir } from "@soro/samples";
import { writeCorpus } from "./e2e-corpus.js";

const dir = process.argv[2];
if (!dir || dir.startsWith("--")) throw new Error("usage: write-e2e-corpus.ts <dir> [--size 20MB]");
if (!tajikTextDir())
  throw new Error("no ../shared/tajik-text: the documents are built from it (set SORO_TAJIK_TEXT)");
const stats = await writeCorpus(dir, benchBytes(benchOption("size", "20MB")));
console.log(`${stats.docs} documents, ${(stats.textBytes / 1e6).toFixed(1)} MB of text -> ${dir}`);
