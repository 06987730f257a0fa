import path from "node:path";
import { type Catalog, configHash, defined, UsageError } from "@soro/core";
import { loadBenchmarkChecker } from "../checks/benchmark.js";
import { type CheckOptions, CheckSuite } from "../checks/suite.js";
import type { Verdict } from "../checks/verdict.js";
import { addSamples, type SftSample, sampleId } from "../samples/schema.js";
import type { Candidate } from "./candidate.js";
import { parseDialogue, teacherPrompt } from "./dialogue.js";
import { EXTRACTIVE_TASKS, mineChunk } from "./extractive.js";
import { type Ledger, OpenAIEngine, type OpenAIEngineOptions } from "./openai.js";
import { chunkText, type GradeRange, loadSeeds, type SeedChunk } from "./seeds.js";
import { ensureSynthTables, recordChecks } from "./tables.js";
import { DEFAULT_TEMPLATES, loadTemplates, type Task, type TemplateSet } from "./templates.js";

/** A model engine as configured (the cache lives in the workspace unless given). */
export type ModelEngineOptions = Omit<OpenAIEngineOptions, "cacheFile"> & { cacheFile?: string };

/** Options of `soro sft generate`. */
export interface GenerateOptions {
  /** Stage to seed from (default: the latest of dedup, select, normalize, ingest with shards). */
  from?: string;
  /** Only documents of this subject. */
  subject?: string;
  /** Only passages of these grades (metadata, else the estimated reading grade). */
  grades?: GradeRange;
  tasks: Task[];
  /** Samples wanted in the queue (passing every check), counting those an earlier run already made. */
  target: number;
  /** `extractive` (offline) or an OpenAI-compatible endpoint. */
  engine: "extractive" | ModelEngineOptions;
  templates?: string;
  /** Folder of benchmark JSONL files to flag overlap with. */
  benchmarks?: string;
  /** LLM judge: an endpoint (the same options as a model engine) and the lowest passing score. */
  judge?: ModelEngineOptions & { minScore?: number };
  lengths?: CheckOptions["lengths"];
  maxChunkChars?: number;
  /** Called after each batch with the running totals. */
  onBatch?: (s: GenerateSummary) => void;
}

/** What a generate run did. */
export interface GenerateSummary {
  runId: number;
  stage: string;
  docs: number;
  chunks: number;
  candidates: number;
  queued: number;
  autoRejected: number;
  /** Candidates already in the catalog from an earlier run (not checked again). */
  existing: number;
  /** Of those, samples queued or already reviewed: they count toward the target. */
  kept: number;
  /** Prompts that failed after every retry (their chunks are left for a rerun). */
  failedPrompts: number;
  byTask: Record<string, { queued: number; autoRejected: number }>;
  /** Failures per check. */
  failedChecks: Record<string, number>;
  ledger: Ledger | null;
}

