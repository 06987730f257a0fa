export { DEFAULT_PDF_LIMITS } from "./defaults.js";
export { type ExtractOptions, extractPdf, extractPdfData, PdfInputError, type PdfText } from "./extract.js";
export {
  crawledPdfs,
  ingestPdfs,
  listPdfs,
  type PdfIngestOptions,
  type PdfIngestSummary,
  pdfMeta,
} from "./ingest.js";
export {
  commonGutters,
  type Fragment,
  findGutters,
  flow,
  type Gutter,
  joinWrapped,
  type Line,
  layoutPage,
  layoutPages,
  type Paragraph,
  pageLines,
} from "./layout.js";
export {
  detectLegacy,
  type LegacyMapping,
  type LegacyVerdict,
  legacySource,
  repairLegacy,
} from "./legacy.js";
export { checkOcrTools, ocrPage } from "./ocr.js";
export { extractMany, type FileOutcome, type PoolOptions } from "./pool.js";
export { removeRunning, runningItems } from "./running.js";
