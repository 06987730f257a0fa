import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Catalog, lockDownForQueries, runUserQuery, UsageError } from "../src/index.js";
import { seedWorkspace, tempDir } from "./helpers.js";

/** Runs one query the way `soro sql` does: a read-only catalog, locked down, one statement. */
async function userQuery(ws: string, sql: string): Promise<Record<string, unknown>[]> {
  const c = await Catalog.open(ws, { readOnly: true });
  try {
    await lockDownForQueries(c);
    return await runUserQuery(c, sql);
  } finally {
    c.close();
  }
}

describe("ad-hoc SQL over a workspace", () => {
  let ws: string;
  let outside: string;
  let shard: string;
  beforeAll(async () => {
    const dir = await tempDir();
    ws = path.join(dir, "ws");
    outside = path.join(dir, "outside");
    await seedWorkspace(ws, 1, 3);
    const c = await Catalog.open(ws);
    await c.conn.run("CREATE TABLE IF NOT EXISTS sft_review_users (name VARCHAR, role VARCHAR)");
    await c.conn.run("INSERT INTO sft_review_users VALUES ('alice', 'annotator')");
    shard = c.shardPath((await c.activeShards(["ingest"]))[0]!);
    c.close();
  });

  it("reads the catalog and the docs_<stage> views over the shards", async () => {
    expect(await userQuery(ws, "SELECT count(*) AS n FROM docs_ingest")).toEqual([{ n: 3 }]);
    expect(await userQuery(ws, "select stage from shards;")).toEqual([{ stage: "ingest" }]);
    expect((await userQuery(ws, "EXPLAIN SELECT * FROM docs_ingest")).length).toBeGreaterThan(0);
    expect((await userQuery(ws, "DESCRIBE docs_ingest")).map((r) => r.column_name)).toContain("text");
  });

  const attacks: Array<[string, (ws: string, outside: string, shard: string) => string]> = [
    [
      "attach a database, detach the catalog and reattach it read-write to make an annotator a lead",
      (ws, outside) =>
        `ATTACH '${outside}.duckdb' AS n (READ_WRITE); USE n; DETACH catalog; ATTACH '${ws}/catalog.duckdb' AS c2 (READ_WRITE); UPDATE c2.sft_review_users SET role='lead' WHERE name='alice'`,
    ],
    ["attach a database", (_ws, outside) => `ATTACH '${outside}.duckdb' AS n (READ_WRITE)`],
    ["rewrite a registered shard with COPY", (_ws, _o, shard) => `COPY (SELECT 'x' AS text) TO '${shard}'`],
    [
      "write through EXPLAIN ANALYZE",
      (_ws, _o, shard) => `EXPLAIN ANALYZE COPY (SELECT 'x' AS text) TO '${shard}'`,
    ],
    [
      "write through a commented EXPLAIN ANALYZE",
      (_ws, _o, shard) => `EXPLAIN /* x */ ANALYZE COPY (SELECT 1) TO '${shard}'`,
    ],
    ["read /etc/passwd", () => "SELECT * FROM read_text('/etc/passwd')"],
    ["list /root", () => "SELECT * FROM glob('/root/*')"],
    ["read a file outside the workspace as CSV", () => "SELECT * FROM read_csv('/etc/passwd')"],
    ["export the database", (_ws, outside) => `EXPORT DATABASE '${outside}'`],
    ["update the catalog", () => "UPDATE shards SET status = 'superseded'"],
    ["turn external access back on", () => "SET enable_external_access = true"],
    ["unlock the configuration", () => "SET lock_configuration = false"],
    ["install an extension", () => "INSTALL httpfs"],
    ["load an extension", () => "LOAD httpfs"],
    ["create a table", () => "CREATE TABLE x AS SELECT 1"],
    ["two statements, the second a write", () => "SELECT 1; DELETE FROM shards"],
    [
      "a path that climbs out of the shard folder",
      (ws) => `SELECT * FROM read_text('${ws}/shards/../../../etc/passwd')`,
    ],
  ];
  for (const [what, make] of attacks)
    it(`refuses to ${what} with a one-line usage error`, async () => {
      const before = readFileSync(shard);
      const err = await userQuery(ws, make(ws, outside, shard)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(2);
      expect((err as UsageError).oneLine()).not.toContain("\n");
      expect(readFileSync(shard).equals(before)).toBe(true);
      expect(existsSync(`${outside}.duckdb`) || existsSync(outside)).toBe(false);
    });

  it("left the catalog and the shards as they were", async () => {
    const c = await Catalog.open(ws, { readOnly: true });
    expect(await c.rows("SELECT role FROM sft_review_users")).toEqual([{ role: "annotator" }]);
    expect(await c.rows("SELECT status FROM shards")).toEqual([{ status: "active" }]);
    c.close();
    expect(readdirSync(path.dirname(shard))).toHaveLength(1);
  });
});
