import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fsyncPath } from "@soro/core";
import type { Storage } from "./storage.js";

/** Storage in a folder that every node mounts (NFS, Lustre, or just this machine's disk). */
export class LocalStorage implements Storage {
  readonly uri: string;

  constructor(root: string) {
    this.uri = path.resolve(root);
  }

  private abs(key: string): string {
    return path.join(this.uri, ...key.split("/"));
  }

  /** Writes through a uniquely named temp file and a rename, so a reader never sees a half-written file. */
  private async place(key: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const target = this.abs(key);
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
    await write(tmp);
    await fsyncPath(tmp);
    await rename(tmp, target);
  }

  async putFile(key: string, file: string): Promise<void> {
    await this.place(key, (tmp) => copyFile(file, tmp));
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.place(key, (tmp) => writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`));
  }

  async getFile(key: string, file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(6).toString("hex")}`;
    await copyFile(this.abs(key), tmp);
    await rename(tmp, file);
  }

  async getJson<T>(key: string): Promise<T | null> {
    try {
      return JSON.parse(await readFile(this.abs(key), "utf8")) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await stat(this.abs(key));
      return true;
    } catch {
      return false;
    }
  }

  async list(prefix: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.abs(prefix), { recursive: true });
    } catch {
      return [];
    }
    const keys: string[] = [];
    for (const name of names) {
      if (name.includes(".tmp-")) continue;
      const key = `${prefix}${name.split(path.sep).join("/")}`;
      if ((await stat(this.abs(key))).isFile()) keys.push(key);
    }
    return keys;
  }

  async remove(key: string): Promise<void> {
    await rm(this.abs(key), { force: true });
  }
}
