import { timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import { SoroError } from "@soro/core";
import type { Manifest } from "./export/manifest.js";

/** Options of the export server. */
export interface ServeOptions {
  dir: string;
  /** Clients must send `Authorization: Bearer <token>`. */
  token: string;
  host?: string;
  port?: number;
  /** Called for each request (an access log). */
  onRequest?: (req: { method: string; path: string; range: string | null; status: number }) => void;
}

/** Reads and parses an export's manifest.json, naming the folder when it is not an export. */
export async function readManifest(dir: string): Promise<Manifest> {
  try {
    return JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as Manifest;
  } catch (err) {
    throw new SoroError(
      `soro bridge: ${dir} has no readable manifest.json (${(err as Error).message})`,
      "serve a folder written by `soro bridge export`",
      2,
    );
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Parses one `bytes=` range against a size: [start, end] inclusive, null when unsatisfiable, undefined when absent. */
export function parseRange(header: string | undefined, size: number): [number, number] | null | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : null;
}

/**
 * Serves an export over HTTP: `/manifest.json` and `/files/<path>` for the files the manifest lists (nothing else),
 * with bearer-token auth, Range requests and ETag = the file's sha256. Returns the listening server.
 */
export async function serveExport(opts: ServeOptions): Promise<Server> {
  const manifest = await readManifest(opts.dir);
  const files = new Map(manifest.files.map((f) => [f.path, f]));
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const auth = req.headers.authorization ?? "";
    if (!auth.startsWith("Bearer ") || !sameToken(auth.slice(7), opts.token)) {
      res.writeHead(401, { "WWW-Authenticate": 'Bearer realm="soro"' }).end("bad or missing token\n");
      return 401;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return 405;
    }
    const url = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let abs: string;
    let etag: string | null = null;
    const f = url.startsWith("/files/") ? files.get(url.slice(7)) : undefined;
    if (url === "/manifest.json") {
      abs = path.join(opts.dir, "manifest.json");
    } else if (f) {
      abs = path.join(opts.dir, ...f.path.split("/"));
      etag = `"${f.sha256}"`;
    } else {
      res.writeHead(404).end("not in the manifest\n");
      return 404;
    }
    const size = (await stat(abs)).size;
    const headers: Record<string, string | number> = {
      "Accept-Ranges": "bytes",
      "Content-Type": url.endsWith(".json") ? "application/json" : "application/octet-stream",
    };
    if (etag) headers.ETag = etag;
    if (etag && req.headers["if-none-match"] === etag) {
      res.writeHead(304, headers).end();
      return 304;
    }
    const range = parseRange(req.headers.range, size);
    if (range === null) {
      res.writeHead(416, { ...headers, "Content-Range": `bytes */${size}` }).end();
      return 416;
    }
    const [start, end] = range ?? [0, size - 1];
    const status = range ? 206 : 200;
    headers["Content-Length"] = Math.max(0, end - start + 1);
    if (range) headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    if (req.method === "HEAD" || size === 0) {
      res.end();
      return status;
    }
    await new Promise<void>((resolve) => {
      const stream = createReadStream(abs, { start, end });
      stream.on("error", () => res.destroy());
      res.on("close", () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
    return status;
  };
  const server = createServer((req, res) => {
    handle(req, res).then(
      (status) =>
        opts.onRequest?.({
          method: req.method ?? "",
          path: req.url ?? "",
          range: req.headers.range ?? null,
          status,
        }),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  return server;
}
