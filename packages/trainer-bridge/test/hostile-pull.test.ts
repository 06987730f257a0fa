import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exportCorpus } from "../src/export/corpus.js";
import { pullExport } from "../src/pull.js";
import { tajikWorkspace } from "./helpers.js";

const TOKEN = "t0ken";
const BODY = Buffer.from("Салом, дунё"); // 20 bytes
const sha = createHash("sha256").update(BODY).digest("hex");
const MANIFEST = JSON.stringify({
  soro_manifest: 1,
  files: [{ path: "a.txt", bytes: BODY.length, sha256: sha }],
});

let server: Server | null = null;
afterEach(async () => {
  if (server) await new Promise((r) => server!.close(r));
  server = null;
});

/** A hostile export server on 127.0.0.1: the manifest above, and `/files/a.txt` answered by `files`. */
async function hostile(files: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    if (req.url === "/manifest.json") res.end(MANIFEST);
    else files(req, res);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server!.address() as { port: number }).port}`;
}

describe("a hostile export server", () => {
  it("cannot fill the disk past the manifest's size", async () => {
    const url = await hostile((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const more = () => {
        while (sent < 64 * 2 ** 20 && res.write(chunk)) sent += chunk.length;
        if (sent < 64 * 2 ** 20) res.once("drain", more);
        else res.end();
      };
      res.on("close", () => {
        sent = Number.POSITIVE_INFINITY;
      });
      more();
    });
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    await expect(pullExport({ url, token: TOKEN, dir })).rejects.toThrow(
      /a\.txt: the server sent more than the manifest's 20 bytes/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("refuses a 206 whose Content-Range is not the range asked for, appending nothing", async () => {
    const url = await hostile((req, res) => {
      expect(req.headers.range).toBe("bytes=5-");
      res.writeHead(206, { "Content-Range": `bytes 0-${BODY.length - 1}/${BODY.length}` });
      res.end(BODY);
    });
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    await writeFile(path.join(dir, "a.txt.part"), BODY.subarray(0, 5));
    await expect(pullExport({ url, token: TOKEN, dir })).rejects.toThrow(
      /answered range bytes 0-19\/20 to bytes=5-/,
    );
    expect((await stat(path.join(dir, "a.txt.part"))).size).toBe(5);
    expect(existsSync(path.join(dir, "manifest.json"))).toBe(false);
  });

  it("resumes with a matching Content-Range and writes the manifest last", async () => {
    const url = await hostile((req, res) => {
      const from = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
      res.writeHead(
        from ? 206 : 200,
        from ? { "Content-Range": `bytes ${from}-${BODY.length - 1}/${BODY.length}` } : {},
      );
      res.end(BODY.subarray(from));
    });
    const dir = await mkdtemp(path.join(tmpdir(), "soro-pull-"));
    await writeFile(path.join(dir, "a.txt.part"), BODY.subarray(0, 5));
    const s = await pullExport({ url, token: TOKEN, dir });
    expect(s.resumed).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(["a.txt", "manifest.json"]);
    expect(await readFile(path.join(dir, "a.txt"))).toEqual(BODY);
  });
});

describe("an interrupted export", () => {
  it("leaves no folder that looks like a dataset, and a rerun finishes it", async () => {
    const { catalog } = await tajikWorkspace();
    try {
      const out = path.join(await mkdtemp(path.join(tmpdir(), "soro-export-")), "corpus");
      // What a killed export leaves now: its staging folder, with a README and a train file but no manifest.
      await mkdir(path.join(`${out}.partial`, "data", "train"), { recursive: true });
      await writeFile(path.join(`${out}.partial`, "README.md"), "# half");
      await writeFile(path.join(`${out}.partial`, "data", "train", "train-0.jsonl"), "{}\n");
      expect(existsSync(out)).toBe(false);
      const s = await exportCorpus(catalog, { format: "jsonl", out });
      expect(existsSync(`${out}.partial`)).toBe(false);
      const files = (await readdir(out, { recursive: true })).map(String).sort();
      expect(files).toContain("manifest.json");
      expect(files).not.toContain("manifest.json.tmp");
      expect(s.manifest.files.map((f) => f.path).sort()).toEqual(
        files.filter((f) => f.includes(".") && f !== "manifest.json").sort(),
      );
      await expect(exportCorpus(catalog, { format: "jsonl", out })).rejects.toThrow(/not empty/);
    } finally {
      catalog.close();
    }
  }, 60_000);
});
