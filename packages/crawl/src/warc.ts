import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, stat, truncate, unlink } from "node:fs/promises";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { defined } from "@soro/core";
import { WARCParser, WARCRecord } from "warcio";
import { WARCSerializer } from "warcio/node";
import { type FetchResult, header } from "./fetcher.js";

/** Where one record lies: file (relative to the WARC folder), byte offset and length of its gzip member. */
export interface WarcLocation {
  file: string;
  offset: number;
  length: number;
}

/** Hop-by-hop and encoding headers that no longer describe the stored (decoded) payload. */
const REWRITTEN = new Set(["content-encoding", "content-length", "transfer-encoding"]);

/**
 * Appends response records to WARC/1.1 files, one gzip member per record (so each record can be read alone
 * from its offset), starting a new file when the current one passes `maxFileBytes`.
 */
export class WarcWriter {
  private file: string | null = null;
  private handle: Awaited<ReturnType<typeof open>> | null = null;
  private size = 0;
  private seq = 0;
  private chain: Promise<unknown> = Promise.resolve();
  /** Serialized records waiting for the next file write. */
  private waiting: Array<{
    bytes: Uint8Array;
    resolve: (loc: WarcLocation) => void;
    reject: (err: Error) => void;
  }> = [];
  private readonly stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");

  constructor(
    readonly dir: string,
    readonly maxFileBytes = 1024 * 1024 * 1024,
    readonly prefix = "soro-crawl",
  ) {}

  /** Writes one response as a WARC record; the body is stored decoded, with the original encoding noted. */
  async writeResponse(res: FetchResult, fetchedAt: Date): Promise<WarcLocation> {
    const httpHeaders: Array<[string, string]> = res.headers.filter(([k]) => !REWRITTEN.has(k));
    httpHeaders.push(["content-length", String(res.body.length)]);
    // Common Crawl's convention: keep what was rewritten under X-Crawler-* names.
    if (res.contentEncoding) httpHeaders.push(["x-crawler-content-encoding", res.contentEncoding]);
    const length = header(res, "content-length");
    if (length) httpHeaders.push(["x-crawler-content-length", length]);
    const warcHeaders: Record<string, string> = {
      "WARC-Record-ID": `<urn:uuid:${randomUUID()}>`,
      "Content-Type": "application/http; msgtype=response",
    };
    // WARC/1.1 knows length, time, disconnect and unspecified; a bomb cut-off is unspecified.
    if (res.truncated)
      warcHeaders["WARC-Truncated"] = res.truncated === "ratio" ? "unspecified" : res.truncated;
    const record = WARCRecord.create(
      {
        url: res.url,
        date: fetchedAt.toISOString(),
        type: "response",
        warcVersion: "WARC/1.1",
        statusline: `HTTP/1.1 ${res.status} ${res.statusText}`,
        httpHeaders,
        warcHeaders,
      },
      [new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.length)],
    );
    // Digests and gzip done here in one call each: warcio's per-record WASM hashers and streaming compression
    // cost more than the rest of the crawl's per-page work.
    const http = Buffer.from(
      `${defined(record.httpHeaders, "the response record's HTTP headers").toString()}\r\n`,
    );
    const sha = (...parts: Buffer[]) => {
      const h = createHash("sha256");
      for (const p of parts) h.update(p);
      return `sha256:${h.digest("hex")}`;
    };
    record.warcHeaders.headers.set("WARC-Payload-Digest", sha(res.body));
    record.warcHeaders.headers.set("WARC-Block-Digest", sha(http, res.body));
    const bytes = gzipSync(await WARCSerializer.serialize(record, { gzip: false }));
    return new Promise<WarcLocation>((resolve, reject) => {
      // Records that arrive while a write is under way go out together in the next one: one file write per
      // record cost about as much of the crawler's thread as gzip did.
      if (this.waiting.length === 0) this.serial(() => this.drain());
      this.waiting.push({ bytes, resolve, reject });
    });
  }

  /** Runs file operations one at a time, in call order, so concurrent fetches never interleave records. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Writes every waiting record, one `writev` per file (a file rolls once it has reached its size limit). */
  private async drain(): Promise<void> {
    const records = this.waiting;
    this.waiting = [];
    let i = 0;
    try {
      while (i < records.length) {
        if (!this.handle || this.size >= this.maxFileBytes) await this.roll();
        const { handle, file } = this;
        if (!handle || !file) throw new Error(`WARC writer: no file open in ${this.dir}`);
        const start = this.size;
        let end = start;
        let j = i;
        while (j < records.length && (j === i || end < this.maxFileBytes))
          end += records[j++]?.bytes.length ?? 0;
        const batch = records.slice(i, j);
        await handle.writev(
          batch.map((r) => r.bytes),
          start,
        );
        let offset = start;
        for (const { bytes, resolve } of batch) {
          resolve({ file, offset, length: bytes.length });
          offset += bytes.length;
        }
        i = j;
        this.size = end;
      }
    } catch (err) {
      for (const r of records.slice(i)) r.reject(err as Error);
    }
  }

  private async roll(): Promise<void> {
    await this.closeFile();
    await mkdir(this.dir, { recursive: true });
    this.seq++;
    this.file = `${this.prefix}-${this.stamp}-${process.pid}-${String(this.seq).padStart(5, "0")}.warc.gz`;
    this.handle = await open(path.join(this.dir, this.file), "w");
    this.size = 0;
  }

  /** Flushes written records to disk (called before the catalog records their locations). */
  async sync(): Promise<void> {
    await this.serial(async () => this.handle?.sync());
  }

  /** Syncs and closes the current file. */
  async close(): Promise<void> {
    await this.serial(() => this.closeFile());
  }

  private async closeFile(): Promise<void> {
    if (!this.handle) return;
    await this.handle.sync();
    await this.handle.close();
    this.handle = null;
  }
}

