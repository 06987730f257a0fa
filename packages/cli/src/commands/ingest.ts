import { SOURCES, UsageError } from "@soro/core";
import { ingestPaths } from "@soro/ingest";
import type { Command } from "commander";
import { withCatalog } from "../context.js";

/** Parses repeated `--meta key=value` flags into an object (numbers stay numbers). */
function parseMeta(pairs: string[]): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`soro ingest: --meta ${pair} is not key=value`, "write e.g. --meta subject=math");
    const value = pair.slice(eq + 1);
    meta[pair.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return meta;
}

/** `soro ingest`: existing text files into the catalog. */
export function registerIngestCommand(program: Command): void {
  program
    .command("ingest")
    .description("bring files or folders (JSONL, text) into the catalog as source documents")
    .argument("<paths...>", "files or folders (recursively)")
    .option("--source <kind>", `document source: ${SOURCES.join("|")}`, "other")
    .option("--text-field <name>", "JSONL field holding the text", "text")
    .option(
      "--meta <key=value>",
      "metadata for every document (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option("--dry-run", "list what would be ingested and what would be skipped")
    .action(
      async (
        paths: string[],
        o: { source: string; textField: string; meta: string[]; dryRun?: boolean },
        cmd,
      ) => {
        if (!(SOURCES as readonly string[]).includes(o.source)) {
          throw new UsageError(
            `soro ingest: unknown --source ${o.source}`,
            `use one of ${SOURCES.join(", ")}`,
          );
        }
        await withCatalog(
          cmd,
          async (c) => {
            const s = await ingestPaths(c, paths, {
              source: o.source as (typeof SOURCES)[number],
              textField: o.textField,
              meta: parseMeta(o.meta),
              dryRun: o.dryRun,
              onFile: (file, outcome, docs) =>
                console.error(`${outcome.padEnd(12)} ${file}${docs ? ` (${docs} docs)` : ""}`),
            });
            console.log(
              `ingest: ${s.files} files: ${s.ingested} ingested (${s.docs} docs), ${s.unchanged} unchanged, ${s.unsupported} unsupported`,
            );
          },
          { create: true },
        );
      },
    );
}
