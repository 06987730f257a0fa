#!/usr/bin/env node
// The soro command: runs the JavaScript that `pnpm build` compiles into dist/ (`pnpm soro` runs the sources).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const entry = new URL("../dist/main.js", import.meta.url);
if (!existsSync(entry)) {
  console.error(`soro: ${fileURLToPath(entry)} is missing: run \`pnpm build\` in the soro-data repository`);
  process.exit(1);
}
// Stacks name the TypeScript lines only when asked for: loading the source maps costs start-up time.
if (process.env.SORO_DEBUG) process.setSourceMapsEnabled(true);
const { main, exitOnInterrupt } = await import(entry.href);
exitOnInterrupt();
process.exitCode = await main(process.argv);
