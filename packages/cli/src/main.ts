import { pathToFileURL } from "node:url";
import { firstLine, SoroError } from "@soro/core";
import { CommanderError } from "commander";
import { buildProgram } from "./program.js";

/** Runs the CLI and maps errors to one line on stderr and an exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = (await buildProgram(argv)).exitOverride();
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof SoroError) {
      console.error(err.oneLine());
      if (process.env.SORO_DEBUG) console.error(err.stack);
      return err.exitCode;
    }
    console.error(
      `soro: unexpected error: ${firstLine((err as Error).message ?? String(err))} (set SORO_DEBUG=1 for the stack)`,
    );
    if (process.env.SORO_DEBUG) console.error((err as Error).stack);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv);
}
