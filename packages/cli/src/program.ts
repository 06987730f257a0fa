import { Command } from "commander";
import { registerBridgeCommands } from "./commands/bridge.js";
import { registerCrawlCommands } from "./commands/crawl.js";
import { registerDedupCommand } from "./commands/dedup.js";
import { registerIngestCommand } from "./commands/ingest.js";
import { registerNormalizeCommands } from "./commands/normalize.js";
import { registerPdfCommands } from "./commands/pdf.js";
import { registerQualityCommands } from "./commands/quality.js";
import { registerReportCommand } from "./commands/report.js";
import { registerScaleCommands } from "./commands/scale.js";
import { registerSftCommands } from "./commands/sft.js";
import { registerTrainCommands } from "./commands/train.js";
import { registerWorkspaceCommands } from "./commands/workspace.js";

/** The `soro` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command("soro")
    .description("soro-data: build, audit and hand over the Tajik corpus")
    .option("-w, --workspace <dir>", "workspace folder (default $SORO_WORKSPACE or ./workspace)")
    .option("--workers <n>", "worker threads for CPU-bound stages (default: one per core; 0 = in-process)")
    .option("-q, --quiet", "no progress display")
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerWorkspaceCommands(program);
  registerBridgeCommands(program);
  registerIngestCommand(program);
  registerPdfCommands(program);
  registerNormalizeCommands(program);
  registerScaleCommands(program);
  registerQualityCommands(program);
  registerReportCommand(program);
  registerCrawlCommands(program);
  registerDedupCommand(program);
  registerTrainCommands(program);
  registerSftCommands(program);
  return program;
}
