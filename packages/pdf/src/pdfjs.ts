import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { getDocument, type PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve("pdfjs-dist/package.json"));
// pdfjs fetches these itself; file URLs keep it offline and on the fonts and maps shipped in the package.
const asset = (dir: string) => `${pathToFileURL(path.join(root, dir)).href}/`;

/** A loaded PDF and the way to let go of it. */
export interface OpenPdf {
  doc: PDFDocumentProxy;
  close(): Promise<void>;
}

/**
 * Opens PDF bytes with pdfjs in this thread: no system fonts, no font loading, no XFA and no network. Script
 * evaluation is not an option any more: pdfjs-dist 5.x dropped `isEvalSupported` with its last `new Function`
 * path (the 2024 font-matrix code-execution advisory, CVE-2024-4367, was fixed in 4.2.67).
 */
export async function openPdf(data: Uint8Array, password?: string): Promise<OpenPdf> {
  const task = getDocument({
    // pdfjs refuses Node Buffers (and takes ownership of what it gets): hand it a plain copy.
    data: Buffer.isBuffer(data) ? new Uint8Array(data) : data,
    password,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    enableXfa: false,
    standardFontDataUrl: asset("standard_fonts"),
    cMapUrl: asset("cmaps"),
    cMapPacked: true,
    wasmUrl: asset("wasm"),
    verbosity: 0,
  });
  const doc = await task.promise.catch(async (err: unknown) => {
    await task.destroy();
    throw err;
  });
  return { doc, close: () => task.destroy() };
}
