import { existsSync } from "node:fs";
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Catalog } from "@soro/core";
import { runKillable } from "@soro/core/testing";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { ingestPaths } from "../src/index.js";
import { FIXTURES, tempDir } from "./tree.js";

/** The active ingest documents' paths and texts, and how many shards are active and superseded. */
async function state(ws: string) {
  const c = await Catalog.open(ws, { readOnly: true });
  try {
    const table = await c.stageTableSql("ingest");
    const docs = (await c.rows(`SELECT path, text FROM ${table} ORDER BY path`)).map((r) => [
      path.basename(String(r.path)),
      String(r.text).slice(0, 40),
    ]);
    const shards = Object.fromEntries(
      (
        await c.rows(`SELECT status, count(*)::INTEGER AS n FROM shards WHERE stage = 'ingest' GROUP BY ALL`)
      ).map((r) => [String(r.status), Number(r.n)]),
    );
    return { docs, shards };
  } finally {
    c.close();
  }
}

describe("batches of small files", () => {
  it("reads a folder of DOCX, ODT and text files into one shard, and a changed file leaves its batch", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    for (let i = 0; i < 4; i++) {
      await copyFile(path.join(FIXTURES, "udhr-tgk.docx"), path.join(dir, `d${i}.docx`));
      await copyFile(path.join(FIXTURES, "udhr-tgk.odt"), path.join(dir, `o${i}.odt`));
      await writeFile(path.join(dir, `t${i}.txt`), p[i]!);
    }
    const ws = `${dir}-ws`;
    const c = await Catalog.open(ws, { create: true });
    const reports: string[] = [];
    const first = await ingestPaths(c, [dir], {
      source: "book",
      onFile: (r) => reports.push(path.basename(r.file)),
    });
    c.close();
    expect(first).toMatchObject({ files: 12, ingested: 12, docs: 12 });
    // Reports come in the order the files were found, each file has its version, one shard holds them all.
    expect(reports).toEqual([...reports].sort());
    const before = await state(ws);
    expect(before.docs).toHaveLength(12);
    expect(before.shards).toEqual({ active: 1 });

    // t1.txt changes: its new version is a new batch, and the old batch is written again without its old text.
    await writeFile(path.join(dir, "t1.txt"), p[20]!);
    const c2 = await Catalog.open(ws);
    const second = await ingestPaths(c2, [dir], { source: "book" });
    const versions = await c2.rows(
      `SELECT path, version, shard_key FROM ingest_files JOIN ingest_batched USING (path, version) WHERE path LIKE '%t1.txt' ORDER BY version`,
    );
    c2.close();
    expect(second).toMatchObject({ ingested: 1, unchanged: 11, replaced: 1 });
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const after = await state(ws);
    expect(after.docs).toHaveLength(12);
    expect(after.docs.find((d) => d[0] === "t1.txt")).toEqual(["t1.txt", p[20]!.slice(0, 40)]);
    expect(after.docs.filter((d) => d[0] !== "t1.txt")).toEqual(before.docs.filter((d) => d[0] !== "t1.txt"));
    expect(after.shards).toEqual({ active: 2, superseded: 1 });

    // Nothing changed: nothing read, nothing written.
    const c3 = await Catalog.open(ws);
    expect(await ingestPaths(c3, [dir], { source: "book" })).toMatchObject({ unchanged: 12, ingested: 0 });
    c3.close();
    expect(await state(ws)).toEqual(after);
  });

  it("takes a changed file's old documents out of its batch on the next run when a run was killed first", async () => {
    const dir = await tempDir();
    const p = await udhrParagraphs("tgk");
    const ws = `${dir}-ws`;
    await writeFile(path.join(dir, "a.txt"), p[0]!);
    await writeFile(path.join(dir, "z.txt"), p[1]!);
    const c = await Catalog.open(ws, { create: true });
    await ingestPaths(c, [dir], { source: "other" });
    c.close();
    // a.txt changes and is committed in a new batch (m.jsonl, read alone, closes it); the run dies on z.txt, before
    // the old batch is written again.
    await writeFile(path.join(dir, "a.txt"), p[2]!);
    await writeFile(path.join(dir, "m.jsonl"), `${JSON.stringify({ text: p[3] })}\n`);
    await writeFile(path.join(dir, "z.txt"), "HANG");
    const sentinel = `${dir}.reading`;
    const child = new URL("./fixtures/hang-child.ts", import.meta.url).pathname;
    const exit = await runKillable(child, [ws, dir, sentinel], { killWhen: () => existsSync(sentinel) });
    expect(exit.killed).toBe(true);
    const killed = (await state(ws)).docs.filter((d) => d[0] === "a.txt");
    expect(killed.map((d) => d[1]).sort()).toEqual([p[0]!.slice(0, 40), p[2]!.slice(0, 40)].sort());

    const c2 = await Catalog.open(ws);
    await ingestPaths(c2, [dir], { source: "other" });
    c2.close();
    const after = await state(ws);
    expect(after.docs.filter((d) => d[0] === "a.txt")).toEqual([["a.txt", p[2]!.slice(0, 40)]]);
    // z.txt's old text stays (its new version killed a run and is quarantined), and m.jsonl's record is in.
    expect(after.docs.map((d) => d[0])).toEqual(["a.txt", "m.jsonl:1", "z.txt"]);
  }, 30_000);
});
