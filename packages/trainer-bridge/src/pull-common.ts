import { SoroError } from "@soro/core";
import type { ManifestFile } from "./export/manifest.js";

/** What a pull did. */
export interface PullSummary {
  files: number;
  present: number;
  downloaded: number;
  resumed: number;
  bytes: number;
}

/** The summary of a pull of `files` files before any of them is looked at. */
export function emptyPullSummary(files: number): PullSummary {
  return { files, present: 0, downloaded: 0, resumed: 0, bytes: 0 };
}

/** A manifest path split into its parts, refused when it would leave the destination folder. */
export function safeParts(file: ManifestFile): string[] {
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
