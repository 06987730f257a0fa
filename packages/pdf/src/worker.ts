import { parentPort } from "node:worker_threads";
import { type ExtractOptions, extractPdf, PdfInputError, type PdfText } from "./extract.js";

/** A file to extract, as the pool sends it to a worker thread. */
export interface WorkerTask {
  file: string;
  opts: Omit<ExtractOptions, "onPage">;
}

/** What a worker thread sends back: heartbeats as pages start, then the text or the reason it failed. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "page"; page: number }
  | { type: "done"; result: PdfText }
  | { type: "bad"; reason: string; detail?: string };

parentPort?.on("message", async (task: WorkerTask) => {
  const port = parentPort;
  if (!port) return;
  // The pool's clocks start here: a fresh thread's start-up (loading pdfjs) is no page's time.
  port.postMessage({ type: "ready" } satisfies WorkerMessage);
  try {
    const result = await extractPdf(task.file, {
      ...task.opts,
      onPage: (page) => port.postMessage({ type: "page", page } satisfies WorkerMessage),
    });
    port.postMessage({ type: "done", result } satisfies WorkerMessage);
  } catch (err) {
    const e = err instanceof PdfInputError ? err : new PdfInputError(`unreadable: ${(err as Error).message}`);
    port.postMessage({ type: "bad", reason: e.reason, detail: e.detail } satisfies WorkerMessage);
  }
});
