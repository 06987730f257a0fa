import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { type CardOptions, publishFinalShards, renderCard } from "./card.js";
import { collectFigures } from "./figures.js";
import { renderReport } from "./html.js";
import { formatSummary } from "./summary.js";

/** Writes the HTML report to `out` (through a temporary name, so a reader never sees half a file). */
export async function writeReport(catalog: Catalog, out: string): Promise<{ path: string; bytes: number }> {
  const html = await renderReport(await collectFigures(catalog));
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, out);
  return { path: path.resolve(out), bytes: Buffer.byteLength(html) };
}

/**
 * The dataset card of the workspace's final stage, as Markdown. With `dir`, the final stage's documents are
 * published beside it (publishFinalShards) and the card names them by relative paths; without, it names no files.
 */
export async function datasetCard(
  catalog: Catalog,
  options: CardOptions = {},
  dir?: string,
): Promise<string> {
  const figures = await collectFigures(catalog, { samples: false });
  const files = figures.final && dir ? await publishFinalShards(catalog, figures.final.stage, dir) : [];
  return renderCard(figures, files, options);
}

/** The report's key figures as terminal lines. */
export async function statusSummary(catalog: Catalog): Promise<string> {
  return formatSummary(await collectFigures(catalog, { samples: false }));
}
