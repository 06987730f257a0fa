import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { analyseText } from "./analyse.js";
import { identifyLanguage } from "./langid.js";
import { defaultLexicon, type Lexicon } from "./lexicon.js";
import type { TajikModel } from "./model.js";
import { normalizeText } from "./normalize.js";

/** Options of the line filters. */
export interface FilterOptions {
  lexicon?: Lexicon;
  model?: TajikModel;
  /** Write each change with its rule to `explainTo` (normalize only). */
  explain?: boolean;
  explainTo?: Writable;
  scriptMapping?: boolean;
  restore?: boolean;
}

/** Writes a line, waiting when the stream is full (so a large input does not pile up in memory). */
async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await new Promise((resolve) => out.once("drain", resolve));
}

/** Maps each input line (numbered from 1) to one output line; returns the number of lines. */
async function mapLines(
  input: Readable,
  output: Writable,
  fn: (line: string, n: number) => string,
): Promise<number> {
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    await writeLine(output, fn(line, n));
  }
  return n;
}

/** `soro normalize --filter`: one normalized line out per line in; returns the number of lines. */
export async function normalizeFilter(
  input: Readable,
  output: Writable,
  options: FilterOptions = {},
): Promise<number> {
  const lexicon = options.lexicon ?? defaultLexicon();
  return mapLines(input, output, (line, n) => {
    const a = analyseText(line, { ...options, lexicon });
    if (options.explain && a.changes) {
      const to = options.explainTo ?? process.stderr;
      for (const c of a.changes)
        to.write(`${n}\t${c.rule}\t${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}\n`);
    }
    return a.text.replace(/\n/g, " ");
  });
}

/**
 * `soro langid`: `<iso639-3>\t<score>\t<P(Tajik)>` per line in, the same codes the stage stores (uzn, pes, prs, ...),
 * identified after repair (script mapping left out, so Persian stays Persian); returns the number of lines.
 */
export async function langidFilter(
  input: Readable,
  output: Writable,
  options: FilterOptions = {},
): Promise<number> {
  const lexicon = options.lexicon ?? defaultLexicon();
  return mapLines(input, output, (line) => {
    const r = identifyLanguage(normalizeText(line, { lexicon, scriptMapping: false }).text);
    return `${r.lang}\t${r.score.toFixed(3)}\t${r.tgk.toFixed(3)}`;
  });
}
