import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Catalog, readShard, type ShardRecord, SoroError } from "@soro/core";
import type { Tokenizer } from "../tokenizer.js";
import { renderGemma3 } from "./chat.js";
import type { SftSample } from "./sft.js";

/** Shares of the imatrix text: mostly Tajik, some English, a chat-formatted slice. */
export const IMATRIX_MIX = { tajik: 0.8, english: 0.1, chat: 0.1 };

/** What went into the calibration sets. */
export interface CalibrationSummary {
  chatSamples: number;
  imatrixTokens: { tajik: number; english: number; chat: number };
}

/**
 * Writes `calibration/chat.jsonl` (held-out chat samples for GPTQ/AWQ, with their Gemma 3 rendering) and
 * `calibration/imatrix.txt` for llama.cpp's imatrix: Tajik corpus documents, English lines from `englishFile`, and
 * rendered held-out chats, filled to `imatrixTokens` in the IMATRIX_MIX shares (exact counts with `tok`).
 */
export async function writeCalibration(
  catalog: Catalog,
  out: string,
  opts: {
    shards: ShardRecord[];
    held: SftSample[];
    tok: Tokenizer;
    imatrixTokens: number;
    englishFile?: string;
  },
): Promise<CalibrationSummary> {
  const dir = path.join(out, "calibration");
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "chat.jsonl"),
    `${opts.held
      .map((s) => JSON.stringify({ id: s.id, messages: s.messages, text: renderGemma3(s.messages) }))
      .join("\n")}\n`,
  );
  const budget = (share: number) => Math.floor(opts.imatrixTokens * share);
  const parts: string[] = [];
  const used = { tajik: 0, english: 0, chat: 0 };
  const take = (kind: keyof typeof used, text: string, limit: number): boolean => {
    if (used[kind] >= limit) return false;
    const n = opts.tok.count(text);
    if (used[kind] + n > limit && used[kind] > 0) return false;
    parts.push(text);
    used[kind] += n;
    return true;
  };
  const tajikLimit = budget(IMATRIX_MIX.tajik) + (opts.englishFile ? 0 : budget(IMATRIX_MIX.english));
  outer: for (const shard of opts.shards) {
    for await (const batch of readShard(catalog.shardPath(shard), { columns: ["text"] })) {
      for (const row of batch)
        if (!take("tajik", String(row.text), tajikLimit) && used.tajik >= tajikLimit * 0.99) break outer;
    }
  }
  if (opts.englishFile) {
    let english: string;
    try {
      english = await readFile(opts.englishFile, "utf8");
    } catch (err) {
      throw new SoroError(
        `soro bridge: cannot read ${opts.englishFile} (${(err as Error).message})`,
        "pass an English text file",
        2,
      );
    }
    for (const para of english.split(/\n\s*\n/))
      if (para.trim() && !take("english", para.trim(), budget(IMATRIX_MIX.english))) break;
  }
  for (const s of opts.held) if (!take("chat", renderGemma3(s.messages), budget(IMATRIX_MIX.chat))) break;
  await writeFile(path.join(dir, "imatrix.txt"), `${parts.join("\n\n")}\n`);
  return { chatSamples: opts.held.length, imatrixTokens: used };
}
