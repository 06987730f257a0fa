import { copyFile, mkdir, mkdtemp, open, readFile, stat, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCorpus } from "../src/export/corpus.js";
import { pullExport } from "../src/pull.js";
import { parseRange, serveExport } from "../src/serve.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let exportDir: string;
let server: Server;
let url: string;
const log: Array<{ path: string; range: string | null; status: number }> = [];
const TOKEN = "s3cret-token";

beforeAll(async () => {
  ({ catalog } = await tajikWorkspace());
  exportDir = await mkdtemp(path.join(tmpdir(), "soro-serve-"));
  // Small files so the export has several to pull.
  await exportCorpus(catalog, { format: "mds", mdsColumn: "text", out: exportDir, workers: 0 });
  server = await serveExport({ dir: exportDir, token: TOKEN, onRequest: (r) => log.push(r) });
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  catalog.close();
});

describe("serve and pull", () => {
  it("serves the manifest and files with ETag and Range", async () => {
    const manifest = JSON.parse(await readFile(path.join(exportDir, "manifest.json"), "utf8"));
    const f = manifest.files[0];
    const res = await fetch(`${url}/files/${f.path}`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Range: "bytes=2-5" },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get("etag")).toBe(`"${f.sha256}"`);
    expect(res.headers.get("content-range")).toBe(`bytes 2-5/${f.bytes}`);
    const whole = await readFile(path.join(exportDir, f.path));
    expect(Buffer.from(await res.arrayBuffer())).toEqual(whole.subarray(2, 6));
    expect(
      (await fetch(`${url}/files/../../etc/passwd`, { headers: { Authorization: `Bearer ${TOKEN}` } }))
        .status,
    ).toBe(404);
    expect(parseRange("bytes=-3", 10)).toEqual([7, 9]);
    expect(parseRange("bytes=20-", 10)).toBeNull();
  });

  it("refuses a wrong token", async () => {
    expect((await fetch(`${url}/manifest.json`, { headers: { Authorization: "Bearer nope" } })).status).toBe(
      401,
    );
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    await expect(pullExport({ url, token: "nope", dir })).rejects.toThrow(/refused the token/);
  });

  it("resumes a pull interrupted half-way and verifies every file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    const manifest = JSON.parse(await readFile(path.join(exportDir, "manifest.json"), "utf8"));
    const big = [...manifest.files].sort((a, b) => b.bytes - a.bytes)[0];
    // What an interrupted transfer leaves: the first half of the file as .part.
    const src = await readFile(path.join(exportDir, big.path));
    const part = path.join(dir, `${big.path}.part`);
    await mkdir(path.dirname(part), { recursive: true });
    await writeFile(part, src.subarray(0, Math.floor(src.length / 2)));
    log.length = 0;
    const s = await pullExport({ url, token: TOKEN, dir });
    expect(s.resumed).toBe(1);
    expect(s.downloaded).toBe(manifest.files.length - 1);
    expect(log.find((r) => r.path.endsWith(big.path))).toMatchObject({
      range: `bytes=${Math.floor(src.length / 2)}-`,
      status: 206,
    });
    for (const f of manifest.files) expect((await stat(path.join(dir, f.path))).size).toBe(f.bytes);
    expect(await readFile(path.join(dir, "manifest.json"), "utf8")).toBe(
      await readFile(path.join(exportDir, "manifest.json"), "utf8"),
    );
    const again = await pullExport({ url, token: TOKEN, dir });
    expect(again.present).toBe(manifest.files.length);
  });

  it("catches a corrupted byte loudly", async () => {
    const manifest = JSON.parse(await readFile(path.join(exportDir, "manifest.json"), "utf8"));
    const f = manifest.files.find((x: { path: string }) => x.path.endsWith(".mds"));
    const file = path.join(exportDir, f.path);
    await copyFile(file, `${file}.bak`);
    const h = await open(file, "r+");
    const b = Buffer.alloc(1);
    await h.read(b, 0, 1, 100);
    b[0] = b[0]! ^ 0xff;
    await h.write(b, 0, 1, 100);
    await h.close();
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    try {
      await expect(pullExport({ url, token: TOKEN, dir })).rejects.toThrow(/is corrupt: sha256/);
      await expect(stat(path.join(dir, `${f.path}.part`))).rejects.toThrow();
    } finally {
      await copyFile(`${file}.bak`, file);
    }
  });
});