/** A stored response read back from a WARC. */
export interface StoredResponse {
  url: string;
  date: string;
  status: number;
  headers: Array<[string, string]>;
  body: Buffer;
  truncated: string | null;
}

/** Turns a parsed WARC response record into a stored response. */
async function toStored(record: WARCRecord): Promise<StoredResponse> {
  const headers: Array<[string, string]> = [];
  const h = record.httpHeaders?.headers;
  if (h) for (const [k, v] of h as Iterable<[string, string]>) headers.push([k.toLowerCase(), v]);
  const body = Buffer.from(await record.readFully(false));
  return {
    url: record.warcTargetURI ?? "",
    date: record.warcDate ?? "",
    status: Number(record.httpHeaders?.statusCode ?? 0),
    headers,
    body,
    truncated: record.warcHeader("WARC-Truncated") ?? null,
  };
}

/** Reads the one record stored at a location. */
export async function readWarcRecord(dir: string, loc: WarcLocation): Promise<StoredResponse> {
  const fh = await open(path.join(dir, loc.file), "r");
  try {
    const buf = Buffer.alloc(loc.length);
    await fh.read(buf, 0, loc.length, loc.offset);
    const record = await WARCParser.parse([buf]);
    if (!record) throw new Error(`no WARC record at ${loc.file}:${loc.offset}`);
    return await toStored(record);
  } finally {
    await fh.close();
  }
}

/** Every response record of a WARC file, in order. */
export async function* readWarcFile(file: string): AsyncGenerator<StoredResponse> {
  for await (const record of WARCParser.iterRecords([await readFile(file)])) {
    if (record.warcType === "response") yield await toStored(record);
  }
}

/**
 * The complete records of a WARC file from byte `from` on: what a killed crawl wrote after its last catalog commit.
 * Stops at the first record cut short by the kill (its gzip member does not inflate).
 */
export async function* warcTail(
  dir: string,
  file: string,
  from: number,
): AsyncGenerator<{ stored: StoredResponse; loc: WarcLocation }> {
  const buf = (await readFile(path.join(dir, file))).subarray(from);
  const parser = new WARCParser([buf]);
  try {
    for await (const record of parser) {
      const stored = record.warcType === "response" ? await toStored(record) : null;
      const start = parser.offset;
      const end = start + parser.recordLength;
      if (end > buf.length) return;
      gunzipSync(buf.subarray(start, end));
      if (stored) yield { stored, loc: { file, offset: from + start, length: end - start } };
    }
  } catch {
    // A half-written last record: everything before it was yielded; the caller trims the rest.
  }
}

/** Cuts a WARC file back to the end of its last recorded record (dropping a half-written one); 0 deletes it. */
export async function trimWarc(dir: string, file: string, committedEnd: number): Promise<void> {
  const p = path.join(dir, file);
  const size = await stat(p).then(
    (s) => s.size,
    () => -1,
  );
  if (size < 0 || size === committedEnd) return;
  if (committedEnd === 0) await unlink(p);
  else await truncate(p, committedEnd);
}
