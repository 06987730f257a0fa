import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { withCatalog } from "../context.js";

/** `soro report`: the corpus report (one offline HTML file) or the dataset card. */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "corpus report over the catalog: one self-contained HTML file with the waterfall, source mix, languages, signals, duplicates, crawl health and removed samples; or the dataset card",
    )
    .option("--out <file>", "where to write the HTML report", "report.html")
    .option("--card", "write the dataset card (Markdown with the hubs' YAML header) instead")
    .option(
      "--card-out <file>",
      "with --card: write the card here (DIR/README.md) and publish the final documents beside it in DIR/data/, trainer columns only; without, the card goes to standard output and names no files",
    )
    .option("--license <id>", "with --card: license identifier for the YAML header", "other")
    .option("--name <title>", "with --card: the dataset's display name")
    .action(
      async (
        o: { out: string; card?: boolean; cardOut?: string; license: string; name?: string },
        cmd: Command,
      ) => {
        const { datasetCard, writeReport } = await import("@soro/report");
        await withCatalog(
          cmd,
          async (c) => {
            if (o.card) {
              const options = { license: o.license, prettyName: o.name };
              if (o.cardOut) {
                const card = await datasetCard(c, options, path.dirname(o.cardOut));
                await writeFile(o.cardOut, card);
                console.log(`dataset card: ${o.cardOut} (data files beside it in data/)`);
              } else process.stdout.write(await datasetCard(c, options));
              return;
            }
            const r = await writeReport(c, o.out);
            console.log(`report: ${r.path} (${(r.bytes / 1e6).toFixed(2)} MB)`);
          },
          { readOnly: true },
        );
      },
    );
}
