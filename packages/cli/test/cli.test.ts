import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { runSoro, udhrJsonl } from "./soro-process.js";

/** Runs the real `soro` binary and returns its exit code and output. */
const soro = (...args: string[]) => runSoro(args);

async function workspaceWithDocs(): Promise<{ ws: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-cli-"));
  const { file } = await udhrJsonl(dir);
  const ws = path.join(dir, "ws");
  expect(soro("-w", ws, "ingest", file, "--source", "web").code).toBe(0);
  return { ws, dir };
}

describe("soro CLI", () => {
  it("ingests, shows status and answers read-only SQL over the shards", async () => {
    const { ws } = await workspaceWithDocs();
    const status = soro("-w", ws, "status", "--json");
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as { stages: Array<{ stage: string; docs: number }> };
    expect(parsed.stages).toEqual([
      expect.objectContaining({ stage: "ingest", docs: (await udhrParagraphs("tgk")).length }),
    ]);
    const sql = soro("-w", ws, "sql", "select count(*) as n from docs_ingest where text like '%ҳуқуқ%'");
    expect(sql.code).toBe(0);
    const expected = (await udhrParagraphs("tgk")).filter((t) => t.includes("ҳуқуқ")).length;
    expect(
      sql.stdout
        .trim()
        .split("\n")
        .map((l) => l.trim()),
    ).toEqual(["n", "--", String(expected)]);
    for (const attack of [
      "delete from shards",
      "select * from read_text('/etc/passwd')",
      `attach '${ws}/x.duckdb'`,
    ]) {
      const refused = soro("-w", ws, "sql", attack);
      expect(refused.code).toBe(2);
      expect(refused.stderr.split("\n")).toHaveLength(1);
      expect(refused.stderr).toMatch(/^soro sql: refused: /);
    }
    expect(soro("-w", ws, "verify").stdout).toContain("all shards verified");
  });

  it("gives one-line errors with exit codes for a missing workspace, a newer catalog and a corrupt shard", async () => {
    const missing = soro("-w", "/nonexistent/soro-ws", "status");
    expect(missing.code).toBe(3);
    expect(missing.stderr.split("\n")).toHaveLength(1);
    expect(missing.stderr).toMatch(/no workspace at \/nonexistent\/soro-ws.*soro init/);

    const { ws } = await workspaceWithDocs();
    const [shard] = (await readdir(path.join(ws, "shards", "ingest"))).filter((f) => f.endsWith(".parquet"));
    const shardPath = path.join(ws, "shards", "ingest", shard!);
    await writeFile(shardPath, "PAR1 truncated");
    const verify = soro("-w", ws, "verify");
    expect(verify.code).toBe(5);
    expect(verify.stdout).toContain(shard);
    const sql = soro("-w", ws, "sql", "select count(*) from docs_ingest");
    expect(sql.code).not.toBe(0);
    expect(sql.stderr.split("\n")).toHaveLength(1);
    expect(sql.stderr).toContain(shard);
    expect(sql.stderr).toContain("soro verify --repair");
    // The repair takes the shard's input back so the ingest rerun rebuilds it.
    const repair = soro("-w", ws, "verify", "--repair");
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain("now run: `soro ingest (the same paths)`");
    expect(soro("-w", ws, "verify").stdout).toContain("all shards verified");
    expect(soro("-w", ws, "status").code).toBe(0);

    const db = await DuckDBInstance.create(path.join(ws, "catalog.duckdb"));
    const conn = await db.connect();
    await conn.run(`UPDATE soro_meta SET value = '42' WHERE key = 'schema_version'`);
    conn.closeSync();
    db.closeSync();
    const newer = soro("-w", ws, "status");
    expect(newer.code).toBe(4);
    expect(newer.stderr.split("\n")).toHaveLength(1);
    expect(newer.stderr).toContain(path.join(ws, "catalog.duckdb"));
    expect(newer.stderr).toMatch(/newer than this soro knows.*upgrade/);
  });
});
