import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { durableRename } from "@soro/core";

/**
 * A shard's token ids as counting produced them, so exports reuse them instead of tokenizing again. Layout
 * (little-endian): `SOROTOK1`, the ids of every document in shard order (int32), each document's length (int32),
 * the document count (uint32), `SOROTOK1`. Lengths sit at the end so the writer streams ids as it goes.
 */
const MAGIC = Buffer.from("SOROTOK1", "latin1");

/** Streams a token file: ids batch by batch, lengths at `finish`, then moves it into place durably. */
export class TokenFileWriter {
  private lengths: number[] = [];
  private constructor(
    private readonly handle: Awaited<ReturnType<typeof open>>,
    private readonly tmp: string,
    private readonly file: string,
  ) {}

  static async create(file: string): Promise<TokenFileWriter> {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const handle = await open(tmp, "w");
    await handle.write(MAGIC);
    return new TokenFileWriter(handle, tmp, file);
  }

  /** Appends a batch: flat ids and each document's length. */
  async add(ids: Int32Array, lengths: Int32Array): Promise<void> {
    await this.handle.write(Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength));
    for (const n of lengths) this.lengths.push(n);
  }

  async finish(): Promise<void> {
    const lengths = Int32Array.from(this.lengths);
    const tail = Buffer.alloc(4 + MAGIC.length);
    tail.writeUInt32LE(lengths.length, 0);
    MAGIC.copy(tail, 4);
    await this.handle.write(Buffer.from(lengths.buffer));
    await this.handle.write(tail);
    await this.handle.close();
    await durableRename(this.tmp, this.file);
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await rm(this.tmp, { force: true });
  }
}

/** A token file's contents, or null when it is missing or not a complete token file (the caller tokenizes). */
export async function readTokenFile(file: string): Promise<{ ids: Int32Array; lengths: Int32Array } | null> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch {
    return null;
  }
  const end = buf.length - MAGIC.length;
  if (end < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  if (!buf.subarray(end).equals(MAGIC)) return null;
  const docs = buf.readUInt32LE(end - 4);
  const idBytes = end - 4 - docs * 4 - MAGIC.length;
  if (idBytes < 0 || idBytes % 4 !== 0) return null;
  // Copied out so the arrays are aligned and transferable.
  const body = new Int32Array(buf.buffer.slice(buf.byteOffset + MAGIC.length, buf.byteOffset + end - 4));
  const ids = body.subarray(0, idBytes / 4);
  const lengths = body.subarray(idBytes / 4);
  if (ids.length !== lengths.reduce((a, b) => a + b, 0)) return null;
  return { ids, lengths };
}
