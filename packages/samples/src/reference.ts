import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder of real Tajik reference text kept beside the repository (`../shared/tajik-text`, see its
 * SOURCES.md), or `$SORO_TAJIK_TEXT`. It is not part of the repository, so callers check `tajikTextDir()` first.
 */
export function tajikTextDir(): string | null {
  const dir =
    process.env.SORO_TAJIK_TEXT ??
    path.resolve(fileURLToPath(new URL("../../../../shared/tajik-text", import.meta.url)));
  return existsSync(dir) ? dir : null;
}

/** The lines of one file of the reference text (`komdil_payom.txt`, `udhr_tgk.txt`, ...); throws when it is absent. */
export function tajikTextLines(file: string): string[] {
  const dir = tajikTextDir();
  if (!dir)
    throw new Error(`no Tajik reference text at ../shared/tajik-text: set SORO_TAJIK_TEXT to its folder`);
  return readFileSync(path.join(dir, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");
}
