import { humanDuration } from "@soro/core/base";
import { Command } from "commander";
import { checkNumericOptions, DEFAULT_WAIT_SECONDS, waitSeconds, workerCount } from "./context.js";

type Register = (program: Command) => void;

/**
 * Every command module with the top-level commands it defines. A module is imported only when one of its commands
 * runs (or for the full help). Command modules import their stage packages inside their actions (pdfjs, DuckDB,
 * the tokenizer, the Kubernetes client load only for the command that uses them); at start-up they import only
 * `@soro/core/base` and the packages' `defaults` modules (test/lazy-imports.test.ts holds them to it).
 */
const MODULES: Array<{ commands: string[]; load: () => Promise<Register> }> = [
  {
    commands: ["init", "status", "sql", "verify"],
    load: async () => (await import("./commands/workspace.js")).registerWorkspaceCommands,
  },
  { commands: ["ingest"], load: async () => (await import("./commands/ingest.js")).registerIngestCommand },
  {
    commands: ["crawl", "extract"],
    load: async () => (await import("./commands/crawl.js")).registerCrawlCommands,
  },
  { commands: ["pdf"], load: async () => (await import("./commands/pdf.js")).registerPdfCommands },
  {
    commands: ["normalize", "langid"],
    load: async () => (await import("./commands/normalize.js")).registerNormalizeCommands,
  },
  {
    commands: ["quality"],
    load: async () => (await import("./commands/quality.js")).registerQualityCommands,
  },
  { commands: ["dedup"], load: async () => (await import("./commands/dedup.js")).registerDedupCommand },
  {
    commands: ["tokens", "bridge"],
    load: async () => (await import("./commands/bridge.js")).registerBridgeCommands,
  },
  { commands: ["train"], load: async () => (await import("./commands/train.js")).registerTrainCommands },
  { commands: ["sft"], load: async () => (await import("./commands/sft.js")).registerSftCommands },
  { commands: ["report"], load: async () => (await import("./commands/report.js")).registerReportCommand },
  {
    commands: ["takedown"],
    load: async () => (await import("./commands/takedown.js")).registerTakedownCommand,
  },
  {
    commands: ["run", "run-task", "collect", "push", "pull", "tasks"],
    load: async () => (await import("./commands/scale.js")).registerScaleCommands,
  },
];

/** Root options that take a value, so the command name can be found after them. */
export const VALUE_OPTIONS = new Set(["-w", "--workspace", "--workers", "--wait"]);

/** The first word of argv that is not a root option or its value: the command to run, if any. */
export function commandName(argv: string[]): string | undefined {
  let skipValue = false;
  for (const a of argv.slice(2)) {
    if (skipValue) skipValue = false;
    else if (VALUE_OPTIONS.has(a)) skipValue = true;
    else if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** The `soro` program with the commands `argv` needs registered (all of them when it names none or an unknown one). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command("soro")
    .description("soro-data: build, audit and hand over the Tajik corpus")
    .option(
      "-w, --workspace <dir>",
      "workspace folder (default: the nearest folder upward holding a catalog, else $SORO_WORKSPACE, else ./workspace)",
    )
    .option("--workers <n>", "worker threads for CPU-bound stages (default: one per core; 0 = in-process)")
    .option("-q, --quiet", "no progress display")
    .option(
      "--wait <seconds>",
      `wait this long for a catalog another command holds (default ${humanDuration(DEFAULT_WAIT_SECONDS)})`,
    )
    .option("--no-wait", "fail at once (exit 6) when another command holds the catalog")
    .configureHelp({ sortSubcommands: true })
    // Errors are thrown, not printed: main() turns a usage error into one line and exit code 2. Subcommands
    // registered below inherit both settings.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    // The root options every command shares are checked before any command runs.
    .hook("preAction", (_root, action) => {
      workerCount(action);
      waitSeconds(action);
      checkNumericOptions(action);
    });
  const name = commandName(argv);
  const wanted = MODULES.filter((m) => name !== undefined && name !== "help" && m.commands.includes(name));
  for (const m of wanted.length > 0 ? wanted : MODULES) (await m.load())(program);
  return program;
}
