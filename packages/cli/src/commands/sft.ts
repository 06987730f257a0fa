import { UsageError } from "@soro/core/base";
import type { GenerateSummary, ModelEngineOptions, SampleStatus } from "@soro/sft-builder";
import { EXTRACTIVE_TASKS, TASKS } from "@soro/sft-builder/defaults";
import type { Command } from "commander";
import { globals, intOption, withCatalog } from "../context.js";
import { formatTable } from "../table.js";
import { registerSftReviewCommands } from "./sft-review.js";

/** A price option `PROMPT,COMPLETION` (per million tokens). */
function price(value: string | undefined): ModelEngineOptions["price"] {
  if (!value) return undefined;
  const [p, c] = value.split(",").map(Number);
  if (!Number.isFinite(p) || !Number.isFinite(c))
    throw new UsageError(
      `soro sft: --price ${value}`,
      "write prompt,completion prices per million tokens, e.g. --price 0.15,0.6",
    );
  return { prompt: p ?? 0, completion: c ?? 0 };
}

/** The flags of `soro sft generate`; those with a default are always there. */
type GenerateFlags = Record<string, string | undefined> & {
  target: string;
  concurrency: string;
  tasks: string;
};

/** One line of totals for the person watching. */
function line(s: GenerateSummary): string {
  const tasks = Object.entries(s.byTask)
    .map(([t, n]) => `${t} ${n.queued}/${n.queued + n.autoRejected}`)
    .join(", ");
  const failed = Object.entries(s.failedChecks)
    .map(([c, n]) => `${c} ${n}`)
    .join(", ");
  const ledger = s.ledger
    ? `; requests ${s.ledger.requests}, cached ${s.ledger.cached}, retries ${s.ledger.retries}, tokens ${s.ledger.promptTokens}+${s.ledger.completionTokens}, cost ${s.ledger.cost.toFixed(4)}`
    : "";
  return (
    `sft generate (run ${s.runId}, from ${s.stage}: ${s.docs} docs, ${s.chunks} chunks): ${s.candidates} candidates, ` +
    `${s.queued} queued, ${s.autoRejected} auto-rejected, ${s.existing} already made` +
    `${tasks ? ` [${tasks}]` : ""}${failed ? ` failed checks: ${failed}` : ""}` +
    `${s.failedPrompts ? `; ${s.failedPrompts} prompts failed (rerun to retry)` : ""}${ledger}`
  );
}

