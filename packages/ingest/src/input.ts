import { createReadStream } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";
import yauzl from "yauzl";

/** One thing to read: a file on disk, a decompressed stream, or a member of a zip archive. */
export interface Input {
  /** Shown in document paths and quarantine entries: the file, `file.gz`, or `archive.zip!member`. */
  name: string;
  /** Lower-case type extension once compression is peeled off (`.jsonl` for `a.jsonl.zst`). */
  ext: string;
  /** The (decompressed) bytes, as a fresh stream on each call. */
  open(): Readable;
  /** The file itself when its bytes are on disk uncompressed (DuckDB can then read it in place). */
  file?: string;
}

/**
 * How far compressed bytes may inflate: past `maxBytes` in all, or past `maxRatio` times the compressed size (once
 * the output is over RATIO_FLOOR, so small, very repetitive files still read), inflation stops with an error that
 * quarantines the file: a decompression bomb must not exhaust memory or stop the run.
 */
export interface InflateBudget {
  maxBytes: number;
  maxRatio: number;
}

/** Output below this many bytes never counts as a bomb, whatever its ratio. */
export const RATIO_FLOOR = 2 ** 20;

/** The most bytes `compressed` bytes may inflate to under a budget. */
export function inflateLimit(compressed: number, budget: InflateBudget): number {
  return Math.min(budget.maxBytes, Math.max(RATIO_FLOOR, compressed * budget.maxRatio));
}

/** The error for output past a budget, naming which limit it crossed. */
function overBudget(inflated: number, compressed: number, budget: InflateBudget): Error {
  return new Error(
    inflated > budget.maxBytes
      ? `inflates past the ${formatBytes(budget.maxBytes)} limit (a decompression bomb?)`
      : `inflates past ${budget.maxRatio} times its compressed size of ${formatBytes(compressed)} (a decompression bomb?)`,
  );
}

/** Compression suffixes read as streams. */
const COMPRESSED = [".gz", ".zst"];

/** A name's type extension and its compression suffixes, innermost first (`a.jsonl.gz` → `.jsonl`, [`.gz`]). */
export function peel(name: string): { ext: string; suffixes: string[] } {
  const suffixes: string[] = [];
  let base = name.toLowerCase();
  while (COMPRESSED.includes(path.extname(base))) {
    suffixes.unshift(path.extname(base));
    base = base.slice(0, -path.extname(base).length);
  }
  return { ext: path.extname(base), suffixes };
}

/**
 * An input for a file on disk, decompressing `.gz` and `.zst` on the fly; with a budget, only the ratio limit
 * applies to the stream (a large compressed JSONL is read line by line, not held whole).
 */
export function fileInput(file: string, maxRatio = Number.POSITIVE_INFINITY): Input {
  const { ext, suffixes } = peel(file);
  return {
    name: file,
    ext,
    file: suffixes.length === 0 ? file : undefined,
    open: () => decompress(createReadStream(file), suffixes, maxRatio),
  };
}

/** An input for a member of a zip archive (valid while the archive is being walked). */
export function memberInput(archive: string, member: ZipMember, maxRatio = Number.POSITIVE_INFINITY): Input {
  const { ext, suffixes } = peel(member.name);
  return {
    name: `${archive}!${member.name}`,
    ext,
    open: () =>
      decompress(
        Readable.from(
          (async function* () {
            yield* await member.stream();
          })(),
        ),
        suffixes,
        maxRatio,
      ),
  };
}

/**
 * Wraps a raw stream in the decompressors for its suffixes, outermost last (`a.gz.zst` is zstd, then gzip); the
 * output may grow to `maxRatio` times the raw bytes read so far (past RATIO_FLOOR) before the stream fails.
 */
function decompress(raw: Readable, innerToOuter: string[], maxRatio: number): Readable {
  if (innerToOuter.length === 0) return raw;
  let compressed = 0;
  let stream: Readable = raw.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        compressed += chunk.length;
        done(null, chunk);
      },
    }),
  );
  raw.on("error", (err) => stream.destroy(err));
  for (const suffix of [...innerToOuter].reverse()) {
    if (suffix === ".gz") {
      const gunzip = createGunzip();
      stream.on("error", (err) => gunzip.destroy(err));
      stream = stream.pipe(gunzip);
    } else stream = Readable.from(zstdChunks(stream));
  }
  const budget = { maxBytes: Number.POSITIVE_INFINITY, maxRatio };
  let inflated = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      inflated += chunk.length;
      if (inflated > inflateLimit(compressed, budget)) done(overBudget(inflated, compressed, budget));
      else done(null, chunk);
    },
  });
  stream.on("error", (err) => meter.destroy(err));
  return stream.pipe(meter);
}

