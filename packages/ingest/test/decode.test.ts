import { writeFile } from "node:fs/promises";
import path from "node:path";
import { foldTajik } from "@soro/normalize";
import { tajikTextDir, tajikTextLines, udhrParagraphs } from "@soro/samples";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { ingest, tempDir } from "./tree.js";

const hasText = tajikTextDir() !== null;
if (!hasText)
  console.warn("skipping per-record decoding tests: no ../shared/tajik-text (set SORO_TAJIK_TEXT)");

/** Real Tajik paragraphs of a few hundred bytes that KOI8-T can hold, from the reference text. */
function paragraphs(n: number): string[] {
  return tajikTextLines("komdil_payom.txt")
    .filter((l) => l.length > 80 && l.length < 300 && iconv.decode(iconv.encode(l, "koi8-t"), "koi8-t") === l)
    .slice(0, n);
}

const jsonLine = (text: string) => Buffer.from(`${JSON.stringify({ text })}\n`);
const meta = (d: { meta: string }) => JSON.parse(d.meta) as Record<string, unknown>;

describe.skipIf(!hasText)("per-record decoding", () => {
  it("costs a record with a bad byte that byte, in the first, a middle and the last record, and quarantines an unreadable one by its byte offset", async () => {
    const dir = await tempDir();
    const texts = paragraphs(9);
    const damaged = new Set([0, 4, 8]);
    const lines = texts.map((t, i) => {
      const line = jsonLine(t);
      if (!damaged.has(i)) return line;
      // A stray byte before the text's first space.
      const at = line.indexOf(0x20);
      return Buffer.concat([line.subarray(0, at), Buffer.from([0xff]), line.subarray(at)]);
    });
    // A record of bytes no encoding reads as text, between records 6 and 7.
    const junk = Buffer.concat([
      Buffer.from('{"text":"'),
      Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + (i % 0x40))),
      Buffer.from('"}\n'),
    ]);
    const file = Buffer.concat([...lines.slice(0, 6), junk, ...lines.slice(6)]);
    const junkOffset = Buffer.concat(lines.slice(0, 6)).length;
    await writeFile(path.join(dir, "records.jsonl"), file);

    const { docs, quarantine } = await ingest(dir);
    const byText = new Map(docs.map((d) => [d.text, meta(d)]));
    expect(docs).toHaveLength(9);
    texts.forEach((t, i) => {
      const expected = damaged.has(i) ? t.replace(" ", "\uFFFD ") : t;
      expect(byText.get(expected), `record ${i + 1}`).toMatchObject({
        encoding: "utf-8",
        bad_bytes: damaged.has(i) ? 1 : 0,
      });
    });
    expect(quarantine).toHaveLength(1);
    expect(String(quarantine[0]!.input)).toMatch(/records\.jsonl:7$/);
    // The first bad byte is the record's first byte after `{"text":"`.
    expect(String(quarantine[0]!.reason)).toContain(`byte offset ${junkOffset + 9}`);
  });

  it("reads a file mixing windows-1251 and UTF-8 records, each in its own encoding", async () => {
    const dir = await tempDir();
    const tajik = paragraphs(6);
    const russian = (await udhrParagraphs("rus")).slice(2, 5);
    // Tajik typed without its letters fits windows-1251, as do Russian records; the others stay UTF-8.
    const records = [
      { text: tajik[0]!, enc: "utf-8" },
      { text: foldTajik(tajik[1]!), enc: "windows-1251" },
      { text: russian[0]!, enc: "windows-1251" },
      { text: tajik[2]!, enc: "utf-8" },
      { text: russian[1]!, enc: "utf-8" },
      { text: foldTajik(tajik[3]!), enc: "windows-1251" },
      { text: russian[2]!, enc: "windows-1251" },
      { text: tajik[4]!, enc: "utf-8" },
    ];
    await writeFile(
      path.join(dir, "mixed.jsonl"),
      Buffer.concat(records.map((r) => iconv.encode(`${JSON.stringify({ text: r.text })}\n`, r.enc))),
    );
    const csvRows = records.map((r) =>
      iconv.encode(`${r.text.replace(/"/g, '""').replace(/^/, '"')}","${r.enc}"\n`, r.enc),
    );
    await writeFile(path.join(dir, "mixed.csv"), Buffer.concat([Buffer.from("text,enc\n"), ...csvRows]));
    const { docs, quarantine } = await ingest(dir);
    expect(quarantine).toEqual([]);
    for (const format of ["jsonl", "csv"]) {
      const got = docs.filter((d) => d.path.includes(`mixed.${format}:`));
      expect(got.map((d) => [d.text, meta(d).encoding, meta(d).bad_bytes])).toEqual(
        expect.arrayContaining(records.map((r) => [r.text, r.enc, 0])),
      );
      expect(got).toHaveLength(records.length);
    }
  });

  it("keeps a text file's KOI8-T lines and its UTF-8 line, and records both encodings", async () => {
    const dir = await tempDir();
    const [a, b, c, d] = paragraphs(4);
    await writeFile(
      path.join(dir, "mixed.txt"),
      Buffer.concat([
        iconv.encode(`${a}\n${b}\n`, "koi8-t"),
        Buffer.from(`${c}\n`),
        iconv.encode(`${d}\n`, "koi8-t"),
      ]),
    );
    const { docs, quarantine } = await ingest(dir);
    expect(quarantine).toEqual([]);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.text).toBe([a, b, c, d].join("\n"));
    expect(meta(docs[0]!)).toMatchObject({
      encoding: "koi8-t",
      encodings: ["koi8-t", "utf-8"],
      bad_bytes: 0,
    });
  });

  it("reads a short legacy record with no telling word in the code page the file's earlier records were shown to be in", async () => {
    const dir = await tempDir();
    const [a] = paragraphs(1);
    await writeFile(
      path.join(dir, "short.jsonl"),
      Buffer.concat([
        iconv.encode(`${JSON.stringify({ text: a })}\n`, "koi8-t"),
        iconv.encode('{"text":"Қурбонов Ҷ."}\n', "koi8-t"),
      ]),
    );
    const { docs, quarantine } = await ingest(dir);
    expect(quarantine).toEqual([]);
    expect(docs.map((d) => [d.text, meta(d).encoding])).toEqual(
      expect.arrayContaining([
        [a, "koi8-t"],
        ["Қурбонов Ҷ.", "koi8-t"],
      ]),
    );
  });
});
