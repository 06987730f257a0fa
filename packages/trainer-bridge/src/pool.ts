import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import {
  type CountResult,
  type CountTask,
  type EncodeResult,
  type EncodeTask,
  type LinesResult,
  type LinesTask,
  runTokenTask,
} from "./token-worker.js";

/** Tokenizes shards in worker threads (each worker loads the tokenizer once), or in this thread with 0 workers. */
export class TokenPool {
  private readonly pool: Piscina | null;

  /** `workers` defaults to one per core; 0 tokenizes in the calling thread. */
  constructor(workers = availableParallelism()) {
    this.pool =
      workers > 0
        ? new Piscina({
            filename: new URL("./token-worker-entry.mjs", import.meta.url).href,
            maxThreads: workers,
            minThreads: workers,
            // A worker holds a ~490 MB tokenizer: keep it alive between tasks instead of reloading.
            idleTimeout: 60_000,
          })
        : null;
  }

  /** How many tasks may usefully be in flight (for bounded read-ahead). */
  get width(): number {
    return this.pool ? this.pool.options.maxThreads : 1;
  }

  /** Counts one shard's documents. */
  count(task: Omit<CountTask, "kind">): Promise<CountResult> {
    const t: CountTask = { kind: "count", ...task };
    return (this.pool ? this.pool.run(t) : runTokenTask(t)) as Promise<CountResult>;
  }

  /** Encodes one shard's documents. */
  encode(task: Omit<EncodeTask, "kind">): Promise<EncodeResult> {
    const t: EncodeTask = { kind: "encode", ...task };
    return (this.pool ? this.pool.run(t) : runTokenTask(t)) as Promise<EncodeResult>;
  }

  /** Counts the tokens of each of a few lines. */
  lines(task: Omit<LinesTask, "kind">): Promise<LinesResult> {
    const t: LinesTask = { kind: "lines", ...task };
    return (this.pool ? this.pool.run(t) : runTokenTask(t)) as Promise<LinesResult>;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}

/**
 * Runs `fn` over items with at most `width` in flight and hands results to `sink` in input order, so writers stay
 * deterministic while workers run ahead.
 */
export async function orderedMap<T, R>(
  items: T[],
  width: number,
  fn: (item: T) => Promise<R>,
  sink: (result: R, item: T, index: number) => Promise<void> | void,
): Promise<void> {
  const pending: Array<Promise<R>> = [];
  const unstarted = items.values();
  const fill = () => {
    while (pending.length < Math.max(1, width) * 2) {
      const next = unstarted.next();
      if (next.done) return;
      const p = fn(next.value);
      // Rejections are awaited in order below; this keeps an early one from counting as unhandled meanwhile.
      p.catch(() => {});
      pending.push(p);
    }
  };
  fill();
  for (const [i, item] of items.entries()) {
    const started = pending.shift();
    if (!started) throw new Error(`orderedMap: item ${i} was never started (a bug: report it)`);
    const result = await started;
    fill();
    await sink(result, item, i);
  }
}
