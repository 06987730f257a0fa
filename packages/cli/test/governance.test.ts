import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { runSoro, udhrJsonl } from "./soro-process.js";

const soro = (...args: string[]) => runSoro(args, { SORO_USER: "editor" });

/** Rows of a query over Parquet/JSON files, on a private DuckDB. */
async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

/** `soro bridge export --format parquet` of the ingest stage into `out`, with more flags. */
const exportIngest = (ws: string, out: string, ...more: string[]) =>
  soro("-w", ws, "bridge", "export", "--format", "parquet", "--out", out, "--stage", "ingest", ...more);

describe("soro takedown, bridge export --licence-allow and bridge diff", () => {
  it("takes a URL out of every shard and every later export, names the earlier export, and diffs the two", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-gov-cli-"));
    const { file, paragraphs } = await udhrJsonl(dir);
    const ws = path.join(dir, "ws");
    expect(soro("-w", ws, "ingest", file, "--source", "web", "--licence", "CC BY 4.0").code).toBe(0);
    const before = path.join(dir, "export-a");
    expect(exportIngest(ws, before).code).toBe(0);

    const url = "https://udhr.example/7";
    const t = soro("-w", ws, "takedown", "--url", url, "--reason", "the author asked");
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toMatch(
      // Every stage's shards are rewritten alike (core's takedown tests run a stage after ingest).
      /takedown 1: 1 documents \(1 copies\) removed; shards rewritten: ingest 1/,
    );
    expect(t.stdout).toContain(`rebuild export ${before} (parquet`);
    expect(t.stdout).toContain("holds taken-down documents");
    const list = soro("-w", ws, "takedown", "--list");
    expect(list.stdout).toMatch(
      new RegExp(`^1\\t\\d{4}-.*\\turl=${url}\\tby editor\\t1 docs\\tthe author asked$`, "m"),
    );
    expect(
      soro("-w", ws, "sql", `select count(*) as n from docs_ingest where url = '${url}'`).stdout,
    ).toMatch(/\b0\b/);
    expect(soro("-w", ws, "verify").stdout).toContain("all shards verified");
    // A later ingest of the same file (changed, so read again) leaves it out.
    await writeFile(file, `${await readFile(file, "utf8")}\n`);
    expect(soro("-w", ws, "ingest", file, "--source", "web", "--licence", "CC BY 4.0").code).toBe(0);
    expect(
      soro("-w", ws, "sql", `select count(*) as n from docs_ingest where url = '${url}'`).stdout,
    ).toMatch(/\b0\b/);

    const after = path.join(dir, "export-b");
    const e = exportIngest(ws, after, "--licence-allow", "CC-BY-4.0");
    expect(e.code, e.stderr).toBe(0);
    const rows = await query(`SELECT url, licence FROM read_parquet('${after}/data/*/*.parquet')`);
    expect(rows.length).toBe(paragraphs.length - 1);
    expect(rows.some((r) => r.url === url)).toBe(false);
    expect(new Set(rows.map((r) => r.licence))).toEqual(new Set(["CC-BY-4.0"]));
    const none = path.join(dir, "export-c");
    exportIngest(ws, none, "--licence-allow", "CC-BY-SA-4.0");
    expect(JSON.parse(await readFile(path.join(none, "manifest.json"), "utf8")).docs).toBe(0);

    const d = soro("bridge", "diff", before, after, "--json");
    expect(d.code, d.stderr).toBe(0);
    const diff = JSON.parse(d.stdout);
    expect(diff.docs).toMatchObject({
      a: paragraphs.length,
      b: paragraphs.length - 1,
      added: 0,
      removed: 1,
      changed: 0,
    });
    expect(diff.groups).toEqual([
      { source: "web", licence: "CC-BY-4.0", added: 0, removed: 1, changed: 0, tokenDelta: null },
    ]);
    expect(diff.settings).toContain('licence_allow: null → ["CC-BY-4.0"]');
    expect(soro("bridge", "diff", before, after).stdout).toContain("web CC-BY-4.0: +0 -1 ~0 docs");

    const card = soro("-w", ws, "report", "--card");
    expect(card.stdout).toMatch(/\| CC-BY-4\.0 \| \d+ \| \d+ \|/);
    expect(card.stdout).toContain(`| url ${url} | editor | the author asked | 1 |`);
  }, 240_000);
});
