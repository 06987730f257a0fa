import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";

const src = path.resolve(import.meta.dirname, "../src");

/** Workspace modules the CLI may load at start: no DuckDB, pdfjs, tokenizer, cheerio or worker pool behind them. */
const LIGHT = /^@soro\/(core\/base|[a-z-]+\/defaults)$/;

it("command modules import stage packages only inside their actions, so `soro --help` loads none", () => {
  const files = ["main.ts", "program.ts", "context.ts", "table.ts"]
    .map((f) => path.join(src, f))
    .concat(readdirSync(path.join(src, "commands")).map((f) => path.join(src, "commands", f)));
  const eager: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    // Top-level value imports (`import type` is erased) of a workspace package.
    for (const m of text.matchAll(/^import (?!type )[^;]*?from "(@soro\/[^"]+)";/gms))
      if (!LIGHT.test(m[1]!)) eager.push(`${path.relative(src, file)}: ${m[1]}`);
  }
  expect(files.length).toBeGreaterThan(10);
  expect(eager).toEqual([]);
});
