import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import YAML from "yaml";
import { firstLine, UsageError } from "./errors.js";

/** JSON with object keys sorted, so equal configurations serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });
}

/** A short, stable hash of a configuration (16 hex digits). */
export function configHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}

/** Loads a YAML or JSON config file, naming the file in any error. */
export async function loadConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`soro: config file ${file} cannot be read`, "check the path");
  }
  try {
    return file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new UsageError(
      `soro: config file ${file} is not valid YAML/JSON (${firstLine((err as Error).message)})`,
      "fix the syntax",
    );
  }
}
