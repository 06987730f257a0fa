import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { countStageTokens } from "../src/counts.js";
import { exportCorpus } from "../src/export/corpus.js";
import { exportSft } from "../src/export/handoff.js";
import type { Tokenizer } from "../src/tokenizer.js";

/** A Megatron export and an SFT export (calibration sets, an eval task) of real Tajik text, for the job tests. */
export async function jobExports(
  catalog: Catalog,
  tok: Tokenizer,
): Promise<{ megatron: string; sft: string }> {
  await countStageTokens(catalog, { workers: 1 });
  const work = await mkdtemp(path.join(tmpdir(), "soro-jobs-"));
  const megatron = path.join(work, "megatron");
  await exportCorpus(catalog, {
    format: "megatron",
    out: megatron,
    workers: 1,
    replay: { share: 0.2, source: "/data/english/fineweb_text_document" },
  });
  const pairs = libreofficeTajikStrings()
    .filter((s) => s.en.trim() && s.tg.trim())
    .slice(0, 80);
  const samples = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    samples.push({
      messages: [
        { role: "user", content: pairs[i]!.en },
        { role: "assistant", content: pairs[i]!.tg },
        { role: "user", content: pairs[i + 1]!.en },
        { role: "assistant", content: pairs[i + 1]!.tg },
      ],
    });
  }
  const sftFile = path.join(work, "sft.jsonl");
  await writeFile(sftFile, samples.map((s) => JSON.stringify(s)).join("\n"));
  const udhr = await udhrParagraphs("tgk");
  const bench = path.join(work, "bench.jsonl");
  await writeFile(
    bench,
    udhr
      .slice(0, 6)
      .map((q, i) => JSON.stringify({ question: q, choices: [udhr[10 + i], q], answer: 1 }))
      .join("\n"),
  );
  const sft = path.join(work, "sft");
  await exportSft(catalog, {
    out: sft,
    input: sftFile,
    calibrationSamples: 6,
    imatrixTokens: 3000,
    benchmark: bench,
    tokenizer: tok,
  });
  return { megatron, sft };
}
