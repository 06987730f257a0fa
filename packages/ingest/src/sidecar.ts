import { access } from "node:fs/promises";
import path from "node:path";
import { loadConfigFile, UsageError } from "@soro/core";

/** Folder sidecar names: metadata for every file under the folder (nearer folders win). */
export const FOLDER_SIDECARS = ["_meta.yaml", "_meta.yml", "_meta.json"];
/** A per-file sidecar is the file's name plus one of these (`algebra-7.docx.meta.yaml`). */
export const FILE_SIDECAR_SUFFIXES = [".meta.yaml", ".meta.yml", ".meta.json"];

/** Whether a path is a sidecar (read as metadata, never ingested). */
export function isSidecar(file: string): boolean {
  const base = path.basename(file).toLowerCase();
  return FOLDER_SIDECARS.includes(base) || FILE_SIDECAR_SUFFIXES.some((s) => base.endsWith(s));
}

/** Loads and checks one sidecar: a YAML/JSON mapping (subject, grade, variety, licence, publisher, year, ...). */
export async function loadSidecar(file: string): Promise<Record<string, unknown>> {
  const value = await loadConfigFile(file);
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new UsageError(
      `soro ingest: sidecar ${file} is not a mapping`,
      "write key: value lines, e.g. subject: math and grade: 7",
    );
  const meta = value as Record<string, unknown>;
  if ("year" in meta && !Number.isInteger(Number(meta.year)))
    throw new UsageError(
      `soro ingest: sidecar ${file} has year ${String(meta.year)}`,
      "write a year such as 2019",
    );
  return meta;
}

/** Finds and merges the sidecars that apply to files, caching each folder's. */
export class SidecarResolver {
  private readonly cache = new Map<string, Promise<Record<string, unknown> | null>>();

  /**
   * Metadata for a file: folder sidecars from `root` down to its folder, then its own sidecar; with the files used
   * and, per key, the sidecar whose value won (the evidence for a licence).
   */
  async metaFor(
    file: string,
    root: string,
  ): Promise<{ meta: Record<string, unknown>; from: string[]; setBy: Record<string, string> }> {
    const dir = path.dirname(path.resolve(file));
    const top = path.resolve(root) === path.resolve(file) ? dir : path.resolve(root);
    const folders: string[] = [];
    for (let d = dir; ; d = path.dirname(d)) {
      folders.unshift(d);
      if (d === top || path.dirname(d) === d || !d.startsWith(top)) break;
    }
    let meta: Record<string, unknown> = {};
    const from: string[] = [];
    const setBy: Record<string, string> = {};
    const candidates = [
      ...folders.flatMap((d) => FOLDER_SIDECARS.map((n) => path.join(d, n))),
      ...FILE_SIDECAR_SUFFIXES.map((s) => path.resolve(file) + s),
    ];
    for (const c of candidates) {
      const m = await this.load(c);
      if (m) {
        meta = { ...meta, ...m };
        from.push(c);
        for (const k of Object.keys(m)) setBy[k] = c;
      }
    }
    return { meta, from, setBy };
  }

  private load(file: string): Promise<Record<string, unknown> | null> {
    let p = this.cache.get(file);
    if (!p) {
      p = access(file).then(
        () => loadSidecar(file),
        () => null,
      );
      this.cache.set(file, p);
    }
    return p;
  }
}
