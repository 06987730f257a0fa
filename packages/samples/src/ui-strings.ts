import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";

/** One translated UI message: its language (ISO 639-3), where it comes from, and its text. */
export interface UiLine {
  lang: string;
  source: "libreoffice" | "gnome";
  text: string;
}

/**
 * Where `build-ui-strings.ts --all` writes the GNOME/Xfce strings (Kyrgyz, Uzbek Cyrillic, Abkhaz): their
 * licences (GPL/LGPL) keep them out of the repository, so a bench builds them on the machine that runs it.
 */
export const UI_STRINGS_CACHE = path.join(
  process.env.XDG_CACHE_HOME ?? path.join(homedir(), ".cache"),
  "soro",
  "ui-strings-gnome.tsv.gz",
);

function read(file: string): UiLine[] {
  return gunzipSync(readFileSync(file))
    .toString("utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l !== "")
    .map((l) => {
      const [lang = "", source = "", text = ""] = l.split("\t");
      return { lang, source: source as UiLine["source"], text };
    });
}

/**
 * UI strings in many languages from Debian's LibreOffice localisation packages (shipped), plus the GNOME/Xfce set
 * when it has been built on this machine (`gnome: false` when it has not).
 */
export function uiStrings(): { lines: UiLine[]; gnome: boolean } {
  const lines = read(new URL("../data/ui-strings.tsv.gz", import.meta.url).pathname);
  const gnome = existsSync(UI_STRINGS_CACHE);
  if (gnome) lines.push(...read(UI_STRINGS_CACHE));
  return { lines, gnome };
}

/**
 * Whether a string belongs to the held-out part (about 70%), decided by a hash of its text so every run and every
 * tool splits alike; tuning may look only at the rest.
 */
export function isHeldOut(text: string): boolean {
  // @soro/core's fnv1a written out: samples depends on no workspace package (core's tests read it), and core's
  // hash32 test checks that this split is fnv1a(text) % 10 >= 3 on every string.
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 10 >= 3;
}

/** 20-40-character snippets cut at word boundaries from a line (one per 40 characters of it). */
export function snippets(line: string): string[] {
  const words = line.split(" ");
  const out: string[] = [];
  const keep = (s: string) => s.length >= 20 && s.length <= 40;
  let s: string | null = null;
  for (const w of words) {
    if (s !== null && s.length + 1 + w.length <= 40) s += ` ${w}`;
    else {
      if (s !== null && keep(s)) out.push(s);
      s = w;
    }
  }
  if (s !== null && keep(s)) out.push(s);
  return out;
}
