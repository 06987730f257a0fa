import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../errors.js";

/** The sha256 of a file, streamed. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
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
