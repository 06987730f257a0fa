import { mkdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileSha256, SoroError } from "@soro/core";
import { openStorage } from "@soro/scale";
import type { Manifest, ManifestFile } from "./export/manifest.js";
import { emptyPullSummary, type PullSummary, safeParts } from "./pull-common.js";

/** Whether an export target is object storage or a shared folder reached through storage, not an HTTP server. */
export function isStorageUri(target: string): boolean {
  return target.startsWith("s3://");
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
  const summary = emptyPullSummary(manifest.files.length);
  for (const file of manifest.files) {
    const dest = path.join(dir, ...safeParts(file));
    await mkdir(path.dirname(dest), { recursive: true });
    if ((await fileSha256(dest).catch(() => null)) === file.sha256) {
      summary.present++;
      onFile?.(file, "present");
      continue;
    }
    await storage.getFile(file.path, dest);
    const got = await fileSha256(dest);
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
