/**
 * Where a document came from; `edu` is curriculum material (subject and grade in `meta`); `replay` is English or
 * Russian text the continued pretraining mixes in against forgetting (its own stage, outside the Tajik pipeline).
 */
export const SOURCES = ["web", "pdf", "edu", "book", "other", "replay"] as const;

/** One of SOURCES. */
export type SourceKind = (typeof SOURCES)[number];
