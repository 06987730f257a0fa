import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { ingestPaths } from "../src/index.js";
import { tempDir } from "./tree.js";

describe("ingest licence and its evidence", () => {
  it("takes a record's licence, else the nearest sidecar's, else --licence; keeps what said so", async () => {
    const dir = await tempDir();
    const paras = await udhrParagraphs("tgk");
    const root = path.join(dir, "in");
    await mkdir(path.join(root, "open"), { recursive: true });
    await writeFile(path.join(root, "open", "_meta.yaml"), "license: CC BY-SA 4.0\npublisher: Маориф\n");
    await writeFile(path.join(root, "open", "a.txt"), paras[0]!);
    await writeFile(path.join(root, "open", "b.txt"), paras[1]!);
    await writeFile(
      path.join(root, "open", "b.txt.meta.yaml"),
      "licence: used by agreement with the author\n",
    );
    await writeFile(path.join(root, "plain.txt"), paras[2]!);
    await writeFile(
      path.join(root, "records.jsonl"),
      `${JSON.stringify({ text: paras[3], meta: { licence: "CC0" } })}\n${JSON.stringify({ text: paras[4] })}\n`,
    );
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      await ingestPaths(c, [root], { source: "other", licence: "cc-by-4.0" });
      const table = await c.stageTableSql("ingest");
      const rows = await c.rows(`SELECT text, licence, licence_evidence FROM ${table}`);
      const by = (t: string) => rows.find((r) => r.text === t)!;
      expect(by(paras[0]!)).toMatchObject({
        licence: "CC-BY-SA-4.0",
        licence_evidence: `sidecar ${path.join(root, "open", "_meta.yaml")}: "CC BY-SA 4.0"`,
      });
      expect(by(paras[1]!).licence).toBe("unknown");
      expect(String(by(paras[1]!).licence_evidence)).toContain("used by agreement with the author");
      expect(by(paras[2]!)).toMatchObject({
        licence: "CC-BY-4.0",
        licence_evidence: '--licence: "cc-by-4.0"',
      });
      expect(by(paras[3]!)).toMatchObject({ licence: "CC0-1.0" });
      expect(String(by(paras[3]!).licence_evidence)).toMatch(/^record \/.*\/records\.jsonl:1: "CC0"$/);
      expect(by(paras[4]!).licence).toBe("CC-BY-4.0");
    } finally {
      c.close();
    }
  });
});

describe("ingest --source replay", () => {
  it("puts English and Russian text in stage replay, out of the Tajik stages' input", async () => {
    const dir = await tempDir();
    const root = path.join(dir, "replay");
    await mkdir(root, { recursive: true });
    const russian = await udhrParagraphs("rus");
    await writeFile(path.join(root, "ru.txt"), russian.join("\n\n"));
    const c = await Catalog.open(path.join(dir, "ws"), { create: true });
    try {
      const s = await ingestPaths(c, [root], { source: "replay", splitBlocks: true, licence: "MIT" });
      expect(s.docs).toBe(russian.length);
      expect(await c.activeShards(["ingest"])).toEqual([]);
      const rows = await c.rows(`SELECT source, licence FROM ${await c.stageTableSql("replay")}`);
      expect(rows.length).toBe(russian.length);
      expect(new Set(rows.map((r) => `${r.source}/${r.licence}`))).toEqual(new Set(["replay/MIT"]));
      // Ingesting the same file again adds nothing.
      expect(
        (await ingestPaths(c, [root], { source: "replay", splitBlocks: true, licence: "MIT" })).unchanged,
      ).toBe(1);
    } finally {
      c.close();
    }
  });
});
