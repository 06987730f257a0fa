import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, makeDocument, SourceRun } from "@soro/core";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";

/** A fresh workspace whose `dedup` stage holds real Tajik UDHR paragraphs (web) and LibreOffice strings (edu). */
export async function tajikWorkspace(
  stage = "dedup",
): Promise<{ catalog: Catalog; dir: string; texts: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-bridge-"));
  const catalog = await Catalog.open(dir, { create: true });
  const udhr = await udhrParagraphs("tgk");
  const ui = libreofficeTajikStrings()
    .slice(0, 400)
    .map((s) => s.tg)
    .filter((t) => t.trim().length > 0);
  const run = await SourceRun.begin(catalog, stage, { test: true });
  await run.add(
    "udhr",
    "udhr",
    udhr.map((text, i) => ({
      doc: makeDocument({ text, source: "web", url: `https://example.tj/udhr/${i}` }),
    })),
  );
  // Group UI strings into short documents so the second shard has several rows of another source.
  const docs: string[] = [];
  for (let i = 0; i < ui.length; i += 20) docs.push(ui.slice(i, i + 20).join("\n"));
  await run.add(
    "ui",
    "libreoffice",
    docs.map((text) => ({ doc: makeDocument({ text, source: "edu", meta: { origin: "libreoffice" } }) })),
  );
  await run.finish();
  return { catalog, dir, texts: [...udhr, ...docs] };
}
