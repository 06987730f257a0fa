import type { SourceItem } from "@soro/core";
import { docItem, type ReaderContext } from "../context.js";
import { EncodingTally, lineProblem, openLines } from "../text-stream.js";

/**
 * A plain text file, each line decoded on its own (a line no encoding reads is quarantined and the rest kept): one
 * document per file, or one per blank-line-separated block.
 */
export async function* readText(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  // A whole-file document may be one long line: the document limit bounds it.
  const limit = ctx.splitBlocks ? ctx.limits.maxLineChars : ctx.limits.maxDocChars;
  const { detected, lines } = await openLines(ctx.input, limit);
  const fallback = detected.encoding.startsWith("utf-16") ? detected.encoding : "utf-8";
  let tally = new EncodingTally(fallback);
  let block: string[] = [];
  let first = 0;
  let size = 0;
  const flush = (where: string): SourceItem | null => {
    const text = block.join("\n").replace(/\r\n?/g, "\n");
    const meta = { format: "text", ...tally.meta() };
    block = [];
    size = 0;
    tally = new EncodingTally(fallback);
    const trimmed = ctx.splitBlocks ? text.trim() : text;
    return trimmed.trim() === "" ? null : docItem(ctx, trimmed, where, meta);
  };
  for await (const l of lines) {
    const problem = lineProblem(l, limit);
    if (problem !== null) {
      if (!ctx.splitBlocks && "tooLong" in l)
        throw new Error(
          `text over the ${ctx.limits.maxDocChars}-character document limit (try --split-blocks)`,
        );
      yield { bad: { input: `${ctx.input.name}:${l.n}`, reason: problem } };
      continue;
    }
    if (!("line" in l)) continue;
    if (ctx.splitBlocks && l.line.trim() === "") {
      const item = flush(`${ctx.input.name}:${first}`);
      if (item) yield item;
      continue;
    }
    if (block.length === 0) first = l.n;
    block.push(l.line);
    tally.add(l);
    size += l.line.length + 1;
    // A document (or block) is bounded: a block goes to docItem, which quarantines it whole with its first line;
    // a whole file stops here.
    if (size > ctx.limits.maxDocChars) {
      if (!ctx.splitBlocks)
        throw new Error(
          `text over the ${ctx.limits.maxDocChars}-character document limit (try --split-blocks)`,
        );
      const item = flush(`${ctx.input.name}:${first}`);
      if (item) yield item;
    }
  }
  if (!ctx.splitBlocks) {
    const item = flush(ctx.input.name);
    if (item) yield item;
    else yield { bad: { input: ctx.input.name, reason: "empty text file" } };
    return;
  }
  const item = flush(`${ctx.input.name}:${first}`);
  if (item) yield item;
}
