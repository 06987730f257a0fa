import { writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { udhrParagraphs } from "@soro/samples";
import { strToU8, zipSync } from "fflate";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { detectEncoding } from "../src/index.js";
import { lines } from "../src/text-stream.js";
import { ingest, makeEpub, tempDir } from "./tree.js";

describe("encoding detection", () => {
  it("tells the Cyrillic code pages apart on real text", async () => {
    const tg = (await udhrParagraphs("tgk")).slice(0, 3).join("\n");
    const ru = (await udhrParagraphs("rus")).slice(0, 3).join("\n");
    expect(detectEncoding(iconv.encode(tg, "koi8-t")).encoding).toBe("koi8-t");
    expect(detectEncoding(iconv.encode(ru, "koi8-r")).encoding).toBe("koi8-r");
    expect(detectEncoding(iconv.encode(ru, "windows-1251")).encoding).toBe("windows-1251");
    expect(detectEncoding(iconv.encode(tg, "utf-16be"))).toEqual({
      encoding: "utf-16be",
      bom: false,
      by: "utf-16-pattern",
    });
    expect(detectEncoding(Buffer.from(tg))).toEqual({ encoding: "utf-8", bom: false, by: "utf-8" });
    // A UTF-8 sample cut inside a two-byte letter is still UTF-8.
    expect(detectEncoding(Buffer.from(tg).subarray(0, 101)).encoding).toBe("utf-8");
  });
});

describe("lines", () => {
  it("skips a line over the limit without holding it, and goes on", async () => {
    const chunks = Readable.from(["а\nбб", "x".repeat(50), "x".repeat(50), "\nвв\r\n", "г"]);
    const out = [];
    for await (const l of lines(chunks, 20)) out.push(l);
    expect(out).toEqual([
      { n: 1, line: "а" },
      { n: 2, tooLong: 102 },
      { n: 3, line: "вв" },
      { n: 4, line: "г" },
    ]);
  });
});

describe("readers", () => {
  it("reads JSONL with a custom text field and quarantines bad and overlong lines", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    await writeFile(
      path.join(dir, "c.jsonl"),
      [
        JSON.stringify({ matn: p[0], url: "https://example.tj/1" }),
        "{not json",
        JSON.stringify({ matn: "x".repeat(3000) }),
        JSON.stringify({ text: p[1] }),
        JSON.stringify({ matn: p[2], meta: { author: "СММ" } }),
      ].join("\n"),
    );
    const { docs, quarantine } = await ingest(dir, { textField: "matn", limits: { maxLineChars: 1000 } });
    expect(docs.map((d) => d.text).sort()).toEqual([p[0], p[2]].sort());
    expect(JSON.parse(docs.find((d) => d.text === p[2])!.meta).author).toBe("СММ");
    expect(quarantine.map((q) => [path.basename(String(q.input)), String(q.reason).split(":")[0]])).toEqual([
      ["c.jsonl:2", "not JSON"],
      ["c.jsonl:3", "line of 3011 characters is over the 1000 limit"],
      ["c.jsonl:4", 'no text in field "matn" (set --text-field)'],
    ]);
  });

  it("splits text into blank-line blocks on request and quarantines a text over the document limit", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    await writeFile(path.join(dir, "blocks.txt"), `${p[0]}\n\n\n${p[1]}\n${p[2]}\n\n`);
    await writeFile(path.join(dir, "huge.txt.gz"), gzipSync("ҳ".repeat(5000)));
    const { docs, quarantine } = await ingest(dir, { splitBlocks: true, limits: { maxDocChars: 4000 } });
    expect(docs.map((d) => [path.basename(d.path), d.text])).toEqual([
      ["blocks.txt:1", p[0]],
      ["blocks.txt:4", `${p[1]}\n${p[2]}`],
    ]);
    expect(quarantine).toEqual([
      expect.objectContaining({
        input: expect.stringMatching(/huge\.txt\.gz:1$/),
        reason: expect.stringMatching(/over the 4000 limit/),
      }),
    ]);
  });

  it("reads an EPUB as one book, and quarantines a corrupt zip and a truncated gzip", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "book.epub"), await makeEpub(2));
    const zip = zipSync({ "a.txt": strToU8("Салом ".repeat(200)) });
    await writeFile(path.join(dir, "broken.zip"), zip.subarray(0, zip.length - 30));
    const gz = gzipSync(JSON.stringify({ text: "Салом" }).repeat(1));
    await writeFile(path.join(dir, "cut.jsonl.gz"), gz.subarray(0, gz.length - 6));
    const { docs, quarantine, reports } = await ingest(dir);
    expect(docs).toHaveLength(1);
    expect(JSON.parse(docs[0]!.meta)).toMatchObject({
      format: "epub",
      title: "Эъломияи умумии ҳуқуқи башар",
      author: "СММ",
    });
    expect(docs[0]!.text.split("\n\n").length).toBeGreaterThan(4);
    expect(quarantine.map((q) => path.basename(String(q.input)))).toEqual(["broken.zip", "cut.jsonl.gz"]);
    expect(reports.filter((r) => r.outcome === "quarantined").map((r) => path.basename(r.file))).toEqual([
      "broken.zip",
      "cut.jsonl.gz",
    ]);
  });

  it("decodes an HTML page by its declared windows-1251 charset", async () => {
    const dir = await tempDir();
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><title>Ахбор</title></head><body><article><p>Душанбе пойтахти кишвар аст.</p></article></body></html>`;
    await writeFile(path.join(dir, "news.htm"), iconv.encode(html, "windows-1251"));
    const { docs } = await ingest(dir);
    expect(docs.map((d) => d.text)).toEqual(["Душанбе пойтахти кишвар аст."]);
    expect(JSON.parse(docs[0]!.meta)).toMatchObject({ encoding: "windows-1251", title: "Ахбор" });
  });
});
