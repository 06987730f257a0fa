/**
 * Builds the multilingual UI-string set that language ID is measured on: translated messages from Debian's
 * LibreOffice localisation packages (MPL-2.0; shipped as data/ui-strings.tsv.gz) and, with `--all`, from GNOME and
 * Xfce message catalogues (GPL/LGPL: written to a cache file for the bench, never committed) for languages
 * LibreOffice lacks (Kyrgyz, Uzbek Cyrillic, Abkhaz, Chuvash). GNOME's Tatar is Latin (Yañalif), so Cyrillic Tatar has
 * no source here.
 *
 * Needs `apt-get download`, `dpkg-deb` and gettext's `msgunfmt`. Run from the repository root:
 *   node --import tsx packages/samples/scripts/build-ui-strings.ts            # shipped LibreOffice set
 *   node --import tsx packages/samples/scripts/build-ui-strings.ts --all      # + GNOME set in the cache
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { UI_STRINGS_CACHE } from "../src/ui-strings.js";

/** LibreOffice locale -> ISO 639-3 (uz is Latin Uzbek there; en_GB stands for English). */
const LIBREOFFICE: Record<string, string> = {
  tg: "tgk",
  ru: "rus",
  uk: "ukr",
  be: "bel",
  bg: "bul",
  mk: "mkd",
  sr: "srp",
  kk: "kaz",
  mn: "khk",
  uz: "uzn",
  fa: "pes",
  "en-gb": "eng",
};
/** GNOME/Xfce locale -> ISO 639-3, for the languages LibreOffice has no package for. */
const GNOME: Record<string, string> = {
  ky: "kir",
  "uz@cyrillic": "uzn",
  cv: "chv",
  ab: "abk",
};
const GNOME_PACKAGES = [
  "libgtk-3-common",
  "libglib2.0-data",
  "gimp-data",
  "gnome-control-center-data",
  "evolution-data-server-common",
  "coreutils",
  "xfce4-session",
  "libgweather-4-common",
];
/** Catalogues of place, country and language names are lists, not text. */
const SKIP_CATALOGUE = /^(iso_|libgweather-4\.0-locations|gnome-control-center-2\.0-timezones)/;
/** At most this many strings per language and source in the shipped file (keeps it near 1 MB). */
const CAP = 4000;

/** The translated strings of a compiled catalogue (msgstr, or msgstr[0] of a plural), untranslated ones left out. */
export function translatedStrings(po: string): string[] {
  const out: string[] = [];
  let field = "";
  let id = "";
  let str = "";
  const flush = () => {
    if (str !== "" && str !== id && id !== "") out.push(str);
    id = "";
    str = "";
  };
  // PO escapes: \n \t \" \\ (others, rare in UI text, become a space).
  const unquote = (s: string) =>
    s
      .slice(1, -1)
      .replace(/\\(.)/g, (_, c: string) =>
        c === "n" ? "\n" : c === "t" ? " " : c === '"' || c === "\\" ? c : " ",
      );
  for (const line of po.split("\n")) {
    const m = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$/.exec(line);
    if (m) {
      if (m[1] === "msgctxt" || m[1] === "msgid") {
        if (m[1] === "msgctxt" || field.startsWith("msgstr")) flush();
      }
      field = m[1]!;
      const v = unquote(m[2]!);
      if (field === "msgid") id += v;
      else if (field === "msgstr" || field === "msgstr[0]") str += v;
    } else if (/^".*"$/.test(line)) {
      const v = unquote(line);
      if (field === "msgid") id += v;
      else if (field === "msgstr" || field === "msgstr[0]") str += v;
    }
  }
  flush();
  return out;
}

/** A UI message as plain text lines: accelerators, placeholders and markup removed. */
export function cleanMessage(s: string): string[] {
  return s
    .replace(/<[^>]+>/g, " ")
    .replace(/&(?:amp|lt|gt|quot|apos);/g, " ")
    .replace(/\$\([A-Z0-9_]+\)|%\d*\$?[-+ #0]*\d*(?:\.\d+)?[a-zA-Z]|%[A-Z0-9_]+%?|\{[^}]*\}|\$\d/g, " ")
    .replace(/[~_](?=\p{L})/gu, "")
    .split(/\\n|\n/)
    .map((l) => l.replace(/\s+/g, " ").trim())
    .filter((l) => (l.match(/\p{L}/gu)?.length ?? 0) >= 3);
}

function sh(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, {
    cwd,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    stdio: ["ignore", "pipe", "ignore"],
  });
}

function moFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".mo"))
    .map((f) => path.join(dir, f));
}

/** Downloads and unpacks Debian packages into a fresh folder. */
function unpack(packages: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), "ui-strings-"));
  for (const p of packages) {
    try {
      sh("apt-get", ["download", "-qq", p], dir);
    } catch {
      console.error(`skipped ${p}: apt-get download failed (run apt-get update first?)`);
    }
  }
  for (const deb of readdirSync(dir).filter((f) => f.endsWith(".deb"))) sh("dpkg-deb", ["-x", deb, "x"], dir);
  return dir;
}

/** Distinct cleaned strings of the given catalogues, in a stable order (sorted), capped. */
function collect(files: string[], cap: number): string[] {
  const seen = new Set<string>();
  for (const f of files.sort()) {
    if (SKIP_CATALOGUE.test(path.basename(f))) continue;
    for (const s of translatedStrings(sh("msgunfmt", [f], "/"))) for (const l of cleanMessage(s)) seen.add(l);
  }
  // Spread the cap over the whole set (every k-th string) rather than the first catalogues alone.
  const all = [...seen].sort();
  const step = Math.max(1, all.length / cap);
  const out: string[] = [];
  for (let i = 0; i < all.length && out.length < cap; i += step) out.push(all[Math.floor(i)]!);
  return out;
}

function write(file: string, rows: string[][]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    gzipSync(`lang\tsource\ttext\n${rows.map((r) => r.join("\t")).join("\n")}\n`, { level: 9 }),
  );
  console.error(`${file}: ${rows.length} strings`);
}

const all = process.argv.includes("--all");
const rows: string[][] = [];
const lo = unpack(Object.keys(LIBREOFFICE).map((l) => `libreoffice-l10n-${l}`));
const resource = path.join(lo, "x/usr/lib/libreoffice/program/resource");
for (const [locale, lang] of Object.entries(LIBREOFFICE)) {
  const dir = path.join(resource, locale.replace("en-gb", "en_GB"));
  for (const t of collect(moFiles(dir), CAP)) rows.push([lang, "libreoffice", t]);
}
rmSync(lo, { recursive: true, force: true });
write(new URL("../data/ui-strings.tsv.gz", import.meta.url).pathname, rows);
if (all) {
  const gnome = unpack(GNOME_PACKAGES);
  const extra: string[][] = [];
  for (const [locale, lang] of Object.entries(GNOME)) {
    const dir = path.join(gnome, "x/usr/share/locale", locale);
    let files: string[] = [];
    try {
      files = moFiles(dir);
    } catch {
      console.error(`no catalogues for ${locale}`);
    }
    for (const t of collect(files, CAP)) extra.push([lang, "gnome", t]);
  }
  rmSync(gnome, { recursive: true, force: true });
  write(UI_STRINGS_CACHE, extra);
}
