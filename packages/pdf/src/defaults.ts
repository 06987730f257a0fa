// The PDF stage's default limits, in a module that loads no library (`@soro/pdf/defaults`), so the `soro pdf` help
// shows them without loading pdfjs.

/** A file with more pages is refused; a page (OCR included) or a whole file taking longer is cut off and refused. */
export const DEFAULT_PDF_LIMITS = { maxPages: 2000, pageTimeoutMs: 30_000, fileTimeoutMs: 600_000 } as const;
