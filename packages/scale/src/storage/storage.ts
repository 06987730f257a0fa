import { UsageError } from "@soro/core";
import { LocalStorage } from "./local.js";
import { S3Storage } from "./s3.js";

/**
 * Where plans, input shards, task outputs and result manifests live: a folder every node can see, or an
 * S3-compatible bucket. Keys are `/`-separated paths relative to the storage root.
 */
export interface Storage {
  /** The root as the user wrote it (`/shared/soro` or `s3://bucket/prefix`), so tasks can reopen it. */
  readonly uri: string;
  /** Uploads a local file under `key` (multipart on S3). */
  putFile(key: string, file: string): Promise<void>;
  /** Writes a JSON object under `key` atomically: readers see the old value, nothing, or the whole new one. */
  putJson(key: string, value: unknown): Promise<void>;
  /** Downloads `key` into a local file (streamed; the file appears complete or not at all). */
  getFile(key: string, file: string): Promise<void>;
  /** Reads a JSON object, or null when `key` does not exist. */
  getJson<T>(key: string): Promise<T | null>;
  /** Whether `key` exists. */
  exists(key: string): Promise<boolean>;
  /** Every key under a prefix (ending in `/`), in no particular order. */
  list(prefix: string): Promise<string[]>;
  /** Deletes a key (no error when it is already gone). */
  remove(key: string): Promise<void>;
}

/** Opens a storage root from a URI: `s3://bucket[/prefix]`, or a local (shared) folder path. */
export function openStorage(uri: string): Storage {
  if (uri.startsWith("s3://")) return S3Storage.fromUri(uri);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) && !uri.startsWith("file://"))
    throw new UsageError(
      `soro: unsupported storage ${uri}`,
      "use s3://bucket/prefix or a shared folder path",
    );
  return new LocalStorage(uri.startsWith("file://") ? new URL(uri).pathname : uri);
}

/** Joins a storage root URI and a key into one URI. */
export function joinUri(root: string, key: string): string {
  return `${root.replace(/\/+$/, "")}/${key}`;
}

/** Splits a URI into its parent root and last key segment (`s3://b/p/plan.json` -> `s3://b/p`, `plan.json`). */
export function splitUri(uri: string): { root: string; key: string } {
  const cut = uri.lastIndexOf("/");
  if (cut <= 0 || cut === uri.length - 1)
    throw new UsageError(`soro: ${uri} names no file`, "pass a plan file URI");
  return { root: uri.slice(0, cut), key: uri.slice(cut + 1) };
}
