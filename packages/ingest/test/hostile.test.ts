import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Catalog } from "@soro/core";
import { runKillable } from "@soro/core/testing";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { type FileReport, type IngestOptions, ingestPaths } from "../src/index.js";
import { tempDir } from "./tree.js";

const MiB = 2 ** 20;
const GOOD = "Ҳар инсон ҳақ дорад, ки озодона фикр кунад.";

/** Ingests a folder into a fresh workspace; the quarantine rows and file reports come back. */
async function ingest(
  dir: string,
  opts: Partial<IngestOptions> = {},
  ws = path.join(dir, "..", `${path.basename(dir)}-ws`),
) {
  const reports: FileReport[] = [];
  const c = await Catalog.open(ws, { create: true });
  try {
    await ingestPaths(c, [dir], { source: "other", ...opts, onFile: (r) => reports.push(r) });
    const quarantine = await c.rows("SELECT input, reason FROM quarantine ORDER BY quarantine_id");
    return { reports, quarantine: quarantine.map((q) => [path.basename(String(q.input)), String(q.reason)]) };
  } finally {
    c.close();
  }
}

/** An ODT whose content.xml is `size` bytes of spaces inside a paragraph: a zip bomb of a few kilobytes. */
function odtBomb(size: number): Uint8Array {
  const head = `<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>`;
  return zipSync({
    mimetype: [strToU8("application/vnd.oasis.opendocument.text"), { level: 0 }],
    "content.xml": [
      strToU8(
        `${head}${" ".repeat(size)}Салом</text:p></office:text></office:body></office:document-content>`,
      ),
      { level: 9 },
    ],
  });
}

/** A zip whose central directory and local headers declare `declared` bytes for every member, whatever they hold. */
function lyingSizes(zip: Uint8Array, declared: number): Uint8Array {
  const out = Buffer.from(zip);
  for (let i = 0; i + 4 <= out.length; i++) {
    // Only the big member's headers lie (its real size is over 1 MiB).
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50 && out.readUInt32LE(i + 22) > MiB) out.writeUInt32LE(declared, i + 22);
    else if (sig === 0x02014b50 && out.readUInt32LE(i + 24) > MiB) out.writeUInt32LE(declared, i + 24);
  }
  return out;
}

describe("poison files", () => {
  it("quarantines an ODT whose content.xml inflates past maxFileBytes, and reads the files after it", async () => {
    const dir = await tempDir();
    const bomb = odtBomb(4 * MiB);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await writeFile(path.join(dir, "a-bomb.odt"), bomb);
    await writeFile(path.join(dir, "b-good.txt"), GOOD);
    const { reports, quarantine } = await ingest(dir, { limits: { maxFileBytes: MiB } });
    expect(reports.map((r) => [path.basename(r.file), r.outcome])).toEqual([
      ["a-bomb.odt", "quarantined"],
      ["b-good.txt", "ingested"],
    ]);
    expect(quarantine).toEqual([
      ["a-bomb.odt", expect.stringMatching(/content\.xml inflates past the 1\.0 MiB limit/)],
    ]);
  });

  it("quarantines DOCX, EPUB, .gz and zip-member bombs by their inflation ratio under the default limits", async () => {
    const dir = await tempDir();
    const zeros = "0".repeat(8 * MiB);
    await writeFile(
      path.join(dir, "a.docx"),
      zipSync({
        "[Content_Types].xml": strToU8("<Types/>"),
        "word/document.xml": [strToU8(zeros), { level: 9 }],
      }),
    );
    await writeFile(
      path.join(dir, "b.epub"),
      zipSync({
        mimetype: strToU8("application/epub+zip"),
        "META-INF/container.xml": [strToU8(zeros), { level: 9 }],
      }),
    );
    await writeFile(path.join(dir, "c.txt.gz"), gzipSync(zeros, { level: 9 }));
    await writeFile(
      path.join(dir, "d.zip"),
      zipSync({ "inner.jsonl": [strToU8(zeros), { level: 9 }], "ok.txt": strToU8(GOOD) }),
    );
    const { reports, quarantine } = await ingest(dir);
    expect(reports.map((r) => [path.basename(r.file), r.outcome, r.docs])).toEqual([
      ["a.docx", "quarantined", 0],
      ["b.epub", "quarantined", 0],
      ["c.txt.gz", "quarantined", 0],
      ["d.zip", "ingested", 1],
    ]);
    const ratio = /inflates past 200 times its compressed size/;
    expect(quarantine).toEqual([
      ["a.docx", expect.stringMatching(ratio)],
      ["b.epub", expect.stringMatching(ratio)],
      ["c.txt.gz", expect.stringMatching(ratio)],
      ["d.zip!inner.jsonl", expect.stringMatching(ratio)],
    ]);
  });

  it("stops a member that inflates past the size its zip headers declare", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "liar.odt"), lyingSizes(odtBomb(4 * MiB), 100));
    const { quarantine } = await ingest(dir, { limits: { maxFileBytes: MiB } });
    expect(quarantine).toHaveLength(1);
    expect(quarantine[0]![0]).toBe("liar.odt");
    expect(quarantine[0]![1]).toMatch(/too many bytes|inflates past/);
  });

  it("quarantines, on the next run, a file that killed the run reading it, until the file changes", async () => {
    const dir = await tempDir();
    const ws = `${dir}-ws`;
    await writeFile(path.join(dir, "a.txt"), "HANG");
    await writeFile(path.join(dir, "b-good.txt"), GOOD);
    const sentinel = `${dir}.reading`;
    const child = new URL("./fixtures/hang-child.ts", import.meta.url).pathname;
    const exit = await runKillable(child, [ws, dir, sentinel], { killWhen: () => existsSync(sentinel) });
    expect(exit.killed).toBe(true);
    const second = await ingest(dir, {}, ws);
    expect(second.reports.map((r) => [path.basename(r.file), r.outcome])).toEqual([
      ["a.txt", "quarantined"],
      ["b-good.txt", "ingested"],
    ]);
    expect(second.quarantine).toEqual([
      ["a.txt", expect.stringMatching(/^run \d+ died while reading this file/)],
    ]);
    const third = await ingest(dir, {}, ws);
    expect(third.reports.map((r) => r.outcome)).toEqual(["unchanged", "unchanged"]);
    // Fixed, the file is read, and its quarantine entry is marked resolved.
    await writeFile(path.join(dir, "a.txt"), GOOD);
    const fourth = await ingest(dir, {}, ws);
    expect(fourth.reports.map((r) => r.outcome)).toEqual(["ingested", "unchanged"]);
    const c = await Catalog.open(ws, { readOnly: true });
    expect(
      await c.rows("SELECT count(*) AS n FROM quarantine_resolved JOIN quarantine USING (quarantine_id)"),
    ).toEqual([{ n: 1 }]);
    expect(await c.rows("SELECT count(*) AS n FROM quarantine_open")).toEqual([{ n: 0 }]);
    c.close();
  }, 30_000);
});
