import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { SoroError } from "@soro/core";
import { openStorage } from "@soro/scale";
import type { Manifest, ManifestFile } from "./export/manifest.js";
import type { PullSummary } from "./pull.js";

/** Whether an export target is object storage or a shared folder reached through storage, not an HTTP server. */
export function isStorageUri(target: string): boolean {
  return target.startsWith("s3://");
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  await pipeline(createReadStream(file), hash);
  return hash.digest("hex");
}

/** Refuses manifest paths that would leave the destination folder. */
function safeParts(file: ManifestFile): string[] {
  const parts = file.path.split("/");
  if (parts.some((p) => p === ".." || p === "")) {
    throw new SoroError(
      `soro bridge: manifest lists an unsafe path ${file.path}`,
      "use only trusted exports",
      5,
    );
  }
  return parts;
}

/**
 * Uploads an export folder to storage (`s3://bucket/prefix` through the AWS SDK, multipart for large files):
 * every file the manifest lists, then manifest.json last, so its presence means a complete upload.
 */
export async function pushExport(
  dir: string,
  uri: string,
  onFile?: (file: ManifestFile) => void,
): Promise<{ files: number; bytes: number }> {
  const manifest = JSON.parse(await readFile(path.join(dir, "manifest.json"), "utf8")) as Manifest;
  const storage = openStorage(uri);
  let bytes = 0;
  for (const file of manifest.files) {
    await storage.putFile(file.path, path.join(dir, ...safeParts(file)));
    bytes += file.bytes;
    onFile?.(file);
  }
  await storage.putFile("manifest.json", path.join(dir, "manifest.json"));
  return { files: manifest.files.length, bytes };
}

/**
 * Pulls an export from storage into a folder: files already present with the right sha256 are kept, every
 * download is checked against the manifest (a corrupt one is deleted and refused), manifest.json is written last.
 */
export async function pullExportFromStorage(
  uri: string,
  dir: string,
  onFile?: (file: ManifestFile, outcome: "present" | "downloaded") => void,
): Promise<PullSummary> {
  const storage = openStorage(uri);
  if (!(await storage.exists("manifest.json"))) {
    throw new SoroError(
      `soro bridge pull: ${uri} holds no manifest.json`,
      "push a complete export there first (soro bridge export --out s3://...)",
      5,
    );
  }
  // The manifest's own bytes are kept as published; it takes its place only after every file checks out.
  await mkdir(dir, { recursive: true });
  const manifestPart = path.join(dir, "manifest.json.part");
  await storage.getFile("manifest.json", manifestPart);
  const manifest = JSON.parse(await readFile(manifestPart, "utf8")) as Manifest;
  const summary: PullSummary = {
    files: manifest.files.length,
    present: 0,
    downloaded: 0,
    resumed: 0,
    bytes: 0,
  };
  for (const file of manifest.files) {
    const dest = path.join(dir, ...safeParts(file));
    await mkdir(path.dirname(dest), { recursive: true });
    if ((await sha256Of(dest).catch(() => null)) === file.sha256) {
      summary.present++;
      onFile?.(file, "present");
      continue;
    }
    await storage.getFile(file.path, dest);
    const got = await sha256Of(dest);
    if (got !== file.sha256) {
      await rm(dest, { force: true });
      throw new SoroError(
        `soro bridge pull: ${uri}/${file.path} is corrupt: sha256 ${got}, manifest says ${file.sha256}`,
        "re-push the export; the bad file was not kept",
        5,
      );
    }
    summary.downloaded++;
    summary.bytes += file.bytes;
    onFile?.(file, "downloaded");
  }
  await rename(manifestPart, path.join(dir, "manifest.json"));
  return summary;
}
