import { createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileSha256, SoroError } from "@soro/core";
import type { Manifest, ManifestFile } from "./export/manifest.js";
import { emptyPullSummary, type PullSummary, safeParts } from "./pull-common.js";

export type { PullSummary } from "./pull-common.js";

/** Options of a pull. */
export interface PullOptions {
  /** Base URL of a `soro bridge serve` server, e.g. http://127.0.0.1:8731 */
  url: string;
  token: string;
  dir: string;
  onFile?: (file: ManifestFile, outcome: "present" | "downloaded" | "resumed") => void;
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

async function get(
  opts: PullOptions,
  urlPath: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(urlPath, opts.url), {
      headers: { Authorization: `Bearer ${opts.token}`, ...headers },
    });
  } catch (err) {
    throw new SoroError(
      `soro bridge pull: cannot reach ${opts.url} (${(err as Error).message})`,
      "check that `soro bridge serve` runs there",
      7,
    );
  }
  if (res.status === 401) {
    throw new SoroError(
      `soro bridge pull: ${opts.url} refused the token`,
      "pass the token the server was started with",
      7,
    );
  }
  if (!res.ok) {
    throw new SoroError(
      `soro bridge pull: ${urlPath} answered ${res.status}`,
      "check the server's export",
      7,
    );
  }
  return res;
}

/** A manifest bigger than this is not one (a million files take about 200 MB). */
const MAX_MANIFEST_BYTES = 256 * 2 ** 20;

/** A response's body as text, refused past `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of Readable.fromWeb(res.body as import("node:stream/web").ReadableStream)) {
    n += (chunk as Buffer).length;
    if (n > max)
      throw new SoroError(
        `soro bridge pull: the manifest is over ${max} bytes`,
        "check the server's export",
        5,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Passes at most `limit` bytes on: a server sending more than the manifest's size is refused, not written. */
function upTo(file: ManifestFile, limit: number): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      n += chunk.length;
      if (n <= limit) return done(null, chunk);
      done(
        new SoroError(
          `soro bridge pull: ${file.path}: the server sent more than the manifest's ${file.bytes} bytes`,
          "the partial copy was removed; check the server's export, then pull again",
          5,
        ),
      );
    },
  });
}

/** Refuses a 206 whose Content-Range is not the range asked for (`have`- to the end of the file). */
function checkContentRange(file: ManifestFile, header: string | null, have: number): void {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header ?? "");
  if (
    m &&
    Number(m[1]) === have &&
    Number(m[2]) === file.bytes - 1 &&
    (m[3] === "*" || Number(m[3]) === file.bytes)
  )
    return;
  throw new SoroError(
    `soro bridge pull: ${file.path}: the server answered range ${header ?? "(none)"} to bytes=${have}- of ${file.bytes}`,
    "pull again; if this repeats, delete the .part file to start over",
    5,
  );
}

/**
 * Pulls an export to a folder: files already complete (sha256 verified) are kept, partial `.part` files resume with
 * a Range request, every file's sha256 is checked against the manifest and the server's ETag, and a mismatch is
 * refused (the bad file is removed). manifest.json is written last, so its presence means a complete pull.
 */
export async function pullExport(opts: PullOptions): Promise<PullSummary> {
  const manifestText = await readCapped(await get(opts, "/manifest.json"), MAX_MANIFEST_BYTES);
  const manifest = JSON.parse(manifestText) as Manifest;
  await mkdir(opts.dir, { recursive: true });
  const summary = emptyPullSummary(manifest.files.length);
  for (const file of manifest.files) {
    const dest = path.join(opts.dir, ...safeParts(file));
    const part = `${dest}.part`;
    if ((await sizeOf(dest)) === file.bytes && (await fileSha256(dest)) === file.sha256) {
      summary.present++;
      opts.onFile?.(file, "present");
      continue;
    }
    await mkdir(path.dirname(dest), { recursive: true });
    let have = (await sizeOf(part)) ?? 0;
    if (have > file.bytes) {
      await rm(part);
      have = 0;
    }
    if (have < file.bytes) {
      const res = await get(
        opts,
        `/files/${file.path.split("/").map(encodeURIComponent).join("/")}`,
        have > 0 ? { Range: `bytes=${have}-` } : {},
      );
      const etag = res.headers.get("etag");
      if (etag && etag !== `"${file.sha256}"`) {
        throw new SoroError(
          `soro bridge pull: ${file.path} changed on the server (ETag ${etag})`,
          "pull the export again from the start",
          5,
        );
      }
      // A server that ignores Range answers 200 with the whole file: start the part over.
      const append = have > 0 && res.status === 206;
      if (append) checkContentRange(file, res.headers.get("content-range"), have);
      if (!append) have = 0;
      await pipeline(
        Readable.fromWeb(res.body as import("node:stream/web").ReadableStream),
        upTo(file, file.bytes - have),
        createWriteStream(part, { flags: append ? "a" : "w" }),
      ).catch(async (err: unknown) => {
        if (err instanceof SoroError) await rm(part, { force: true });
        throw err;
      });
      summary.bytes += ((await sizeOf(part)) ?? 0) - have;
    }
    const got = await fileSha256(part);
    if (got !== file.sha256) {
      await rm(part, { force: true });
      throw new SoroError(
        `soro bridge pull: ${file.path} is corrupt: sha256 ${got}, manifest says ${file.sha256}`,
        "the copy was removed; re-export on the server if this repeats, then pull again",
        5,
      );
    }
    await rename(part, dest);
    if (have > 0) summary.resumed++;
    else summary.downloaded++;
    opts.onFile?.(file, have > 0 ? "resumed" : "downloaded");
  }
  const tmp = path.join(opts.dir, "manifest.json.part");
  await writeFile(tmp, manifestText, { flush: true });
  await rename(tmp, path.join(opts.dir, "manifest.json"));
  return summary;
}
