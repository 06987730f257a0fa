import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import {
  Catalog,
  CatalogVersionError,
  CORE_MIGRATIONS,
  WorkspaceMissingError,
  workspaceStatus,
} from "../src/index.js";
import { seedWorkspace, tempDir } from "./helpers.js";

describe("catalog", () => {
  it("creates, migrates to the current version and reopens", async () => {
    const dir = await tempDir();
    const c = await Catalog.open(dir, { create: true });
    expect(await c.version()).toBe(CORE_MIGRATIONS.length);
    c.close();
    const again = await Catalog.open(dir);
    expect(await again.version()).toBe(CORE_MIGRATIONS.length);
    again.close();
  });

  it("refuses a missing workspace with a hint", async () => {
    const dir = path.join(await tempDir(), "nowhere");
    const err = await Catalog.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceMissingError);
    expect((err as WorkspaceMissingError).oneLine()).toMatch(/no workspace at .*nowhere.*soro init/);
  });

  it("refuses a catalog from a newer schema version, naming the file", async () => {
    const dir = await tempDir();
    (await Catalog.open(dir, { create: true })).close();
    const db = await DuckDBInstance.create(path.join(dir, "catalog.duckdb"));
    const conn = await db.connect();
    await conn.run(`UPDATE soro_meta SET value = '99' WHERE key = 'schema_version'`);
    conn.closeSync();
    db.closeSync();
    const err = await Catalog.open(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogVersionError);
    expect((err as CatalogVersionError).oneLine()).toContain(path.join(dir, "catalog.duckdb"));
    expect((err as CatalogVersionError).oneLine()).toMatch(
      new RegExp(`version 99, newer than this soro knows \\(${CORE_MIGRATIONS.length}\\).*upgrade`),
    );
  });

  it("registers source shards with statistics and deletes unregistered files as orphans", async () => {
    const dir = await tempDir();
    await seedWorkspace(dir, 3, 20);
    const c = await Catalog.open(dir);
    try {
      const status = await workspaceStatus(c);
      expect(status.stages).toEqual([expect.objectContaining({ stage: "ingest", shards: 3, docs: 60 })]);
      const io = await c.rows(`SELECT sum(docs_in) AS n FROM stage_io WHERE stage = 'ingest'`);
      expect(io[0]!.n).toBe(60);
      const orphan = path.join(dir, "shards", "ingest", "leftover.parquet");
      await writeFile(orphan, "half-written");
      expect(await c.removeOrphans("ingest")).toEqual([path.join("shards", "ingest", "leftover.parquet")]);
      expect(existsSync(orphan)).toBe(false);
      expect((await c.activeShards(["ingest"])).length).toBe(3);
    } finally {
      c.close();
    }
  });
});
