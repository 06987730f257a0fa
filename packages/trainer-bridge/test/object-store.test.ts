import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { startS3 } from "@soro/scale/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCorpus } from "../src/export/corpus.js";
import type { Manifest } from "../src/export/manifest.js";
import { pullExportFromStorage, pushExport } from "../src/object-store.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let exportDir: string;
let s3: Awaited<ReturnType<typeof startS3>>;
const tmp = (p: string) => mkdtemp(path.join(tmpdir(), p));

beforeAll(async () => {
  ({ catalog } = await tajikWorkspace());
  exportDir = await tmp("soro-s3-export-");
  await exportCorpus(catalog, { format: "jsonl", out: exportDir, workers: 0 });
  s3 = await startS3("exports");
}, 60_000);
afterAll(async () => {
  await s3.close();
  catalog.close();
});

describe("exports on object storage", () => {
  it("pushes an export to an S3-compatible server and pulls it back byte for byte", async () => {
    const uri = "s3://exports/tg/v1";
    const pushed = await pushExport(exportDir, uri);
    const manifest = JSON.parse(await readFile(path.join(exportDir, "manifest.json"), "utf8")) as Manifest;
    expect(pushed.files).toBe(manifest.files.length);
    expect(pushed.files).toBeGreaterThan(1);

    const dest = await tmp("soro-s3-pull-");
    const first = await pullExportFromStorage(uri, dest);
    expect(first).toMatchObject({
      files: manifest.files.length,
      downloaded: manifest.files.length,
      present: 0,
    });
    for (const f of [...manifest.files.map((m) => m.path), "manifest.json"]) {
      expect(await readFile(path.join(dest, f))).toEqual(await readFile(path.join(exportDir, f)));
    }
    const again = await pullExportFromStorage(uri, dest);
    expect(again).toMatchObject({ downloaded: 0, present: manifest.files.length });
  });

  it("refuses a corrupt object and keeps no bad file", async () => {
    const uri = "s3://exports/tg/corrupt";
    await pushExport(exportDir, uri);
    const manifest = JSON.parse(await readFile(path.join(exportDir, "manifest.json"), "utf8")) as Manifest;
    const victim = manifest.files[0]!.path;
    // Overwrite the object behind the manifest's back, as a partial upload or bit rot would.
    const bad = path.join(await tmp("soro-s3-bad-"), "bad");
    await writeFile(bad, "not the exported bytes");
    const { openStorage } = await import("@soro/scale");
    await openStorage(uri).putFile(victim, bad);

    const dest = await tmp("soro-s3-pull-bad-");
    await expect(pullExportFromStorage(uri, dest)).rejects.toThrow(new RegExp(`${victim} is corrupt`));
    await expect(readFile(path.join(dest, victim))).rejects.toThrow(/ENOENT/);
    await expect(readFile(path.join(dest, "manifest.json"))).rejects.toThrow(/ENOENT/);
  });
});
