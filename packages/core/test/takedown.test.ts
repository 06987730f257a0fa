import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  listTakedowns,
  runStage,
  SourceRun,
  takedown,
  takenDownSql,
  UsageError,
  verifyShards,
} from "../src/index.js";
import { LENGTH_STAGE, seedWorkspace, tajikDocs, tempDir } from "./helpers.js";

/** Every row of every registered shard file (any status), with its stage. */
async function everyRow(c: Catalog): Promise<Array<{ id: string; url: string; stage: string }>> {
  const shards = await c.rows(`SELECT stage, path FROM shards`);
  const out: Array<{ id: string; url: string; stage: string }> = [];
  for (const s of shards) {
    const rows = await c.rows(`SELECT id, url FROM read_parquet('${path.join(c.ws.dir, String(s.path))}')`);
    for (const r of rows) out.push({ id: String(r.id), url: String(r.url), stage: String(s.stage) });
  }
  return out;
}

describe("takedown", () => {
  it("removes a URL from every stage's shards, records who, when and why, and keeps it out of later sources", async () => {
    const ws = path.join(await tempDir(), "ws");
    await seedWorkspace(ws, 3, 20);
    const c = await Catalog.open(ws);
    try {
      await runStage({
        catalog: c,
        stage: LENGTH_STAGE,
        options: { minChars: 1 },
        workers: 0,
        progress: "quiet",
      });
      // A superseded run of the stage holds the document too: a rerun of that config must not bring it back.
      await runStage({
        catalog: c,
        stage: LENGTH_STAGE,
        options: { minChars: 2 },
        workers: 0,
        progress: "quiet",
      });
      const url = "https://udhr.example/tgk/25";
      const before = await everyRow(c);
      const copies = before.filter((r) => r.url === url);
      expect(new Set(copies.map((r) => r.stage))).toEqual(new Set(["ingest", "length"]));
      const r = await takedown(c, { kind: "url", value: url, reason: "the author asked", by: "editor" });
      expect(r.docs).toBe(1);
      expect(r.rows).toBe(copies.length);
      expect(r.shards).toEqual({ ingest: 1, length: 2 });
      const after = await everyRow(c);
      expect(after.filter((x) => x.url === url)).toEqual([]);
      expect(after.length).toBe(before.length - copies.length);
      // Rewritten shards match their catalog rows (hash, size, rows), and the removal is counted.
      expect(await verifyShards(c)).toEqual([]);
      const [stats] = await c.rows(
        `SELECT sum(docs_removed)::INTEGER AS n FROM rule_stats WHERE rule = 'takedown' AND stage = 'ingest'`,
      );
      expect(stats!.n).toBe(1);
      const [io] = await c.rows(`SELECT sum(docs_out)::INTEGER AS n FROM stage_io WHERE stage = 'ingest'`);
      expect(io!.n).toBe(59);
      const [rec] = await listTakedowns(c);
      expect(rec).toMatchObject({
        kind: "url",
        value: url,
        reason: "the author asked",
        requested_by: "editor",
      });
      expect(rec!.docs_removed).toBe(1);
      expect(rec!.requested_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

      // A later source run leaves it out, under rule takedown.
      const docs = await tajikDocs(30);
      const run = await SourceRun.begin(c, "ingest", { test: true });
      await run.add("again", "again", docs.slice(20, 30));
      await run.finish();
      const table = await c.stageTableSql("ingest");
      expect(await c.rows(`SELECT id FROM ${table} WHERE url = $1`, [url])).toEqual([]);
      const [removed] = await c.rows(
        `SELECT docs_removed FROM rule_stats WHERE stage = 'ingest' AND source_key = 'again' AND rule = 'takedown'`,
      );
      expect(removed!.docs_removed).toBe(1);
      // The list is queryable in SQL for exports.
      const [n] = await c.rows(`SELECT count(*)::INTEGER AS n FROM ${table} d WHERE ${takenDownSql("d")}`);
      expect(n!.n).toBe(0);
    } finally {
      c.close();
    }
  });

  it("takes down a host with its subdomains and a document by id, and refuses a malformed request", async () => {
    const ws = path.join(await tempDir(), "ws");
    const c = await Catalog.open(ws, { create: true });
    try {
      const docs = await tajikDocs(6);
      const hosted = docs.map((d, i) =>
        "doc" in d
          ? {
              doc: {
                ...d.doc,
                url:
                  i < 2
                    ? `https://news.example.tj/${i}`
                    : i < 3
                      ? `http://m.news.example.tj/${i}`
                      : `https://other.tj/${i}`,
              },
            }
          : d,
      );
      const run = await SourceRun.begin(c, "ingest", {});
      await run.add("k", "k", hosted);
      await run.finish();
      expect((await takedown(c, { kind: "host", value: "NEWS.example.tj" })).docs).toBe(3);
      const id = (hosted[4] as { doc: { id: string } }).doc.id;
      expect((await takedown(c, { kind: "doc_id", value: id })).docs).toBe(1);
      const left = (await everyRow(c)).map((r) => r.url);
      expect(left).toEqual(["https://other.tj/3", "https://other.tj/5"]);
      await expect(takedown(c, { kind: "doc_id", value: "nope" })).rejects.toThrow(UsageError);
      await expect(takedown(c, { kind: "url", value: "news.example.tj/1" })).rejects.toThrow(/absolute URL/);
      expect((await listTakedowns(c)).length).toBe(2);
    } finally {
      c.close();
    }
  });
});
