import { declaredLicence, type Licence, makeDocument, type NewDocument, type SourceItem } from "@soro/core";
import type { InflateBudget, Input } from "./input.js";

/** Limits that keep one bad file from exhausting memory; past them the file (or line) is quarantined. */
export interface IngestLimits {
  /** Longest line of a JSONL/CSV/TSV file or of a text file split into blocks, in characters. */
  maxLineChars: number;
  /** Largest document (a whole text file, a DOCX's text), in characters. */
  maxDocChars: number;
  /** Largest container read into memory (DOCX, ODT, EPUB, HTML), in bytes; also what its members may inflate to. */
  maxFileBytes: number;
  /**
   * How many times its compressed size a compressed file or archive member may inflate to (past 1 MiB): text and
   * XML compress 3-20 times; a decompression bomb, a thousand.
   */
  maxInflateRatio: number;
}

/** Default limits: generous for real books, far below what would hurt a 24 GB machine. */
export const DEFAULT_LIMITS: IngestLimits = {
  maxLineChars: 64 * 2 ** 20,
  maxDocChars: 256 * 2 ** 20,
  maxFileBytes: 512 * 2 ** 20,
  maxInflateRatio: 200,
};

/** The inflation budget of a container read under these limits. */
export function inflateBudget(limits: IngestLimits): InflateBudget {
  return { maxBytes: limits.maxFileBytes, maxRatio: limits.maxInflateRatio };
}

/** How text files and EPUBs are cut into documents, and which field holds the text of records. */
export interface ReadOptions {
  /** JSONL/CSV/TSV/Parquet: the field or column holding the text. */
  textField: string;
  /** Plain text: one document per blank-line-separated block instead of one per file. */
  splitBlocks: boolean;
  /** EPUB: one document per book, or one per chapter (spine item). */
  epub: "book" | "chapter";
}

/** What every reader needs to make documents from one input. */
export interface ReaderContext extends ReadOptions {
  input: Input;
  source: NewDocument["source"];
  /** Metadata merged into every document (command line, folder and file sidecars). */
  meta: Record<string, unknown>;
  limits: IngestLimits;
  /** Scratch folder for inputs that must be on disk (Parquet inside an archive). */
  tmpDir: string;
  /** The file's licence (sidecar, `--licence`); a record's own `licence` field wins. */
  licence?: Licence;
}

/** A reader: documents (or quarantined parts) from one input. */
export type Reader = (ctx: ReaderContext) => AsyncGenerator<SourceItem>;

/** Fields a record may set besides its text and meta. */
export interface DocFields {
  url?: string | null;
  fetched_at?: string;
  source?: NewDocument["source"];
}

/**
 * A document from text found at `where` (a path, `file:line`, `book.epub#chapter`), with the file's metadata,
 * then `extra`, merged in; an `edu` document without subject and grade is quarantined instead.
 */
export function docItem(
  ctx: ReaderContext,
  text: string,
  where: string,
  extra: Record<string, unknown> = {},
  fields: DocFields = {},
): SourceItem {
  const meta = { ...ctx.meta, ...extra };
  const source = fields.source ?? ctx.source;
  if (source === "edu" && (isBlank(meta.subject) || isBlank(meta.grade)))
    return {
      bad: {
        input: where,
        reason: "edu document without subject and grade: add them in a sidecar YAML or the record's meta",
        excerpt: text.slice(0, 200),
      },
    };
  if (text.length > ctx.limits.maxDocChars)
    return {
      bad: {
        input: where,
        reason: `document of ${text.length} characters is over the ${ctx.limits.maxDocChars} limit`,
        excerpt: text.slice(0, 200),
      },
    };
  const own = extra.licence ?? extra.license;
  const licence = own === undefined || isBlank(own) ? ctx.licence : declaredLicence(own, `record ${where}`);
  return {
    doc: makeDocument({
      text,
      source,
      url: fields.url ?? null,
      path: fields.url ? null : where,
      fetched_at: fields.fetched_at,
      meta,
      licence: licence?.licence,
      licence_evidence: licence?.evidence,
    }),
  };
}

/** Whether a metadata value is missing or empty. */
export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

/** Text with runs of blank lines and trailing spaces tidied, as extracted from a markup format. */
export function tidy(text: string): string {
  return text
    .replace(/[ \t\u00a0]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