/** Streams zstd decompression (fzstd) chunk by chunk; a truncated frame is an error, not silent loss. */
async function* zstdChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const out: Uint8Array[] = [];
  const zstd = new Decompress((chunk) => out.push(chunk));
  let ended = false;
  for await (const chunk of source) {
    zstd.push(chunk);
    for (let c = out.shift(); c; c = out.shift()) yield Buffer.from(c);
  }
  try {
    zstd.push(new Uint8Array(0), true);
    ended = true;
  } finally {
    for (let c = out.shift(); c; c = out.shift()) yield Buffer.from(c);
  }
  if (!ended) throw new Error("zstd stream ended early");
}

/** Reads a stream whole, refusing more than `maxBytes` (a stream of junk must not exhaust memory). */
export async function readAll(input: Input, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const stream = input.open();
  for await (const chunk of stream) {
    n += (chunk as Buffer).length;
    if (n > maxBytes) {
      stream.destroy();
      throw new Error(`larger than the ${formatBytes(maxBytes)} limit for this file type`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads up to `n` bytes from the start of an input. */
export async function readHead(input: Input, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const stream = input.open();
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    got += (chunk as Buffer).length;
    if (got >= n) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, n);
}

/** A byte count for people. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** A member of a zip archive, readable while the archive is being walked. */
export interface ZipMember {
  name: string;
  /** Uncompressed size as the archive declares it (yauzl fails a member whose bytes run past it). */
  size: number;
  compressedSize: number;
  stream(): Promise<Readable>;
}

/**
 * Walks a zip archive (a file on disk, or bytes) member by member; each member is read through its own stream,
 * so an archive larger than memory works. Folders are skipped.
 */
export async function* zipMembers(source: string | Buffer): AsyncGenerator<ZipMember> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, z?: yauzl.ZipFile) =>
      err || !z ? reject(err ?? new Error("the zip reader gave no archive")) : resolve(z);
    const opts = { lazyEntries: true, autoClose: false, strictFileNames: false };
    if (typeof source === "string") yauzl.open(source, opts, done);
    else yauzl.fromBuffer(source, opts, done);
  });
  try {
    while (true) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const onEntry = (e: yauzl.Entry) => {
          zip.off("end", onEnd);
          zip.off("error", onError);
          resolve(e);
        };
        const onEnd = () => {
          zip.off("entry", onEntry);
          zip.off("error", onError);
          resolve(null);
        };
        const onError = (err: Error) => {
          zip.off("entry", onEntry);
          zip.off("end", onEnd);
          reject(err);
        };
        zip.once("entry", onEntry);
        zip.once("end", onEnd);
        zip.once("error", onError);
        zip.readEntry();
      });
      if (!entry) return;
      if (entry.fileName.endsWith("/")) continue;
      const stream = () =>
        new Promise<Readable>((resolve, reject) =>
          zip.openReadStream(entry, (err, s) =>
            err || !s ? reject(err ?? new Error(`no stream for ${entry.fileName}`)) : resolve(s),
          ),
        );
      yield {
        name: entry.fileName,
        size: entry.uncompressedSize,
        compressedSize: entry.compressedSize,
        stream,
      };
    }
  } finally {
    zip.close();
  }
}

/** Fails an archive member whose declared size is past `maxRatio` times its compressed size (and RATIO_FLOOR). */
export function checkMemberRatio(m: ZipMember, maxRatio: number): void {
  const budget = { maxBytes: Number.POSITIVE_INFINITY, maxRatio };
  if (m.size > inflateLimit(m.compressedSize, budget)) throw overBudget(m.size, m.compressedSize, budget);
}

/**
 * Reads named members of a small zip container (DOCX, ODT, EPUB) into memory, all of them together within the
 * budget (the container's size times the ratio, at most `maxBytes`). Declared sizes are checked before inflating,
 * and yauzl stops a member whose bytes run past its declared size, so a lying header cannot get past either.
 * `wanted` returning "count" inflates a member only to check it against the budget (DOCX: what mammoth reads).
 */
export async function zipFiles(
  bytes: Buffer,
  wanted: (name: string) => boolean | "count",
  budget: InflateBudget,
): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const limit = inflateLimit(bytes.length, budget);
  let spent = 0;
  for await (const m of zipMembers(bytes)) {
    const want = wanted(m.name);
    if (!want) continue;
    if (spent + m.size > limit)
      throw new Error(`member ${m.name} ${overBudget(spent + m.size, bytes.length, budget).message}`);
    const chunks: Buffer[] = [];
    for await (const c of await m.stream()) {
      spent += (c as Buffer).length;
      if (spent > limit)
        throw new Error(`member ${m.name} ${overBudget(spent, bytes.length, budget).message}`);
      if (want === true) chunks.push(c as Buffer);
    }
    if (want === true) files.set(m.name, Buffer.concat(chunks));
  }
  return files;
}
