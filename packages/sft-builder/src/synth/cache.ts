import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";

/** A model's answer to one prompt, as cached. */
export interface CachedAnswer {
  content: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Answers keyed by prompt hash in an append-only JSONL file: each answer is one line written as soon as it
 * arrives, so a run killed at any point keeps every answer it paid for, and a rerun sends none of those prompts.
 * A torn last line (a machine crash mid-write) is skipped on load.
 */
export class PromptCache {
  private constructor(
    readonly file: string,
    private readonly entries: Map<string, CachedAnswer>,
    private readonly fh: FileHandle,
  ) {}

  /** Opens (creating) a cache file and loads what it holds. */
  static async open(file: string): Promise<PromptCache> {
    await mkdir(path.dirname(file), { recursive: true });
    const entries = new Map<string, CachedAnswer>();
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch {
      // no cache yet
    }
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const e = JSON.parse(line) as CachedAnswer & { hash: string };
        entries.set(e.hash, {
          content: e.content,
          promptTokens: e.promptTokens,
          completionTokens: e.completionTokens,
        });
      } catch {
        // torn line from a crash mid-write: that prompt is simply asked again
      }
    }
    // A torn last line must not glue itself to the next record.
    const fh = await open(file, "a");
    if (text.length > 0 && !text.endsWith("\n")) await fh.write("\n");
    return new PromptCache(file, entries, fh);
  }

  /** Number of cached answers. */
  get size(): number {
    return this.entries.size;
  }

  /** The cached answer of a prompt hash. */
  get(hash: string): CachedAnswer | undefined {
    return this.entries.get(hash);
  }

  /** Records an answer (one write of one line). */
  async put(hash: string, answer: CachedAnswer): Promise<void> {
    this.entries.set(hash, answer);
    await this.fh.write(`${JSON.stringify({ hash, ...answer })}\n`);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.fh.close();
  }
}
