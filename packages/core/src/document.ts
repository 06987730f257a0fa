import { createHash } from "node:crypto";
import { z } from "zod";
import type { ColumnSpec } from "./columns.js";
import { PROVENANCE_COLUMNS, UNKNOWN_LICENCE } from "./licence.js";
import { SOURCES } from "./source-kinds.js";

export { SOURCES };

/** The source, and the stage, of replay text. */
export const REPLAY_SOURCE = "replay";

/** The columns every document has, from the stage that created it onward. */
export const BASE_COLUMNS: ColumnSpec[] = [
  { name: "id", type: "VARCHAR", doc: "stable content hash: sha256 of origin and text, 32 hex digits" },
  { name: "text", type: "VARCHAR", doc: "the document text as its source stage produced it" },
  { name: "source", type: "VARCHAR", doc: `kind of source: ${SOURCES.join(" | ")}` },
  { name: "url", type: "VARCHAR", doc: "URL it was fetched from, if any" },
  { name: "path", type: "VARCHAR", doc: "file (and member) it was read from, if any" },
  { name: "fetched_at", type: "VARCHAR", doc: "ISO 8601 time it was fetched or read" },
  {
    name: "meta",
    type: "VARCHAR",
    doc: "JSON object of source metadata (title, subject, grade, publisher, ...)",
  },
  ...PROVENANCE_COLUMNS,
];

/**
 * The columns a published copy of the corpus carries (trainer exports, the dataset card's files): what a trainer
 * needs. Never `text_original` (the text before repairs, line cleaning and PII masking) nor any other stage column.
 */
export const PUBLISHED_COLUMNS = ["text", "id", "source", "url", "meta", "licence"] as const;

/** The base document as validated at the boundary; stage-added columns ride along as extra keys. */
export const documentSchema = z
  .object({
    id: z.string().regex(/^[0-9a-f]{32}$/, "id must be 32 lowercase hex digits (use documentId)"),
    text: z.string().min(1, "text is empty"),
    source: z.enum(SOURCES),
    url: z.string().nullable().optional(),
    path: z.string().nullable().optional(),
    fetched_at: z.string().nullable().optional(),
    meta: z.string().nullable().optional(),
  })
  .passthrough();

/** A document row: the base columns plus whatever columns earlier stages added. */
export type Document = z.infer<typeof documentSchema> & Record<string, unknown>;

/** Input for making a new document; `id` is derived, `meta` may be an object. */
export interface NewDocument {
  text: string;
  source: (typeof SOURCES)[number];
  url?: string | null;
  path?: string | null;
  fetched_at?: string | null;
  meta?: Record<string, unknown> | null;
  /** SPDX id (default `unknown`) and what declared it. */
  licence?: string | null;
  licence_evidence?: string | null;
}

/** The stable id of a text from an origin (URL or path): the same input always gives the same id. */
export function documentId(text: string, origin = ""): string {
  return createHash("sha256").update(origin).update("\n").update(text).digest("hex").slice(0, 32);
}

/** Builds a valid document from source fields, deriving its id and serialising its metadata. */
export function makeDocument(input: NewDocument): Document {
  const origin = input.url ?? input.path ?? "";
  return documentSchema.parse({
    id: documentId(input.text, origin),
    text: input.text,
    source: input.source,
    url: input.url ?? null,
    path: input.path ?? null,
    fetched_at: input.fetched_at ?? new Date().toISOString(),
    meta: input.meta ? JSON.stringify(input.meta) : null,
    licence: input.licence ?? UNKNOWN_LICENCE,
    licence_evidence: input.licence_evidence ?? null,
  }) as Document;
}

/** The parsed `meta` column of a document ({} when absent). */
export function documentMeta(doc: Pick<Document, "meta">): Record<string, unknown> {
  return doc.meta ? (JSON.parse(doc.meta) as Record<string, unknown>) : {};
}
