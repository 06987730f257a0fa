import cliProgress from "cli-progress";
import { humanCount, humanDuration } from "./human.js";

/** Receives progress of a long job: a bar with rate and ETA on a TTY, periodic log lines otherwise. */
export interface Progress {
  /** Adds completed work (documents and characters). */
  tick(docs: number, chars: number): void;
  /** Ends the display with a summary line. */
  stop(summary?: string): void;
}

/** Options for a progress display. */
export interface ProgressOptions {
  label: string;
  totalDocs: number;
  /** Where to draw (default stderr). */
  stream?: NodeJS.WriteStream;
  /** Seconds between log lines when not a TTY (default 5). */
  logEvery?: number;
  /** Force the plain-log form even on a TTY; `quiet` prints nothing at all. */
  mode?: "auto" | "log" | "quiet";
}

export { humanCount, humanDuration };

/** Starts a progress display for `totalDocs` documents. */
export function startProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const started = Date.now();
  let docs = 0;
  let chars = 0;
  const rate = () => docs / Math.max((Date.now() - started) / 1000, 1e-3);
  const line = () => {
    const pct = options.totalDocs ? ((100 * docs) / options.totalDocs).toFixed(1) : "?";
    const eta = rate() > 0 ? (options.totalDocs - docs) / rate() : Number.POSITIVE_INFINITY;
    return `${options.label}: ${humanCount(docs)}/${humanCount(options.totalDocs)} docs (${pct}%), ${humanCount(rate())} docs/s, ${humanCount(chars / Math.max((Date.now() - started) / 1000, 1e-3))} chars/s, ETA ${humanDuration(eta)}`;
  };
  const mode = options.mode ?? "auto";
  if (mode === "auto" && stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} docs | {rate} docs/s | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.totalDocs, 0, { rate: "0" });
    return {
      tick(d, c) {
        docs += d;
        chars += c;
        bar.update(docs, { rate: humanCount(rate()) });
      },
      stop(summary) {
        bar.stop();
        if (summary) stream.write(`${summary}\n`);
      },
    };
  }
  let lastLog = Date.now();
  const every = (options.logEvery ?? 5) * 1000;
  return {
    tick(d, c) {
      docs += d;
      chars += c;
      if (mode !== "quiet" && Date.now() - lastLog >= every) {
        lastLog = Date.now();
        stream.write(`${line()}\n`);
      }
    },
    stop(summary) {
      if (summary && mode !== "quiet") stream.write(`${summary}\n`);
    },
  };
}
