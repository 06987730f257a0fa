import { copyFile, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Catalog, openScratchDb, sqlString } from "@soro/core";
import { toLegacyA } from "@soro/normalize";
import { libreofficeTajikStrings, udhrParagraphs, udhrSections } from "@soro/samples";
import { strToU8, zipSync } from "fflate";
import iconv from "iconv-lite";
import { type FileReport, ingestPaths } from "../src/index.js";

/** The committed LibreOffice-made fixtures. */
export const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures");

/** A fresh temporary folder. */
export function tempDir(prefix = "soro-ingest-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Tajik written in the legacy "Tj" font layout A (Tajik letters in windows-1251 slots), as old documents are. */
export const legacyFontA = toLegacyA;

/** An EPUB 3 of UDHR sections, one chapter (XHTML file) per section, assembled here with fflate. */
export async function makeEpub(chapters: number): Promise<Uint8Array> {
  const sections = (await udhrSections("tgk")).slice(0, chapters);
  const xhtml = (title: string, paras: string[]) =>
    `<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head><title>${title}</title></head><body><h1>${title}</h1>${paras.map((p) => `<p>${p}</p>`).join("")}</body></html>`;
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {
    mimetype: [strToU8("application/epub+zip"), { level: 0 }],
    "META-INF/container.xml": strToU8(
      `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`,
    ),
    "OEBPS/content.opf": strToU8(
      `<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">udhr-tgk</dc:identifier><dc:title>Эъломияи умумии ҳуқуқи башар</dc:title><dc:language>tg</dc:language><dc:creator>СММ</dc:creator></metadata><manifest>${sections.map((_, i) => `<item id="c${i}" href="text/ch${i}.xhtml" media-type="application/xhtml+xml"/>`).join("")}<item id="css" href="style.css" media-type="text/css"/></manifest><spine>${sections.map((_, i) => `<itemref idref="c${i}"/>`).join("")}</spine></package>`,
    ),
    "OEBPS/style.css": strToU8("p { margin: 0 }"),
  };
  sections.forEach((s, i) => {
    files[`OEBPS/text/ch${i}.xhtml`] = strToU8(xhtml(s.heading, s.paragraphs));
  });
  return zipSync(files);
}

/** Writes a Parquet file of records through DuckDB. */
export async function writeParquet(file: string, rows: Array<Record<string, string>>): Promise<void> {
  const { instance, conn } = await openScratchDb(tmpdir());
  const json = `${file}.json`;
  await writeFile(json, rows.map((r) => JSON.stringify(r)).join("\n"));
  await conn.run(
    `COPY (SELECT * FROM read_json_auto(${sqlString(json)})) TO ${sqlString(file)} (FORMAT parquet)`,
  );
  conn.closeSync();
  instance.closeSync();
}

/**
 * A folder of curriculum material in every supported form, built from real Tajik text: the folder sidecar gives
 * subject and grade; the ODT's own sidecar overrides the grade. Returns the folder and the texts used.
 */
export async function buildTree(dir: string): Promise<{ root: string; paragraphs: string[] }> {
  const root = path.join(dir, "books");
  await mkdir(path.join(root, "grade7"), { recursive: true });
  const paragraphs = await udhrParagraphs("tgk");
  const ui = libreofficeTajikStrings().slice(0, 40);
  await writeFile(
    path.join(root, "_meta.yaml"),
    "subject: адабиёт\ngrade: 7\nlicence: CC-BY-4.0\npublisher: Маориф\nyear: 2019\nvariety: tgk_Cyrl\n",
  );
  await copyFile(path.join(FIXTURES, "udhr-tgk.docx"), path.join(root, "udhr.docx"));
  await copyFile(path.join(FIXTURES, "udhr-tgk.odt"), path.join(root, "grade7", "udhr.odt"));
  await writeFile(path.join(root, "grade7", "udhr.odt.meta.yaml"), "grade: 8\n");
  await copyFile(path.join(FIXTURES, "udhr-tgk.tsv.zst"), path.join(root, "udhr.tsv.zst"));
  await writeFile(path.join(root, "udhr.epub"), await makeEpub(3));
  await writeFile(path.join(root, "koi8t.txt"), iconv.encode(paragraphs.slice(0, 4).join("\n\n"), "koi8-t"));
  await writeFile(
    path.join(root, "cp1251.txt"),
    iconv.encode(legacyFontA(paragraphs.slice(4, 8).join("\n\n")), "windows-1251"),
  );
  await writeFile(path.join(root, "utf16.txt"), iconv.encode(paragraphs[8]!, "utf-16le", { addBOM: true }));
  await writeFile(path.join(root, "bom.txt"), `\uFEFF${paragraphs[9]}`);
  await writeFile(
    path.join(root, "page.html"),
    `<html lang="tg"><head><title>Саҳифа</title><meta charset="utf-8"></head><body><nav>Асосӣ | Тамос</nav><main><h1>Моддаи 1</h1><p>${paragraphs[10]}</p><p>${paragraphs[11]}</p></main><footer>© 2024</footer></body></html>`,
  );
  await writeFile(
    path.join(root, "ui.jsonl.gz"),
    gzipSync(ui.map((s) => JSON.stringify({ text: s.tg, meta: { context: s.context } })).join("\n")),
  );
  await writeFile(
    path.join(root, "ui.csv"),
    `text,note\n${ui
      .slice(0, 5)
      .map((s) => `"${s.tg.replaceAll('"', '""')}",ui`)
      .join("\n")}\n`,
  );
  await writeParquet(
    path.join(root, "udhr.parquet"),
    paragraphs.slice(12, 17).map((text, i) => ({ text, n: String(i) })),
  );
  await writeFile(
    path.join(root, "bundle.zip"),
    zipSync({
      "a.txt": strToU8(paragraphs[17]!),
      "inner/b.jsonl": strToU8(JSON.stringify({ text: paragraphs[18] })),
      "junk.bin": new Uint8Array([0, 1, 2, 3]),
    }),
  );
  await writeFile(path.join(root, "report.pdf"), "%PDF-1.4\n% not read by ingest\n");
  // Unreadable inputs: a truncated DOCX, a "DOCX" that is text, binary junk named .txt.
  const docx = await readFile(path.join(FIXTURES, "udhr-tgk.docx"));
  await writeFile(path.join(root, "broken.docx"), docx.subarray(0, Math.floor(docx.length / 2)));
  await writeFile(path.join(root, "fake.docx"), paragraphs[19]!);
  await writeFile(
    path.join(root, "junk.txt"),
    Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  );
  return { root, paragraphs };
}

/** Ingests `dir` into a fresh workspace and returns the documents, quarantine and file reports. */
export async function ingest(
  dir: string,
  opts: Partial<Parameters<typeof ingestPaths>[2]> = {},
): Promise<{
  docs: Array<{ text: string; path: string; meta: string }>;
  quarantine: Record<string, unknown>[];
  reports: FileReport[];
}> {
  const c = await Catalog.open(path.join(dir, "..", `${path.basename(dir)}-ws`), { create: true });
  const reports: FileReport[] = [];
  try {
    await ingestPaths(c, [dir], { source: "book", ...opts, onFile: (r) => reports.push(r) });
    const table = await c.stageTableSql("ingest");
    const docs = table
      ? ((await c.rows(`SELECT text, path, meta FROM ${table} ORDER BY path`)) as Array<{
          text: string;
          path: string;
          meta: string;
        }>)
      : [];
    const quarantine = await c.rows("SELECT input, reason FROM quarantine ORDER BY input");
    return { docs, quarantine, reports };
  } finally {
    c.close();
  }
}