/** Spreads chunks of different documents through the work order, the same order on every run. */
function interleave(chunks: SeedChunk[]): SeedChunk[] {
  return [...chunks].sort((a, b) => {
    const ka = configHash([a.docId, a.index]);
    const kb = configHash([b.docId, b.index]);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

/** A workspace-local cache file per endpoint and model. */
function cacheFileFor(catalog: Catalog, e: ModelEngineOptions, kind: string): string {
  return (
    e.cacheFile ??
    path.join(catalog.ws.dir, "sft", "cache", `${kind}-${configHash([e.baseUrl, e.model])}.jsonl`)
  );
}

/** Candidates of one batch of chunks from the extractive engine. */
function extractiveBatch(chunks: SeedChunk[], tasks: Task[], t: TemplateSet): Candidate[] {
  return chunks.flatMap((c) => mineChunk(c, tasks, t));
}

/** Candidates of one batch of (chunk, task) pairs from a model engine; failed prompts are counted, not fatal. */
async function modelBatch(
  engine: OpenAIEngine,
  pairs: Array<{ chunk: SeedChunk; task: Task }>,
  t: TemplateSet,
): Promise<{ candidates: Candidate[]; failed: number }> {
  const settled = await Promise.allSettled(
    pairs.map(async ({ chunk, task }) => {
      const prompt = teacherPrompt(t, task, chunk);
      const answer = await engine.chat(prompt);
      const messages = parseDialogue(answer.content) ?? [
        { role: "assistant" as const, content: answer.content },
      ];
      return {
        task,
        messages,
        chunk,
        excerpt: chunkText(chunk),
        engine: engine.name,
        templateVersion: t.version,
        promptHash: answer.hash,
      };
    }),
  );
  const candidates: Candidate[] = [];
  let failed = 0;
  for (const s of settled)
    if (s.status === "fulfilled") candidates.push(s.value);
    else failed++;
  return { candidates, failed };
}

/**
 * Makes teacher-style samples from the educational documents of a stage: seed chunks, task templates, an engine
 * (extractive or an OpenAI-compatible model), every automatic check with its verdict stored, and the sample
 * queued for review when all pass (auto-rejected otherwise). Stops once `target` samples are queued. Reruns are
 * cheap: sample ids are content hashes, and model answers come from the prompt cache.
 */
export async function generateSamples(catalog: Catalog, opts: GenerateOptions): Promise<GenerateSummary> {
  if (opts.tasks.length === 0)
    throw new UsageError("soro sft generate: no tasks", "pass --tasks explain,quiz,... or all");
  if (!(opts.target > 0))
    throw new UsageError(`soro sft generate: --target ${opts.target}`, "give a positive number of samples");
  await ensureSynthTables(catalog);
  const t = await loadTemplates(opts.templates ?? DEFAULT_TEMPLATES);
  const seeds = await loadSeeds(catalog, {
    from: opts.from,
    subject: opts.subject,
    grades: opts.grades,
    maxChars: opts.maxChunkChars,
  });
  if (seeds.chunks.length === 0)
    throw new UsageError(
      `soro sft generate: stage ${seeds.stage} has no edu documents${opts.subject ? ` of subject ${opts.subject}` : ""}${opts.grades ? ` of grade ${opts.grades.min}-${opts.grades.max}` : ""}`,
      "ingest curriculum files with --source edu (subject and grade in _meta.yaml), or pick another --from",
    );
  const extractive = opts.engine === "extractive";
  const tasks = extractive ? opts.tasks.filter((x) => EXTRACTIVE_TASKS.includes(x)) : opts.tasks;
  if (tasks.length === 0)
    throw new UsageError(
      `soro sft generate: the extractive engine cannot make ${opts.tasks.join(", ")}`,
      `use some of ${EXTRACTIVE_TASKS.join(", ")}, or a model engine (--endpoint URL --model NAME)`,
    );
  const engine =
    opts.engine === "extractive"
      ? null
      : await OpenAIEngine.open({ ...opts.engine, cacheFile: cacheFileFor(catalog, opts.engine, "gen") });
  const judgeEngine = opts.judge
    ? await OpenAIEngine.open({ ...opts.judge, cacheFile: cacheFileFor(catalog, opts.judge, "judge") })
    : null;
  const suite = await CheckSuite.forCatalog(catalog, {
    lengths: opts.lengths,
    benchmarks: opts.benchmarks ? await loadBenchmarkChecker(opts.benchmarks) : undefined,
    judge: judgeEngine
      ? { engine: judgeEngine, prompt: t.judge, minScore: opts.judge?.minScore ?? 3 }
      : undefined,
  });
  const [run] = (await catalog.rows(
    `INSERT INTO sft_runs (status, engine, template_version, stage, tasks, target) VALUES ('running', $1, $2, $3, $4::VARCHAR[], $5) RETURNING run_id`,
    [engine?.name ?? "extractive", t.version, seeds.stage, JSON.stringify(tasks), opts.target],
  )) as Array<{ run_id: bigint }>;
  const runId = Number(defined(run, "the run id INSERT ... RETURNING gave").run_id);
  const summary: GenerateSummary = {
    runId,
    stage: seeds.stage,
    docs: seeds.docs,
    chunks: seeds.chunks.length,
    candidates: 0,
    queued: 0,
    autoRejected: 0,
    existing: 0,
    kept: 0,
    failedPrompts: 0,
    byTask: {},
    failedChecks: {},
    ledger: engine?.ledger ?? null,
  };
  const known = new Map(
    (await catalog.rows(`SELECT sample_id, status FROM sft_samples`)).map((r) => [
      String(r.sample_id),
      String(r.status),
    ]),
  );
  const order = interleave(seeds.chunks);
  const batchChunks = engine
    ? Math.max(1, Math.ceil((((opts.engine as ModelEngineOptions).concurrency ?? 8) * 2) / tasks.length))
    : 16;
  try {
    for (let at = 0; at < order.length && summary.queued + summary.kept < opts.target; at += batchChunks) {
      const chunks = order.slice(at, at + batchChunks);
      let candidates: Candidate[];
      if (engine) {
        const r = await modelBatch(
          engine,
          chunks.flatMap((chunk) => tasks.map((task) => ({ chunk, task }))),
          t,
        );
        candidates = r.candidates;
        summary.failedPrompts += r.failed;
      } else candidates = extractiveBatch(chunks, tasks, t);
      await storeBatch(catalog, suite, runId, candidates, known, summary, opts.target);
      opts.onBatch?.(summary);
    }
    await finishRun(catalog, runId, "done", summary);
  } catch (err) {
    await finishRun(catalog, runId, "failed", summary, (err as Error).message);
    throw err;
  } finally {
    await engine?.close();
    await judgeEngine?.close();
  }
  return summary;
}

/** Checks candidates in order and stores samples, verdicts and provenance in one transaction, up to the target. */
async function storeBatch(
  catalog: Catalog,
  suite: CheckSuite,
  runId: number,
  candidates: Candidate[],
  known: Map<string, string>,
  summary: GenerateSummary,
  target: number,
): Promise<void> {
  const rows: Array<{ sample: Omit<SftSample, "version">; verdicts: Verdict[]; c: Candidate }> = [];
  for (const c of candidates) {
    if (summary.queued + summary.kept >= target) break;
    summary.candidates++;
    const id = sampleId(c.task, c.messages);
    const prior = known.get(id);
    if (prior !== undefined) {
      summary.existing++;
      if (prior !== "auto_rejected") summary.kept++;
      continue;
    }
    const { passed, verdicts } = await suite.check({
      sampleId: id,
      task: c.task,
      grade: c.chunk.grade,
      messages: c.messages,
    });
    const status = passed ? "queued" : "auto_rejected";
    known.set(id, status);
    const t = summary.byTask[c.task] ?? { queued: 0, autoRejected: 0 };
    summary.byTask[c.task] = t;
    if (passed) {
      summary.queued++;
      t.queued++;
    } else {
      summary.autoRejected++;
      t.autoRejected++;
      for (const v of verdicts)
        if (!v.passed) summary.failedChecks[v.check] = (summary.failedChecks[v.check] ?? 0) + 1;
    }
    rows.push({
      c,
      verdicts,
      sample: {
        sample_id: id,
        task: c.task,
        subject: c.chunk.subject || null,
        grade: c.chunk.grade,
        source_doc_id: c.chunk.docId,
        source_excerpt: c.excerpt,
        messages: c.messages,
        engine: c.engine,
        template_version: c.templateVersion,
        status,
      },
    });
  }
  if (rows.length === 0) return;
  await addSamples(
    catalog,
    rows.map((r) => r.sample),
  );
  await recordChecks(
    catalog,
    rows.map((r) => ({ sampleId: r.sample.sample_id, verdicts: r.verdicts })),
  );
  const sources = rows.map(({ sample, c }) => [
    sample.sample_id,
    runId,
    c.chunk.docId,
    c.chunk.origin,
    c.chunk.heading,
    c.chunk.index,
    c.promptHash,
  ]);
  await catalog.rows(
    `INSERT OR REPLACE INTO sft_sample_sources (sample_id, run_id, doc_id, origin, heading, chunk_index, prompt_hash) VALUES ${sources.map((_, i) => `(${Array.from({ length: 7 }, (_x, k) => `$${i * 7 + k + 1}`).join(", ")})`).join(", ")}`,
    sources.flat(),
  );
}

/** Records a run's outcome and ledger. */
async function finishRun(
  catalog: Catalog,
  runId: number,
  status: string,
  s: GenerateSummary,
  error?: string,
): Promise<void> {
  await catalog.rows(
    `UPDATE sft_runs SET finished_at = current_timestamp, status = $2, candidates = $3, queued = $4, auto_rejected = $5, existing = $6, ledger = $7, error = $8 WHERE run_id = $1`,
    [
      runId,
      status,
      s.candidates,
      s.queued,
      s.autoRejected,
      s.existing,
      JSON.stringify(s.ledger ?? {}),
      error ?? null,
    ],
  );
}
