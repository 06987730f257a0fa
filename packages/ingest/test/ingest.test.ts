import { appendFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Catalog, UsageError } from "@soro/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type FileReport, ingestPaths } from "../src/index.js";
import { buildTree, legacyFontA, tempDir } from "./tree.js";

/** The active ingest documents with their meta parsed. */
async function activeDocs(
  c: Catalog,
): Promise<Array<{ text: string; path: string; source: string; meta: Record<string, unknown> }>> {
  const table = await c.stageTableSql("ingest");
  if (!table) return [];
  const rows = await c.rows(`SELECT text, path, source, meta FROM ${table} ORDER BY path`);
  return rows.map((r) => ({
    text: String(r.text),
    path: String(r.path),
    source: String(r.source),
    meta: JSON.parse(String(r.meta)) as Record<string, unknown>,
  }));
}

describe("ingest of a folder of curriculum material", () => {
  let ws: string;
  let root: string;
  let paragraphs: string[];
  const reports: FileReport[] = [];

  beforeAll(async () => {
    const dir = await tempDir();
    ({ root, paragraphs } = await buildTree(dir));
    ws = path.join(dir, "ws");
    const c = await Catalog.open(ws, { create: true });
    try {
      await ingestPaths(c, [root], { source: "edu", epub: "chapter", onFile: (r) => reports.push(r) });
    } finally {
      c.close();
    }
  });

  it("reads every format, merging the sidecars into every document", async () => {
    const c = await Catalog.open(ws);
    const docs = await activeDocs(c);
    c.close();
    const byFormat = new Map<string, number>();
    for (const d of docs) byFormat.set(String(d.meta.format), (byFormat.get(String(d.meta.format)) ?? 0) + 1);
    expect(Object.fromEntries(byFormat)).toEqual({
      docx: 1,
      odt: 1,
      epub: 3,
      text: 5,
      html: 1,
      jsonl: 41,
      csv: 5,
      tsv: 14,
      parquet: 5,
    });
    for (const d of docs) {
      expect(d.source).toBe("edu");
      expect(d.meta).toMatchObject({
        subject: "адабиёт",
        licence: "CC-BY-4.0",
        publisher: "Маориф",
        year: 2019,
      });
      expect(d.meta.grade).toBe(d.path.includes("grade7") ? 8 : 7);
    }
    const docx = docs.find((d) => d.meta.format === "docx")!;
    expect(docx.text).toContain(paragraphs[0]);
    expect(docx.text.split("\n\n")[0]).toBe("Пешгуфтор");
    const odt = docs.find((d) => d.meta.format === "odt")!;
    expect(odt.text).toBe(docx.text);
    expect(odt.meta.title).toBe("Эъломияи умумии ҳуқуқи башар");
    const chapters = docs.filter((d) => d.meta.format === "epub");
    expect(chapters.map((d) => d.meta.chapter)).toEqual([1, 2, 3]);
    expect(chapters[0]!.text).toContain(paragraphs[0]);
    expect(chapters[0]!.path).toMatch(/udhr\.epub#OEBPS\/text\/ch0\.xhtml$/);
    const html = docs.find((d) => d.meta.format === "html")!;
    expect(html.text).toBe(`Моддаи 1\n\n${paragraphs[10]}\n\n${paragraphs[11]}`);
    expect(html.meta.title).toBe("Саҳифа");
    const jsonl = docs.find((d) => d.path.includes("ui.jsonl.gz:"))!;
    expect(jsonl.meta.context).toBeTruthy();
    expect(docs.filter((d) => d.path.includes("bundle.zip!")).map((d) => d.text)).toEqual([
      paragraphs[17],
      paragraphs[18],
    ]);
  });

  it("detects and records each text file's encoding", async () => {
    const c = await Catalog.open(ws);
    const docs = await activeDocs(c);
    c.close();
    const text = (name: string) => docs.find((d) => d.path.endsWith(name))!;
    expect(text("koi8t.txt").meta.encoding).toBe("koi8-t");
    expect(text("koi8t.txt").text).toBe(paragraphs.slice(0, 4).join("\n\n"));
    // Legacy-font Tajik stays as it was for normalize to repair; only the code page is decoded.
    expect(text("cp1251.txt").meta.encoding).toBe("windows-1251");
    expect(text("cp1251.txt").text).toBe(legacyFontA(paragraphs.slice(4, 8).join("\n\n")));
    expect(text("utf16.txt").meta.encoding).toBe("utf-16le");
    expect(text("utf16.txt").text).toBe(paragraphs[8]);
    expect(text("bom.txt").text).toBe(paragraphs[9]);
  });

  it("quarantines every unreadable file with its reason and goes on", async () => {
    const c = await Catalog.open(ws);
    const q = await c.rows(`SELECT input, reason FROM quarantine WHERE stage = 'ingest' ORDER BY input`);
    c.close();
    const reason = (end: string) => q.find((r) => String(r.input).endsWith(end))?.reason;
    expect(reason("broken.docx")).toMatch(/not a readable DOCX/);
    expect(reason("fake.docx")).toMatch(/not a DOCX \(not a zip archive\)/);
    expect(reason("junk.txt")).toMatch(/binary content/);
    expect(reason("bundle.zip!junk.bin")).toMatch(/unsupported file type \.bin/);
    expect(q.some((r) => String(r.input).includes("report.pdf"))).toBe(false);
    const outcome = (end: string) => reports.find((r) => r.file.endsWith(end))?.outcome;
    expect(outcome("broken.docx")).toBe("quarantined");
    expect(outcome("report.pdf")).toBe("pdf");
    expect(reports.find((r) => r.file.endsWith("report.pdf"))!.note).toMatch(/soro pdf ingest/);
    expect(outcome("bundle.zip")).toBe("ingested");
  });

  it("adds nothing when the same files are ingested again", async () => {
    const c = await Catalog.open(ws);
    const before = await c.rows("SELECT count(*)::INTEGER AS n FROM shards");
    const q = await c.rows("SELECT count(*)::INTEGER AS n FROM quarantine");
    const again: FileReport[] = [];
    const s = await ingestPaths(c, [root], { source: "edu", epub: "chapter", onFile: (r) => again.push(r) });
    expect(s.ingested + s.quarantined).toBe(0);
    expect(s.unchanged).toBe(s.files - s.pdf);
    expect(await c.rows("SELECT count(*)::INTEGER AS n FROM shards")).toEqual(before);
    expect(await c.rows("SELECT count(*)::INTEGER AS n FROM quarantine")).toEqual(q);
    c.close();
  });

  it("records a changed file as a new version that supersedes the old one; --dry-run says so first", async () => {
    const file = path.join(root, "bom.txt");
    await appendFile(file, `\n\n${paragraphs[20]}`);
    const c = await Catalog.open(ws);
    const runs = await c.rows("SELECT count(*)::INTEGER AS n FROM stage_runs");
    const dry: FileReport[] = [];
    await ingestPaths(c, [root], {
      source: "edu",
      epub: "chapter",
      dryRun: true,
      onFile: (r) => dry.push(r),
    });
    expect(dry.filter((r) => r.outcome === "would ingest")).toEqual([
      expect.objectContaining({ file, version: 2, replaces: 1, note: "changed" }),
    ]);
    expect(await c.rows("SELECT count(*)::INTEGER AS n FROM stage_runs")).toEqual(runs);

    const s = await ingestPaths(c, [root], { source: "edu", epub: "chapter" });
    expect(s).toMatchObject({ ingested: 1, replaced: 1, docs: 1 });
    const docs = (await activeDocs(c)).filter((d) => d.path === file);
    expect(docs.map((d) => d.text)).toEqual([`${paragraphs[9]}\n\n${paragraphs[20]}`]);
    const versions = await c.rows(
      `SELECT version, replaces IS NOT NULL AS replaces FROM ingest_files WHERE path = $1 ORDER BY version`,
      [path.resolve(file)],
    );
    expect(versions).toEqual([
      { version: 1, replaces: false },
      { version: 2, replaces: true },
    ]);
    const old = await c.rows(`SELECT count(*)::INTEGER AS n FROM shards WHERE status = 'superseded'`);
    expect(old).toEqual([{ n: 1 }]);
    c.close();
  });

  it("refuses edu material without subject and grade, naming the file", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "lesson.txt");
    await writeFile(file, paragraphs[0]!);
    await writeFile(path.join(dir, "_meta.yaml"), "subject: math\n");
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    const err = await ingestPaths(c, [dir], { source: "edu" }).catch((e: unknown) => e);
    c.close();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toContain(file);
    expect((err as UsageError).message).toContain("_meta.yaml");
    expect((err as UsageError).hint).toMatch(/grade/);
  });
});

describe("ingest of a JSONL file", () => {
  it("numbers records by line past a blank line, the lines counted as the file is hashed", async () => {
    const dir = await tempDir();
    const file = path.join(dir, "web.jsonl");
    const texts = ["Матни якум.", "Матни дуюм.", "Матни сеюм."];
    await writeFile(
      file,
      `${JSON.stringify({ text: texts[0] })}\n\n${JSON.stringify({ text: texts[1] })}\n${JSON.stringify({ text: texts[2] })}`,
    );
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      expect(await ingestPaths(c, [file], { source: "web" })).toMatchObject({
        ingested: 1,
        docs: 3,
        problems: 0,
      });
      expect((await activeDocs(c)).map((d) => [d.path, d.text])).toEqual([
        [`${file}:1`, texts[0]],
        [`${file}:3`, texts[1]],
        [`${file}:4`, texts[2]],
      ]);
    } finally {
      c.close();
    }
  });
});
