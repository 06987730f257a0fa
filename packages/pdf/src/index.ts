export { type ExtractOptions, extractPdf, extractPdfData, PdfInputError, type PdfText } from "./extract.js";
export {
  crawledPdfs,
  ingestPdfs,
  listPdfs,
  type PdfIngestOptions,
  type PdfIngestSummary,
  pdfMeta,
} from "./ingest.js";
export { type Fragment, joinWrapped, layoutPage, type Paragraph } from "./layout.js";
export {
  detectLegacy,
  type LegacyMapping,
  type LegacyVerdict,
  legacySource,
  repairLegacy,
} from "./legacy.js";
export { checkOcrTools, ocrPage } from "./ocr.js";
export { extractMany, type FileOutcome, type PoolOptions } from "./pool.js";
export { removeRunning } from "./running.js";
