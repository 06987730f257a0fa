import type { SourceItem } from "@soro/core";
import { docItem, type ReaderContext } from "../context.js";
import { lines, openText } from "../text-stream.js";

/** A plain text file in any detected encoding: one document per file, or one per blank-line-separated block. */
export async function* readText(ctx: ReaderContext): AsyncGenerator<SourceItem> {
  const { detected, chunks } = await openText(ctx.input);
  const extra = { format: "text", encoding: detected.encoding };
  if (!ctx.splitBlocks) {
    let text = "";
    for await (const chunk of chunks) {
      text += chunk;
      if (text.length > ctx.limits.maxDocChars)
        throw new Error(
          `text over the ${ctx.limits.maxDocChars}-character document limit (try --split-blocks)`,
        );
    }
    if (text.trim() === "") {
      yield { bad: { input: ctx.input.name, reason: "empty text file" } };
      return;
    }
    yield docItem(ctx, text.replace(/\r\n?/g, "\n"), ctx.input.name, extra);
    return;
  }
  let block: string[] = [];
  let first = 0;
  let size = 0;
  const flush = (): SourceItem | null => {
    const text = block.join("\n").trim();
    block = [];
    size = 0;
    return text === "" ? null : docItem(ctx, text, `${ctx.input.name}:${first}`, extra);
  };
  for await (const l of lines(chunks, ctx.limits.maxLineChars)) {
    if ("tooLong" in l) {
      yield {
        bad: {
          input: `${ctx.input.name}:${l.n}`,
          reason: `line of ${l.tooLong} characters is over the ${ctx.limits.maxLineChars} limit`,
        },
      };
      continue;
    }
    if (l.line.trim() === "") {
      const item = flush();
      if (item) yield item;
      continue;
    }
    if (block.length === 0) first = l.n;
    block.push(l.line);
    size += l.line.length;
    // A block is bounded like a document; docItem quarantines it whole with its first line number.
    if (size > ctx.limits.maxDocChars) {
      const item = flush();
      if (item) yield item;
    }
  }
  const item = flush();
  if (item) yield item;
}
