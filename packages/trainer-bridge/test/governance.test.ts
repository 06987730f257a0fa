import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Catalog, makeDocument, SourceRun, sqlString, takedown } from "@soro/core";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countStageTokens } from "../src/counts.js";
import { exportCorpus } from "../src/export/corpus.js";
import { jsonChanges } from "../src/export/diff.js";
import { readMegatron } from "../src/export/megatron.js";
import { exportsToRebuild } from "../src/export/stale.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let dir: string;
const outDir = () => mkdtemp(path.join(tmpdir(), "soro-gov-"));
const TAKEN = "https://example.tj/udhr/3";

/** Every id and url of an export's parquet files (or its provenance list). */
async function exported(glob: string): Promise<Array<{ id: string; url: string | null; licence: string }>> {
  const read = glob.endsWith(".jsonl") ? "read_json" : "read_parquet";
  return (await catalog.rows(`SELECT id, url, licence FROM ${read}(${sqlString(glob)})`)) as never;
}

beforeAll(async () => {
  ({ catalog, dir } = await tajikWorkspace());
  // A third shard of the final stage declares its licence.
  const paras = await udhrParagraphs("tgk");
  const run = await SourceRun.begin(catalog, "dedup", { test: true });
  await run.add(
    "licensed",
    "licensed",
    paras.slice(0, 5).map((text, i) => ({
      doc: makeDocument({
        text: `${text} (CC)`,
        source: "book",
        path: `/books/${i}.txt`,
        licence: "CC-BY-SA-4.0",
        licence_evidence: "sidecar /books/_meta.yaml",
      }),
    })),
  );
  await run.finish();
  await countStageTokens(catalog, { workers: 1 });
}, 120_000);
afterAll(() => catalog.close());

describe("takedown and export", () => {
  it("leaves a taken-down URL out of every later export, reuses no stale token file, and names the earlier export", async () => {
    const before = await outDir();
    const a = await exportCorpus(catalog, { format: "megatron", out: before, workers: 1 });
    const aWeb = await readMegatron(path.join(before, "megatron/tg_web_text_document"));
    expect((await exported(path.join(before, "provenance.parquet"))).some((r) => r.url === TAKEN)).toBe(true);

    const t = await takedown(catalog, {
      kind: "url",
      value: TAKEN,
      reason: "author's request",
      by: "editor",
    });
    expect(t.docs).toBe(1);
    const stale = await exportsToRebuild(catalog, t.takedownId);
    expect(stale.map((e) => [e.out_dir, e.holds])).toEqual([[before, true]]);

    const mega = await outDir();
    const b = await exportCorpus(catalog, { format: "megatron", out: mega, workers: 1 });
    const bWeb = await readMegatron(path.join(mega, "megatron/tg_web_text_document"));
    expect(bWeb.lengths.length).toBe(aWeb.lengths.length - 1);
    const [gone] = await catalog.rows(
      `SELECT tokens FROM trainer_bridge_doc_tokens WHERE doc_id = (
      SELECT doc_id FROM takedown_docs WHERE takedown_id = $1 LIMIT 1)`,
      [t.takedownId],
    );
    expect(b.manifest.tokens).toBe(a.manifest.tokens! - Number(gone!.tokens));
    // The rewritten shard was tokenized again, not read from the token file counted before the takedown.
    expect(b.manifest.extra.reused_shards).toBe(2);

    const text = await outDir();
    await exportCorpus(catalog, { format: "parquet", out: text, workers: 1 });
    for (const glob of [
      path.join(text, "data/*/*.parquet"),
      path.join(text, "provenance.parquet"),
      path.join(mega, "provenance.parquet"),
    ])
      expect((await exported(glob)).filter((r) => r.url === TAKEN)).toEqual([]);
  }, 120_000);

  it("limits an export to allowed licences and counts what it left out", async () => {
    const out = await outDir();
    const s = await exportCorpus(catalog, { format: "jsonl", out, licenceAllow: ["CC-BY-SA-4.0"] });
    const rows = await exported(path.join(out, "data/*/*.jsonl"));
    expect(rows.length).toBe(5);
    expect(new Set(rows.map((r) => r.licence))).toEqual(new Set(["CC-BY-SA-4.0"]));
    expect(s.manifest.docs).toBe(5);
    expect(s.manifest.extra.licence_allow).toEqual(["CC-BY-SA-4.0"]);
    const [n] = await catalog.rows(
      `SELECT count(*)::INTEGER AS n FROM ${await catalog.stageTableSql("dedup")}`,
    );
    expect(s.manifest.extra.excluded).toEqual({ takedown: 0, licence: Number(n!.n) - 5 });
    expect(s.manifest.extra.licences).toEqual({ "CC-BY-SA-4.0": { docs: 5, tokens: expect.any(Number) } });
    const mega = await outDir();
    const m = await exportCorpus(catalog, {
      format: "megatron",
      out: mega,
      workers: 1,
      licenceAllow: ["CC-BY-SA-4.0"],
    });
    expect(Object.keys(m.manifest.tokens_per_source)).toEqual(["book"]);
    expect((await readdir(path.join(mega, "megatron"))).sort()).toEqual([
      "tg_book_text_document.bin",
      "tg_book_text_document.idx",
    ]);
  }, 120_000);
});

