#!/usr/bin/env node
// The soro command: loads the TypeScript sources through tsx (no build step) and runs the CLI.
import { register } from "tsx/esm/api";

register();
const { main, exitOnInterrupt } = await import("../src/main.ts");
exitOnInterrupt();
process.exitCode = await main(process.argv);
