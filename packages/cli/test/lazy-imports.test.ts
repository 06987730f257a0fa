import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_CRAWL } from "@soro/crawl/defaults";
import { expect, it } from "vitest";
import { runSoro } from "./soro-process.js";

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

it("the light `defaults` modules the help reads import nothing but types", () => {
  const packages = path.resolve(src, "../..");
  const heavy: string[] = [];
  for (const pkg of readdirSync(packages)) {
    const file = path.join(packages, pkg, "src", "defaults.ts");
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, "utf8").matchAll(/^import (?!type )[^;]*?from "([^"]+)";/gms))
      heavy.push(`${pkg}/src/defaults.ts: ${m[1]}`);
  }
  expect(heavy).toEqual([]);
});

it("`soro crawl --help` shows the crawl's defaults", () => {
  const r = runSoro(["crawl", "--help"]);
  expect(r.code).toBe(0);
  const help = r.stdout.replace(/\s+/g, " ");
  expect(help).toContain(`requests in flight across hosts (default: ${DEFAULT_CRAWL.concurrency})`);
  expect(help).toContain(`(default: ${DEFAULT_CRAWL.politeness.minDelayMs})`);
  expect(help).toContain(`default: ${DEFAULT_CRAWL.fetch.userAgent})`);
});
