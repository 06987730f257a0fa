import type { Catalog } from "@soro/core";

/** An expected refusal (not found, forbidden, invalid input) that an operation throws before it writes anything. */
export class ReviewError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 429,
    message: string,
  ) {
    super(message);
  }
}

/** One catalog operation: it runs alone on the connection; it may throw a ReviewError only before its first write. */
export type Op<T> = (catalog: Catalog) => Promise<T>;

/** Writes made in memory, to be written in the next transaction before its queued operations run. */
export interface WriteBehind {
  /** The writes made so far and how to settle them, or null when there are none. */
  take(): { sql: string; done: () => void; failed: (err: unknown) => void } | null;
}

interface Pending {
  op: Op<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/**
 * Runs catalog operations one at a time on the catalog's single connection (DuckDB allows one writer, and
 * interleaved statements of concurrent requests would share a transaction), committing whatever queued up while the
 * previous batch ran as one transaction: one commit serves many requests, so latency stays flat under load. Each
 * transaction first writes what the `writeBehind` state changed in memory since the last one.
 */
export class SerialCatalog {
  private queue: Pending[] = [];
  private draining = false;
  /** Memory state whose changes ride in each transaction (see ReviewState). */
  writeBehind: WriteBehind | null = null;

  constructor(
    readonly catalog: Catalog,
    private readonly maxBatch = 128,
  ) {}

  /** Queues an operation and resolves with its result once its transaction has committed. */
  run<T>(op: Op<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Starts a transaction soon if none is running, so writes made in memory get committed. */
  kick(): void {
    if (!this.draining) void this.drain();
  }

  /** Resolves once everything queued so far has run. */
  async idle(): Promise<void> {
    await this.run(async () => undefined);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (;;) {
        const writes = this.writeBehind?.take() ?? null;
        if (!writes && !this.queue.length) break;
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const results = await this.runBatch(batch, writes?.sql);
          writes?.done();
          this.settle(batch, results);
        } catch {
          if (writes) {
            try {
              await this.runBatch([], writes.sql);
              writes.done();
            } catch (err) {
              writes.failed(err);
            }
          }
          // Something failed after writing: the batch rolled back; retry each alone so only the culprit fails.
          for (const item of batch) {
            try {
              this.settle([item], await this.runBatch([item]));
            } catch (err) {
              item.reject(err);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async runBatch(batch: Pending[], writes?: string): Promise<Array<{ ok: boolean; value: unknown }>> {
    const conn = this.catalog.conn;
    const out: Array<{ ok: boolean; value: unknown }> = [];
    try {
      // Each call to DuckDB waits for a busy event loop to see its answer, so a flush alone is one call.
      if (writes && !batch.length) {
        await conn.run(`BEGIN TRANSACTION;\n${writes};\nCOMMIT`);
        return out;
      }
      // Earlier in-memory changes come first, so the queued operations read a catalog that holds them.
      await conn.run(writes ? `BEGIN TRANSACTION;\n${writes}` : "BEGIN TRANSACTION");
      for (const item of batch) {
        try {
          out.push({ ok: true, value: await item.op(this.catalog) });
        } catch (err) {
          if (!(err instanceof ReviewError)) throw err;
          out.push({ ok: false, value: err });
        }
      }
      await conn.run("COMMIT");
      return out;
    } catch (err) {
      await conn.run("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  private settle(batch: Pending[], results: Array<{ ok: boolean; value: unknown }>): void {
    batch.forEach((item, i) => {
      const r = results[i] ?? {
        ok: false,
        value: new Error(`review writes: no result for write ${i + 1} of ${batch.length}`),
      };
      if (r.ok) item.resolve(r.value);
      else item.reject(r.value);
    });
  }
}
