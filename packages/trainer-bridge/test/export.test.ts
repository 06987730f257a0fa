import { execFileSync } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { countStageTokens } from "../src/counts.js";
import { exportCorpus } from "../src/export/corpus.js";
import { readMds } from "../src/export/mds.js";
import { readMegatron } from "../src/export/megatron.js";
import { loadTokenizer, type Tokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let texts: string[];
let tok: Tokenizer;
const py = (script: string, arg: string) =>
  JSON.parse(
    execFileSync("/usr/bin/python3", [path.join(import.meta.dirname, "py", script), arg], {
      maxBuffer: 1 << 28,
    }).toString(),
  );
const outDir = () => mkdtemp(path.join(tmpdir(), "soro-export-"));

beforeAll(async () => {
  ({ catalog, texts } = await tajikWorkspace());
  tok = loadTokenizer();
  await countStageTokens(catalog, { workers: 1 });
}, 60_000);
afterAll(() => catalog.close());

describe("megatron export", () => {
  it("writes IndexedDataset files that numpy reads back to exactly the documents and tokens", async () => {
    const out = await outDir();
    const s = await exportCorpus(catalog, { format: "megatron", out, workers: 1 });
    const web = await readMegatron(path.join(out, "megatron/tg_web_text_document"));
    const viaPy = py("read_megatron.py", path.join(out, "megatron/tg_web_text_document"));
    expect(viaPy.dtype).toBe(4);
    expect(web.dtypeCode).toBe(4);
    const rows = await catalog.rows(
      `SELECT text FROM ${await catalog.stageTableSql("dedup")} WHERE source = 'web' ORDER BY filename, file_row_number`,
    );
    expect(viaPy.documents.length).toBe(rows.length);
    rows.forEach((r, i) => {
      const expected = [2, ...tok.encode(String(r.text)), 1];
      expect(viaPy.documents[i]).toEqual([expected]);
      expect(Array.from(web.sequence(i))).toEqual(expected);
    });
    expect(s.manifest.tokens).toBe(texts.reduce((n, t) => n + tok.count(t), 0));
    expect(Object.keys(s.manifest.tokens_per_source).sort()).toEqual(["edu", "web"]);
    expect((s.manifest.extra.megatron as { data_path: string }).data_path).toMatch(
      /^0\.\d+ megatron\/tg_edu_text_document 0\.\d+ megatron\/tg_web/,
    );
    expect(s.manifest.files.map((f) => f.path)).toContain("megatron/tg_edu_text_document.idx");
  }, 60_000);
});

describe("mds export", () => {
  it("writes token shards that numpy reads back exactly, and text shards", async () => {
    const out = await outDir();
    await exportCorpus(catalog, { format: "mds", mdsColumn: "tokens", out, workers: 0 });
    const viaPy = py("read_mds.py", path.join(out, "mds")) as Array<{
      id: string;
      source: string;
      tokens: number[];
    }>;
    const viaJs = await readMds(path.join(out, "mds"));
    expect(viaPy.length).toBe(texts.length);
    const byId = new Map(
      (await catalog.rows(`SELECT id, text FROM ${await catalog.stageTableSql("dedup")}`)).map((r) => [
        r.id,
        String(r.text),
      ]),
    );
    viaPy.forEach((s, i) => {
      expect(s.tokens).toEqual([2, ...tok.encode(byId.get(s.id)!), 1]);
      expect(Array.from(viaJs[i]!.tokens as Int32Array)).toEqual(s.tokens);
    });
    const textOut = await outDir();
    await exportCorpus(catalog, { format: "mds", mdsColumn: "text", out: textOut, workers: 0 });
    const textRows = py("read_mds.py", path.join(textOut, "mds")) as Array<{ id: string; text: string }>;
    expect(textRows.map((r) => r.text).sort()).toEqual([...texts].sort());
  }, 60_000);
});

describe("text exports", () => {
  it("writes parquet splits whose dataset card configs name them", async () => {
    const out = await outDir();
    const s = await exportCorpus(catalog, { format: "parquet", out, validationShare: 0.2 });
    const card = await readFile(path.join(out, "README.md"), "utf8");
    const front = parse(card.split("---")[1]!) as {
      configs: Array<{ config_name: string; data_files: Array<{ split: string; path: string }> }>;
    };
    expect(front.configs[0]!.data_files.map((d) => d.split)).toEqual(["train", "validation"]);
    const counts = await catalog.rows(
      `SELECT count(*) AS n, sum(tokens) AS t FROM read_parquet(${JSON.stringify(path.join(out, "data/*/*.parquet")).replaceAll('"', "'")})`,
    );
    expect(counts[0]).toEqual({ n: texts.length, t: s.manifest.tokens });
    expect(s.manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it("writes jsonl with text, id, source and metadata, and refuses a non-empty folder", async () => {
    const out = await outDir();
    await exportCorpus(catalog, { format: "jsonl", out });
    const lines = (await readFile(path.join(out, "data/train/train-0.jsonl"), "utf8")).trim().split("\n");
    const first = JSON.parse(lines[0]!);
    expect(Object.keys(first)).toEqual(["text", "id", "source", "url", "meta", "licence", "tokens"]);
    await expect(exportCorpus(catalog, { format: "jsonl", out })).rejects.toThrow(/not empty/);
  });
});