/** The synthesis subcommands of `soro sft`: generate, checks, list. */
export function registerSftSynthCommands(sft: Command): void {
  sft
    .command("generate")
    .description(
      "make teacher-style Tajik samples from the edu documents of a stage, check them, queue them for review",
    )
    .option(
      "--from <stage>",
      "stage whose active shards seed it (default: latest of dedup, select, normalize, ingest)",
    )
    .option("--subject <name>", "only documents of this subject")
    .option(
      "--grade <n|min-max>",
      "only passages of these grades (grade metadata, else the estimated reading grade)",
    )
    .option("--tasks <list>", `comma-separated: ${TASKS.join(",")} or all`, EXTRACTIVE_TASKS.join(","))
    .option("--target <n>", "samples wanted in the review queue", "100")
    .option(
      "--engine <kind>",
      "extractive (offline) or openai (any OpenAI-compatible endpoint)",
      "extractive",
    )
    .option("--endpoint <url>", "OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1")
    .option("--model <name>", "model name at the endpoint")
    .option("--concurrency <n>", "requests in flight", "8")
    .option("--price <prompt,completion>", "price per million prompt and completion tokens, for the ledger")
    .option("--temperature <t>", "sampling temperature")
    .option("--judge-model <name>", "also score each sample with this model at the same endpoint (LLM judge)")
    .option("--judge-min <score>", "lowest passing judge score, 1..5", "3")
    .option("--benchmarks <dir>", "folder of benchmark JSONL files: samples overlapping them are rejected")
    .option("--templates <file>", "task template set (default templates/teacher-v1.yaml)")
    .action(async (o: GenerateFlags, cmd: Command) => {
      const target = intOption("--target", o.target, 1);
      let engine: "extractive" | ModelEngineOptions = "extractive";
      const endpoint = () => {
        if (!o.endpoint || !o.model)
          throw new UsageError(
            "soro sft generate: a model engine needs --endpoint and --model",
            "e.g. --endpoint http://127.0.0.1:8000/v1 --model qwen",
          );
        return {
          baseUrl: o.endpoint,
          model: o.model,
          apiKey: process.env.SORO_SFT_API_KEY,
          concurrency: intOption("--concurrency", o.concurrency, 1),
          price: price(o.price),
          temperature: o.temperature === undefined ? undefined : Number(o.temperature),
        };
      };
      if (o.engine === "openai") engine = endpoint();
      else if (o.engine !== "extractive")
        throw new UsageError(`soro sft generate: unknown --engine ${o.engine}`, "use extractive or openai");
      const judge = o.judgeModel
        ? { ...endpoint(), model: o.judgeModel, minScore: Number(o.judgeMin) }
        : undefined;
      const { generateSamples, parseGradeRange, parseTasks } = await import("@soro/sft-builder");
      const grades = o.grade === undefined ? undefined : parseGradeRange(o.grade);
      if (grades === null)
        throw new UsageError(
          `soro sft generate: --grade ${o.grade} is not a grade or range`,
          "e.g. --grade 5 or --grade 5-7",
        );
      await withCatalog(cmd, async (c) => {
        const s = await generateSamples(c, {
          from: o.from,
          subject: o.subject,
          grades,
          tasks: parseTasks(o.tasks),
          target,
          engine,
          judge,
          benchmarks: o.benchmarks,
          templates: o.templates,
          onBatch: globals(cmd).quiet
            ? undefined
            : (x) => console.error(`… ${x.queued} queued, ${x.autoRejected} auto-rejected`),
        });
        console.log(line(s));
      });
    });
  sft
    .command("checks")
    .description("how many samples passed and failed each automatic check")
    .action(async (_o, cmd: Command) => {
      const { checkStats } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) => console.log(formatTable(await checkStats(c))));
    });
  sft
    .command("overlap")
    .description(
      "how much of the SFT samples' instructions and answers also sits in the pretraining shards (word n-grams)",
    )
    .option(
      "--stage <stage>",
      "pretraining stage to compare with (default: decontam, else dedup, else select)",
    )
    .option("--ngram <n>", "words per n-gram", "8")
    .action(async (o: { stage?: string; ngram: string }, cmd: Command) => {
      const ngram = intOption("--ngram", o.ngram, 2);
      const { measureSftOverlap } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) => {
        const s = await measureSftOverlap(c, { stage: o.stage, ngram });
        for (const p of s.parts)
          console.log(
            `overlap ${p.part}s vs ${s.stage} (${s.docsScanned} docs, ${s.ngram}-grams): ${p.samplesHit} of ${p.samples} samples share an n-gram, ${p.ngramsHit} of ${p.ngrams} n-grams (${p.ngrams ? ((100 * p.ngramsHit) / p.ngrams).toFixed(1) : "0.0"}%), ${p.tooShort} too short`,
          );
      });
    });
  sft
    .command("list")
    .description("samples with their task, status and first question")
    .option(
      "--status <status>",
      "only this status (candidate, auto_rejected, queued, accepted, rejected, needs_adjudication)",
    )
    .option("--limit <n>", "at most this many", "20")
    .option("--json", "one JSON sample a line (all fields)")
    .action(async (o: { status?: string; limit: string; json?: boolean }, cmd: Command) => {
      const { listSamples } = await import("@soro/sft-builder");
      await withCatalog(cmd, async (c) => {
        const rows = (await listSamples(c, o.status as SampleStatus | undefined)).slice(
          0,
          intOption("--limit", o.limit, 1),
        );
        if (o.json) for (const r of rows) console.log(JSON.stringify(r));
        else
          console.log(
            formatTable(
              rows.map((r) => ({
                sample_id: r.sample_id,
                task: r.task,
                status: r.status,
                grade: r.grade,
                question: r.messages.find((m) => m.role === "user")?.content ?? "",
              })),
            ),
          );
      });
    });
}

/** `soro sft`: the SFT command group (synthesis here; review and export add their own subcommands). */
export function registerSftCommands(program: Command): void {
  const sft = program
    .command("sft")
    .description("teacher-style Tajik SFT samples: generate, check, review, export");
  registerSftSynthCommands(sft);
  registerSftReviewCommands(sft);
}
