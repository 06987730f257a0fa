import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { DEFAULT_PDF_LIMITS } from "./defaults.js";
import { type ExtractOptions, extractPdf, PdfInputError, type PdfText } from "./extract.js";
import type { WorkerMessage, WorkerTask } from "./worker.js";

/** The outcome for one file: its text, or the reason it is quarantined. */
export type FileOutcome =
  | { file: string; result: PdfText }
  | { file: string; bad: { reason: string; detail?: string } };

/** How a batch runs. */
export interface PoolOptions extends Omit<ExtractOptions, "onPage"> {
  /** Worker threads (default: one per core); 0 extracts in this thread, where a hung page cannot be cut off. */
  workers?: number;
  /** A file taking longer in all is cut off (default 10 minutes). */
  fileTimeoutMs?: number;
}

const entry = new URL("./worker-entry.mjs", import.meta.url);

/** How long a thread may take to load before its first file is given up (a loaded machine takes seconds). */
const STARTUP_MS = 120_000;

/** Extracts one file in a worker thread, terminating the thread when a page or the file overruns its limit. */
function inWorker(worker: Worker, task: WorkerTask, pageMs: number, fileMs: number): Promise<FileOutcome> {
  return new Promise((resolve) => {
    const posted = Date.now();
    // Both clocks start when the thread says it is ready, so a restarted thread's start-up is not charged to a page.
    let started = Number.POSITIVE_INFINITY;
    let page = 0;
    let lastBeat = started;
    let settled = false;
    const finish = (outcome: FileOutcome, kill: boolean) => {
      if (settled) return;
      settled = true;
      clearInterval(watch);
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
      if (kill) void worker.terminate();
      resolve(outcome);
    };
    const onMessage = (m: WorkerMessage) => {
      if (m.type === "ready") {
        started = Date.now();
        lastBeat = started;
      } else if (m.type === "page") {
        page = m.page;
        lastBeat = Date.now();
      } else if (m.type === "done") finish({ file: task.file, result: m.result }, false);
      else finish({ file: task.file, bad: { reason: m.reason, detail: m.detail } }, false);
    };
    const onError = (err: Error) =>
      finish({ file: task.file, bad: { reason: `unreadable: ${err.message}` } }, true);
    const onExit = (code: number) =>
      finish({ file: task.file, bad: { reason: `unreadable: the worker exited (code ${code})` } }, false);
    // The heartbeat watch catches pages that hang inside synchronous pdfjs code, which no timer in the thread can.
    const watch = setInterval(() => {
      const now = Date.now();
      if (started === Number.POSITIVE_INFINITY && now - posted > STARTUP_MS)
        finish(
          { file: task.file, bad: { reason: `timeout: the worker did not start in ${STARTUP_MS / 1000}s` } },
          true,
        );
      else if (now - lastBeat > pageMs + 1000)
        finish(
          { file: task.file, bad: { reason: `timeout: page ${page} took longer than ${pageMs / 1000}s` } },
          true,
        );
      else if (now - started > fileMs)
        finish(
          { file: task.file, bad: { reason: `timeout: the file took longer than ${fileMs / 1000}s` } },
          true,
        );
    }, 250);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
    worker.postMessage(task);
  });
}

/**
 * Extracts many PDFs in worker threads, calling `onOutcome` (awaited, one at a time, in completion order) for
 * each file. One bad or hung file never stops the batch.
 */
export async function extractMany(
  files: string[],
  opts: PoolOptions,
  onOutcome: (outcome: FileOutcome) => Promise<void>,
): Promise<void> {
  const { workers: wanted, fileTimeoutMs, ...extract } = opts;
  // Outcomes are handed on through one chain so the catalog sees one writer.
  let chain = Promise.resolve();
  const hand = (o: FileOutcome) => {
    chain = chain.then(() => onOutcome(o));
    return chain;
  };
  if (wanted === 0) {
    for (const file of files) {
      const outcome = await extractPdf(file, extract).then(
        (result): FileOutcome => ({ file, result }),
        (err: unknown): FileOutcome => ({
          file,
          bad:
            err instanceof PdfInputError
              ? { reason: err.reason, detail: err.detail }
              : { reason: String(err) },
        }),
      );
      await hand(outcome);
    }
    return;
  }
  const pageMs = extract.pageTimeoutMs ?? DEFAULT_PDF_LIMITS.pageTimeoutMs;
  const fileMs = fileTimeoutMs ?? DEFAULT_PDF_LIMITS.fileTimeoutMs;
  const queue = [...files];
  const lane = async () => {
    let worker = new Worker(entry);
    try {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        const outcome = await inWorker(worker, { file, opts: extract }, pageMs, fileMs);
        // A thread that was cut off or died is replaced; a healthy one is reused.
        if (
          "bad" in outcome &&
          /^timeout|worker exited|^unreadable: .*(memory|Worker)/.test(outcome.bad.reason)
        ) {
          await worker.terminate();
          worker = new Worker(entry);
        }
        await hand(outcome);
      }
    } finally {
      await worker.terminate();
    }
  };
  const n = Math.max(1, Math.min(wanted ?? availableParallelism(), files.length));
  await Promise.all(Array.from({ length: n }, lane));
  await chain;
}
