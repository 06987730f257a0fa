import spdxCorrect from "spdx-correct";
import spdxIds from "spdx-license-ids/index.json" with { type: "json" };
import type { ColumnSpec } from "./columns.js";

/** The licence of a document nothing declared, or declared in words no SPDX id matches. */
export const UNKNOWN_LICENCE = "unknown";

/** A document's licence (an SPDX id, `LicenseRef-...` or `unknown`) and where it was read. */
export interface Licence {
  licence: string;
  /** What said so: `sidecar /books/_meta.yaml: "CC BY-SA 4.0"`, `link rel=license https://...`; null when nothing did. */
  evidence: string | null;
}

/** Provenance columns every source stage writes; later stages carry them unchanged. */
export const PROVENANCE_COLUMNS: ColumnSpec[] = [
  { name: "licence", type: "VARCHAR", doc: "SPDX licence id (or LicenseRef-..., or unknown)" },
  {
    name: "licence_evidence",
    type: "VARCHAR",
    doc: "where the licence was read: sidecar, --licence, a rel=license link, CC markup, meta copyright",
  },
];

const KNOWN = new Set<string>(spdxIds as string[]);
const CC_KINDS = new Set(["by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"]);

/**
 * The SPDX id a licence URL names: Creative Commons licences (with their jurisdiction ports where SPDX lists
 * them), CC0, the public domain mark, GNU licences, and opensource.org / spdx.org licence pages. Null otherwise.
 */
export function spdxFromUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim(), "https://example.invalid/");
  } catch {
    return null;
  }
  const host = url.hostname.replace(/^www\./, "").toLowerCase();
  const parts = url.pathname.toLowerCase().split("/").filter(Boolean);
  if (host === "creativecommons.org") {
    if (parts[0] === "licenses" && CC_KINDS.has(parts[1] ?? "") && /^\d\.\d$/.test(parts[2] ?? "")) {
      const base = `CC-${(parts[1] ?? "").toUpperCase()}-${parts[2]}`;
      const port = parts[3] && /^[a-z]{2,3}$/.test(parts[3]) ? `${base}-${parts[3].toUpperCase()}` : null;
      if (port && KNOWN.has(port)) return port;
      return KNOWN.has(base) ? base : null;
    }
    if (parts[0] === "publicdomain" && parts[1] === "zero") return "CC0-1.0";
    if (parts[0] === "publicdomain" && parts[1] === "mark") return "LicenseRef-PDM-1.0";
    return null;
  }
  if (host === "gnu.org" && parts[0] === "licenses") {
    const page = parts[1] ?? "";
    if (/^fdl/.test(page)) return "GFDL-1.3-or-later";
    if (/^gpl/.test(page)) return "GPL-3.0-or-later";
    if (/^lgpl/.test(page)) return "LGPL-3.0-or-later";
    return null;
  }
  if ((host === "opensource.org" || host === "spdx.org") && parts[0] === "licenses" && parts[1]) {
    const name = parts[1].replace(/\.(html?|php)$/i, "");
    const exact = [...KNOWN].find((id) => id.toLowerCase() === name.toLowerCase());
    return exact ?? null;
  }
  return null;
}

/**
 * The SPDX id a licence statement names: an id or common spelling (`CC BY-SA 4.0`, `Apache 2`, corrected with
 * spdx-correct), a `LicenseRef-` of the user's own, or a licence URL. Null when it names none.
 */
export function spdxFromText(raw: string): string | null {
  const text = raw.trim();
  if (!text) return null;
  if (/^LicenseRef-[A-Za-z0-9.-]+$/.test(text)) return text;
  if (KNOWN.has(text)) return text;
  const url = /https?:\/\/\S+/.exec(text)?.[0];
  if (url) return spdxFromUrl(url.replace(/[)"'.,;]+$/, ""));
  // A statement such as "© 2020 Publisher. CC BY 4.0" names its licence after the holder.
  const cc = /\bCC[ -]?(0|BY(?:[ -](?:NC|SA|ND)){0,2})(?:[ -](\d\.\d))?/i.exec(text);
  if (cc) {
    if (cc[1] === "0") return "CC0-1.0";
    const id = spdxCorrect(`CC ${(cc[1] ?? "").replaceAll(" ", "-")} ${cc[2] ?? "4.0"}`);
    if (id) return id;
  }
  if (text.length > 60 || /©|\(c\)|copyright|all rights reserved/i.test(text)) return null;
  return spdxCorrect(text);
}

/** The licence a person declared (a sidecar's `licence:`, `--licence`), with `where` as the evidence. */
export function declaredLicence(value: unknown, where: string): Licence {
  const said = String(value).trim();
  const id = spdxFromText(said);
  return id
    ? { licence: id, evidence: `${where}: "${said}"` }
    : { licence: UNKNOWN_LICENCE, evidence: `${where}: "${said}" (no SPDX licence recognised)` };
}

/** Whether a licence passes an allow list of SPDX ids (`unknown` passes only when listed). */
export function licenceAllowed(licence: string | null | undefined, allow: readonly string[]): boolean {
  return allow.includes(licence ?? UNKNOWN_LICENCE);
}

/**
 * The SQL expression for a document's licence over shards with these column lists: `unknown` where the column is
 * missing (shards written before it existed) or NULL.
 */
export function licenceSql(shardColumns: ReadonlyArray<readonly string[]>, alias = ""): string {
  const col = `${alias ? `${alias}.` : ""}licence`;
  return shardColumns.some((cols) => cols.includes("licence"))
    ? `coalesce(${col}, '${UNKNOWN_LICENCE}')`
    : `'${UNKNOWN_LICENCE}'`;
}
