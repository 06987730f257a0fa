import { createHash } from "node:crypto";
import { open, readdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";

/** The sha256 of a file and its size, read a MiB at a time; `onChunk` sees each chunk read (valid only then). */
export async function fileDigest(
  file: string,
  onChunk?: (chunk: Buffer) => void,
): Promise<{ sha256: string; bytes: number }> {
  // A read stream's 64 KiB chunks cost more than the hashing itself (sha256 in hardware): twice the CPU on 64 MB.
  const hash = createHash("sha256");
  const handle = await open(file, "r");
  try {
    const buf = Buffer.allocUnsafe(2 ** 20);
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      hash.update(chunk);
      onChunk?.(chunk);
      bytes += bytesRead;
    }
    return { sha256: hash.digest("hex"), bytes };
  } finally {
    await handle.close();
  }
}

/** The sha256 of a file. */
export async function fileSha256(file: string): Promise<string> {
  return (await fileDigest(file)).sha256;
}

/** Flushes a file's (or folder's) contents to stable storage. */
export async function fsyncPath(file: string): Promise<void> {
  const handle = await open(file, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a finished file into place durably: fsync the file, rename, fsync the target folder. */
export async function durableRename(from: string, to: string): Promise<void> {
  await fsyncPath(from);
  await rename(from, to);
  await fsyncPath(path.dirname(to));
}

/** Size of a file in bytes. */
export async function fileSize(file: string): Promise<number> {
  return (await stat(file)).size;
}

/**
 * Refuses a folder that holds anything (an absent one passes): exports and publications are written once, never
 * over or beside earlier files. The error names `command` and the folder.
 */
export async function assertEmptyFolder(dir: string, command: string, hint: string): Promise<void> {
  if ((await readdir(dir).catch(() => [])).length > 0)
    throw new UsageError(`${command}: ${dir} is not empty`, hint);
}