describe("replay text", () => {
  it("ingests English and Russian text into its own stage and exports it as the replay prefix with its share", async () => {
    // As `soro ingest --source replay` writes it (the ingest tests check that command): stage and source replay.
    const english = libreofficeTajikStrings()
      .map((x) => x.en)
      .filter((t) => t.length > 20)
      .slice(0, 200);
    const russian = await udhrParagraphs("rus");
    const run = await SourceRun.begin(catalog, "replay", { source: "replay" });
    await run.add(
      "replay",
      "replay",
      [...english, ...russian].map((text) => ({
        doc: makeDocument({ text, source: "replay", licence: "MPL-2.0" }),
      })),
    );
    await run.finish();
    const r = { docs: english.length + russian.length };
    const out = await outDir();
    const s = await exportCorpus(catalog, { format: "megatron", out, workers: 1 });
    expect(s.manifest.replay).toMatchObject({
      share: 0.2,
      source: "megatron/replay_text_document",
      in_export: true,
      docs: r.docs,
    });
    expect(s.manifest.replay!.tokens).toBeGreaterThan(1000);
    const prefixes = (s.manifest.extra.megatron as { prefixes: Record<string, string> }).prefixes;
    expect(Object.keys(prefixes).sort()).toEqual(["book", "edu", "web"]);
    expect(Object.keys(s.manifest.mixture).sort()).toEqual(["book", "edu", "web"]);
    const replay = await readMegatron(path.join(out, "megatron/replay_text_document"));
    expect(replay.lengths.length).toBe(r.docs);
    // Tajik tokens over (1 - share) of training, replay the rest.
    expect(s.manifest.train_tokens).toBe(Math.round(s.manifest.tokens! / 0.8));

    const text = await outDir();
    const p = await exportCorpus(catalog, { format: "parquet", out: text, replay: { share: 0.1 } });
    expect(p.manifest.replay).toMatchObject({ share: 0.1, source: "replay/data/train", docs: r.docs });
    const [n] = await catalog.rows(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(path.join(text, "replay/data/train/*.parquet"))})`,
    );
    expect(n!.n).toBe(r.docs);
    expect(dir).toBeTruthy();
  }, 180_000);
});

describe("bridge diff's configuration changes", () => {
  it("names each option path whose value differs between two runs' configurations", () => {
    expect(
      jsonChanges(
        { rules: { min_words: 3, langs: ["tgk"] }, model: "v1" },
        { rules: { min_words: 5, langs: ["tgk"] }, model: "v1", lexicon: true },
      ),
    ).toEqual(["lexicon: (none) → true", "rules.min_words: 3 → 5"]);
  });
});
