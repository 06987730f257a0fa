import { copyFile, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { CRAWL_MIGRATIONS } from "@soro/crawl";
import { describe, expect, it } from "vitest";
import { crawledPdfs, ingestPdfs } from "../src/index.js";
import { nestingBombPdf, notAPdf } from "./bad-pdfs.js";
import { fixture } from "./cer.js";

describe("pdf ingest into the catalog", () => {
  it("writes one document per good PDF, quarantines bad ones and skips done files on rerun", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pdf-ingest-"));
    const input = path.join(dir, "in");
    await mkdir(path.join(input, "sub"), { recursive: true });
    for (const f of ["one-column", "legacy-tj", "encrypted", "truncated"])
      await copyFile(fixture(`${f}.pdf`), path.join(input, `${f}.pdf`));
    await copyFile(fixture("two-column.pdf"), path.join(input, "sub", "two-column.pdf"));
    await writeFile(path.join(input, "bomb.pdf"), nestingBombPdf());
    await writeFile(path.join(input, "fake.pdf"), notAPdf());
    await writeFile(path.join(input, "notes.txt"), "not a pdf, not listed");

    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      const first = await ingestPdfs(c, [input], { workers: 2, progress: "quiet" });
      expect(first).toMatchObject({ files: 7, ingested: 3, quarantined: 4, unchanged: 0, pages: 8 });
      const table = await c.stageTableSql("pdf");
      const docs = await c.rows(`SELECT text, source, path, meta FROM ${table} ORDER BY path`);
      expect(docs.map((d) => path.basename(String(d.path)))).toEqual([
        "legacy-tj.pdf",
        "one-column.pdf",
        "two-column.pdf",
      ]);
      expect(docs.every((d) => d.source === "pdf")).toBe(true);
      const meta = docs.map((d) => JSON.parse(String(d.meta)) as Record<string, unknown>);
      expect(meta[0]).toMatchObject({ pages: 1, legacy_mapping: "tj-cp1251", legacy_pages: [1] });
      expect(meta[1]).toMatchObject({
        pages: 3,
        title: "Эъломияи умумии ҳуқуқи башар",
        author: "Созмони Милали Муттаҳид",
      });
      expect(meta[1]?.page_chars).toHaveLength(3);
      const bad = await c.rows("SELECT input, reason FROM quarantine WHERE stage = 'pdf' ORDER BY input");
      expect(bad.map((b) => [path.basename(String(b.input)), String(b.reason).split(":")[0]])).toEqual([
        ["bomb.pdf", "malformed"],
        ["encrypted.pdf", "encrypted"],
        ["fake.pdf", "malformed"],
        ["truncated.pdf", "truncated"],
      ]);

      const again = await ingestPdfs(c, [input], { workers: 0, progress: "quiet" });
      expect(again).toMatchObject({ ingested: 0, quarantined: 0, unchanged: 7 });
    } finally {
      c.close();
    }
  });

  it("ingests the PDFs a crawl kept, with the URL each came from", async () => {
    const ws = path.join(await mkdtemp(path.join(tmpdir(), "soro-pdf-crawl-")), "ws");
    const c = await Catalog.open(ws, { create: true });
    try {
      await c.ensureExtension("crawl", CRAWL_MIGRATIONS);
      await mkdir(path.join(ws, "crawl", "files"), { recursive: true });
      await copyFile(fixture("one-column.pdf"), path.join(ws, "crawl", "files", "a1.pdf"));
      await c.conn.run(
        `INSERT INTO crawl_files VALUES ('https://maktab.example/kitob.pdf', 'crawl/files/a1.pdf', 'application/pdf', 1, 'x', NULL, '2026-11-23T00:00:00Z'),
                                        ('https://maktab.example/page', 'crawl/files/b2.html', 'text/html', 1, 'y', NULL, '2026-11-23T00:00:00Z')`,
      );
      const urls = await crawledPdfs(c);
      expect([...urls.values()]).toEqual(["https://maktab.example/kitob.pdf"]);
      const s = await ingestPdfs(c, [...urls.keys()], { urls, workers: 1, progress: "quiet" });
      expect(s).toMatchObject({ files: 1, ingested: 1 });
      const docs = await c.rows(`SELECT url, source, path FROM ${await c.stageTableSql("pdf")}`);
      expect(docs).toEqual([
        {
          url: "https://maktab.example/kitob.pdf",
          source: "pdf",
          path: path.join(ws, "crawl", "files", "a1.pdf"),
        },
      ]);
    } finally {
      c.close();
    }
  });
});

describe("a PDF quarantined for a timeout", () => {
  it("is read again on a rerun with a longer page timeout, and its quarantine entry resolved", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pdf-timeout-"));
    const file = path.join(dir, "two-column.pdf");
    await copyFile(fixture("two-column.pdf"), file);
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      const short = { workers: 0, progress: "quiet" as const, pageTimeoutMs: 1 };
      expect(await ingestPdfs(c, [file], short)).toMatchObject({ quarantined: 1, unchanged: 0 });
      expect(await ingestPdfs(c, [file], short)).toMatchObject({ quarantined: 0, unchanged: 1 });
      const longer = { workers: 0, progress: "quiet" as const, pageTimeoutMs: 30_000 };
      expect(await ingestPdfs(c, [file], longer)).toMatchObject({ ingested: 1, unchanged: 0 });
      expect(await ingestPdfs(c, [file], longer)).toMatchObject({ ingested: 0, unchanged: 1 });
      expect(await c.rows("SELECT count(*) AS n FROM quarantine_open")).toEqual([{ n: 0 }]);
      expect(await c.rows("SELECT count(*) AS n FROM quarantine_resolved")).toEqual([{ n: 1 }]);
    } finally {
      c.close();
    }
  }, 60_000);
});
