import { pathToFileURL } from "node:url";
import { asShardError, describeError, diskFullError, SoroError } from "@soro/core/base";
import { type Command, CommanderError } from "commander";
import { buildProgram, VALUE_OPTIONS } from "./program.js";

/** Commander errors that are the user's typing: one line, exit code 2 (README: usage errors are 2). */
const USAGE_CODES = new Set([
  "commander.unknownOption",
  "commander.unknownCommand",
  "commander.missingArgument",
  "commander.optionMissingArgument",
  "commander.missingMandatoryOptionValue",
  "commander.excessArguments",
  "commander.invalidArgument",
  "commander.conflictingOption",
  "commander.error",
]);

/** The words of the command argv names (`sft users add`), as far as the program knows them. */
export function commandPath(program: Command, argv: string[]): string[] {
  const words: string[] = [];
  let cmd: Command = program;
  let skipValue = false;
  for (const arg of argv.slice(2)) {
    if (skipValue) {
      skipValue = false;
      continue;
    }
    if (VALUE_OPTIONS.has(arg)) skipValue = true;
    if (arg.startsWith("-")) continue;
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) continue; // an argument or an option's value
    words.push(arg);
    cmd = sub;
  }
  return words;
}

/** Runs the CLI and maps errors to one line on stderr (`printError`) and an exit code. */
export async function main(
  argv: string[],
  printError = (line: string) => console.error(line),
): Promise<number> {
  let program: Command | undefined;
  try {
    program = await buildProgram(argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (caught) {
    if (caught instanceof CommanderError) {
      const err = caught;
      if (err.code === "commander.help") return 2; // a command group run without its subcommand: help shown
      if (!USAGE_CODES.has(err.code)) return err.exitCode;
      const words = program ? commandPath(program, argv) : [];
      printError(
        `soro${words.length ? ` ${words.join(" ")}` : ""}: ${err.message.replace(/^error:\s*/i, "").split("\n")[0]}: see \`soro ${[...words, "--help"].join(" ")}\``,
      );
      return 2;
    }
    const err = diskFullError(caught) ?? caught;
    const known = err instanceof SoroError ? err : asShardError(err);
    if (known) {
      printError(known.oneLine());
      if (process.env.SORO_DEBUG) printError(String(known.stack));
      return known.exitCode;
    }
    printError(`soro: unexpected error: ${describeError(err)} (set SORO_DEBUG=1 for the stack)`);
    if (process.env.SORO_DEBUG) printError(String((err as Error)?.stack ?? ""));
    return 1;
  }
}

/**
 * Ctrl+C: state is committed input by input, so the same command resumes. A command that stops gracefully on
 * SIGINT itself (the review server) has its own listener, and then this one stays quiet.
 */
export function exitOnInterrupt(): void {
  process.on("SIGINT", () => {
    if (process.listenerCount("SIGINT") > 1) return;
    console.error("\ninterrupted: rerun the same command to resume");
    process.exit(130);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `pnpm -w soro` runs this file in the repository root: go back to the folder the command was typed in (pnpm's
  // INIT_CWD, a package folder too), so relative paths and the workspace search start there, as for the built `soro`.
  if (process.env.npm_lifecycle_event === "soro" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  exitOnInterrupt();
  process.exitCode = await main(process.argv);
}
