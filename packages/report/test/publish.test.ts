import { readdirSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { Catalog, PUBLISHED_COLUMNS, sqlString } from "@soro/core";
import { exportCorpus } from "@soro/trainer-bridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetCard } from "../src/index.js";
import { buildWorkspace, PLANTED_PII, tempDir } from "./workspace.js";

let catalog: Catalog;
let exportsDir: string;

beforeAll(async () => {
  const dir = await tempDir();
  await buildWorkspace(dir);
  // Every text format the bridge publishes.
  exportsDir = path.join(dir, "exports");
  const rw = await Catalog.open(path.join(dir, "ws"));
  try {
    for (const format of ["parquet", "jsonl"] as const)
      await exportCorpus(rw, { format, out: path.join(exportsDir, format) });
    await exportCorpus(rw, { format: "mds", mdsColumn: "text", out: path.join(exportsDir, "mds-text") });
    // An empty active final shard (what a task whose documents were all removed can leave): never published.
    const [shard] = await rw.activeShards(["dedup"]);
    const empty = shard!.path.replace(/\.parquet$/, "-empty.parquet");
    await rw.conn.run(
      `COPY (SELECT * FROM read_parquet(${sqlString(rw.shardPath(shard!))}) LIMIT 0) TO ${sqlString(rw.shardPath({ path: empty }))} (FORMAT parquet)`,
    );
    await rw.conn.run(
      `INSERT INTO shards SELECT * REPLACE (shard_id || '-empty' AS shard_id, ${sqlString(empty)} AS path, 0 AS rows)
       FROM shards WHERE shard_id = $1`,
      [shard!.shard_id],
    );
  } finally {
    rw.close();
  }
  catalog = await Catalog.open(path.join(dir, "ws"), { readOnly: true });
}, 120_000);

afterAll(() => catalog?.close());

const one = async (sql: string): Promise<number> =>
  Number(Object.values((await catalog.rows(sql))[0]!)[0] ?? 0);

/** Writes the card into a new folder, as `soro report --card --card-out DIR/README.md` does. */
async function writeCard(): Promise<{ dir: string; card: string }> {
  const dir = path.join(await tempDir(), "card");
  await mkdir(dir);
  const card = await datasetCard(catalog, { license: "cc-by-4.0" }, dir);
  await writeFile(path.join(dir, "README.md"), card);
  return { dir, card };
}

describe("the dataset card", () => {
  it("has the hubs' YAML header and the final documents beside it, trainer columns only, no empty files", async () => {
    const { dir, card } = await writeCard();
    const header = card.split("\n---\n")[0]!;
    expect(header).toMatch(/^---\nlanguage:\n- tg\nlicense: cc-by-4.0\n/);
    expect(header).toContain("- n<1K");
    // The files it names are found relative to the card.
    const named = [...header.matchAll(/^ {4}- "([^"]+)"$/gm)].map((m) => m[1]!);
    expect(named).toEqual(["data/*.parquet"]);
    const glob = sqlString(path.join(dir, named[0]!));
    expect((await readdir(path.join(dir, "data"))).length).toBe(
      await one(`SELECT count(*) FROM shards WHERE stage = 'dedup' AND status = 'active' AND rows > 0`),
    );
    expect(await one(`SELECT count(*) FROM read_parquet(${glob})`)).toBe(
      await one(`SELECT count(*) FROM ${await catalog.stageTableSql("dedup")}`),
    );
    const cols = await catalog.rows(
      `SELECT DISTINCT name FROM parquet_schema(${glob}) WHERE num_children IS NULL`,
    );
    expect(new Set(cols.map((c) => c.name))).toEqual(new Set(PUBLISHED_COLUMNS));
    expect(await one(`SELECT count(*) FROM parquet_file_metadata(${glob}) WHERE num_rows = 0`)).toBe(0);
    expect(
      await one(`SELECT count(*) FROM shards WHERE stage = 'dedup' AND status = 'active' AND rows = 0`),
    ).toBe(1);
    expect(card).toContain("## Known limitations");
    // Every document's licence is counted: the edu folder's sidecar licence, and unknown for the web file.
    const licences = card.split("## Licences")[1]!.split("##")[0]!;
    const row = (id: string) => new RegExp(`^\\| ${id} \\| (\\d+) \\| (\\d+) \\|`, "m").exec(licences);
    expect(row("CC-BY-SA-4.0")).not.toBeNull();
    expect(row("unknown")).not.toBeNull();
    expect(Number(row("CC-BY-SA-4.0")![2]) + Number(row("unknown")![2])).toBe(
      await one(`SELECT count(*) FROM ${await catalog.stageTableSql("dedup")}`),
    );
    expect(
      await one(
        `SELECT count(DISTINCT licence) FROM read_parquet(${glob}) WHERE licence IN ('CC-BY-SA-4.0', 'unknown')`,
      ),
    ).toBe(2);
    for (const { config_hash } of await catalog.rows(
      `SELECT DISTINCT config_hash FROM stage_runs WHERE stage = 'dedup'`,
    ))
      expect(card).toContain(String(config_hash));
    // Without a folder the card names no files and says how to publish them.
    const bare = await datasetCard(catalog, { license: "cc-by-4.0" });
    expect(bare.split("\n---\n")[0]).not.toContain("configs:");
    expect(bare).toContain("--card-out DIR/README.md");
    await expect(datasetCard(catalog, {}, dir)).rejects.toThrow(/not empty/);
  });

  it("publishes no planted e-mail or phone number in any byte of any export or card", async () => {
    // The workspace holds them (text_original keeps the text before masking), so there is something to leak.
    const originals = await catalog.rows(`SELECT text_original FROM ${await catalog.stageTableSql("dedup")}`);
    const held = PLANTED_PII.filter((p) => originals.some((r) => String(r.text_original).includes(p)));
    expect(held.length).toBeGreaterThanOrEqual(4);
    const { dir } = await writeCard();
    const files = [exportsDir, dir].flatMap((d) =>
      readdirSync(d, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => path.join(e.parentPath, e.name)),
    );
    expect(files.filter((f) => f.endsWith(".parquet")).length).toBeGreaterThanOrEqual(2);
    expect(files.filter((f) => f.endsWith(".jsonl")).length).toBeGreaterThanOrEqual(1);
    for (const f of files) {
      const bytes = await readFile(f);
      // Parquet pages are compressed: their rows are read back too.
      const rows = f.endsWith(".parquet")
        ? JSON.stringify(await catalog.rows(`SELECT * FROM read_parquet(${sqlString(f)})`))
        : "";
      for (const p of PLANTED_PII) {
        expect(bytes.includes(Buffer.from(p)), `${p} in ${f}`).toBe(false);
        expect(rows.includes(p), `${p} in the rows of ${f}`).toBe(false);
      }
    }
  });
});
