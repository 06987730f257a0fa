import { SOURCES, type SourceKind, UsageError } from "@soro/core/base";
import type { FileReport } from "@soro/ingest";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";

/** Parses repeated `--meta` flags: `key=value` pairs (numbers stay numbers) or sidecar YAML/JSON files. */
async function parseMeta(items: string[]): Promise<Record<string, unknown>> {
  let meta: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq < 0 && /\.(ya?ml|json)$/i.test(item)) {
      const { loadSidecar } = await import("@soro/ingest");
      meta = { ...meta, ...(await loadSidecar(item)) };
      continue;
    }
    if (eq <= 0)
      throw new UsageError(
        `soro ingest: --meta ${item} is neither key=value nor a .yaml/.json sidecar`,
        "write e.g. --meta subject=math or --meta sidecar.yaml",
      );
    const value = item.slice(eq + 1);
    meta[item.slice(0, eq)] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return meta;
}

/** One line per file for the person watching. */
function describe(r: FileReport): string {
  const parts: string[] = [];
  if (r.docs) parts.push(`${r.docs} docs`);
  if (r.quarantined) parts.push(`${r.quarantined} quarantined`);
  if (r.version) parts.push(`v${r.version}${r.replaces ? ` replaces v${r.replaces}` : ""}`);
  if (r.note) parts.push(r.note);
  return `${r.outcome.padEnd(12)} ${r.file}${parts.length ? ` (${parts.join(", ")})` : ""}`;
}

/** `soro ingest`: existing text and curriculum files into the catalog. */
export function registerIngestCommand(program: Command): void {
  program
    .command("ingest")
    .description(
      "bring files or folders (JSONL, CSV/TSV, Parquet, text, HTML, DOCX, ODT, EPUB; .gz/.zst/.zip) into the catalog",
    )
    .argument(
      "<paths...>",
      "files or folders (recursively); _meta.yaml and FILE.meta.yaml sidecars add metadata",
    )
    .option(
      "--source <kind>",
      `document source: ${SOURCES.join("|")} (edu needs subject and grade; replay: English/Russian text for the CPT mixture, kept out of the Tajik stages)`,
      "other",
    )
    .option("--text-field <name>", "JSONL/CSV/TSV/Parquet field holding the text", "text")
    .option(
      "--meta <key=value|file.yaml>",
      "metadata for every document, under the sidecars' (repeatable)",
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      "--licence <id>",
      "licence of files whose sidecars name none: an SPDX id (CC-BY-SA-4.0) or a common spelling (CC BY-SA 4.0)",
    )
    .option("--split-blocks", "plain text: one document per blank-line-separated block")
    .option("--epub <mode>", "EPUB: book (one document) or chapter (one per chapter)", "book")
    .option("--no-pdf", "leave PDFs alone instead of handing them to the pdf stage")
    .option("--dry-run", "list what would be ingested and why anything would be skipped; write nothing")
    .action(
      async (
        paths: string[],
        o: {
          source: string;
          textField: string;
          meta: string[];
          licence?: string;
          splitBlocks?: boolean;
          epub: string;
          pdf: boolean;
          dryRun?: boolean;
        },
        cmd,
      ) => {
        if (!(SOURCES as readonly string[]).includes(o.source))
          throw new UsageError(
            `soro ingest: unknown --source ${o.source}`,
            `use one of ${SOURCES.join(", ")}`,
          );
        if (o.epub !== "book" && o.epub !== "chapter")
          throw new UsageError(`soro ingest: unknown --epub ${o.epub}`, "use book or chapter");
        const meta = await parseMeta(o.meta);
        const quiet = globals(cmd).quiet && !o.dryRun;
        await withCatalog(
          cmd,
          async (c) => {
            const { ingestPaths } = await import("@soro/ingest");
            const s = await ingestPaths(c, paths, {
              source: o.source as SourceKind,
              textField: o.textField,
              splitBlocks: o.splitBlocks ?? false,
              epub: o.epub as "book" | "chapter",
              meta,
              licence: o.licence,
              dryRun: o.dryRun,
              onFile: quiet ? undefined : (r) => console.error(describe(r)),
            });
            if (o.dryRun) return;
            console.log(
              `ingest: ${s.files} files: ${s.ingested} ingested (${s.docs} docs, ${s.replaced} replacing an earlier version), ` +
                `${s.unchanged} unchanged, ${s.quarantined} quarantined; ${s.problems} quarantine entries (\`soro status\`)`,
            );
            if (s.pdfFiles.length === 0) return;
            if (!o.pdf) {
              console.log(`ingest: ${s.pdf} PDFs left alone (--no-pdf); run \`soro pdf ingest\` on them`);
              return;
            }
            // PDFs go to the pdf stage (its own shards, source "pdf"); sidecar metadata does not reach them.
            const { ingestPdfs } = await import("@soro/pdf");
            const p = await ingestPdfs(c, s.pdfFiles, {
              workers: workerCount(cmd),
              progress: quiet ? "quiet" : "auto",
              onFile: quiet
                ? undefined
                : (file, outcome, detail) =>
                    console.error(`pdf ${outcome.padEnd(8)} ${file}${detail ? ` (${detail})` : ""}`),
            });
            console.log(
              `ingest: ${p.files} PDFs handed to the pdf stage: ${p.ingested} ingested, ${p.unchanged} unchanged, ${p.quarantined} quarantined`,
            );
          },
          { create: true },
        );
      },
    );
}
