import type { Catalog } from "@soro/core";
import { type ChatMessage, ensureSftTables } from "../samples/schema.js";
import { type BenchmarkChecker, checkBenchmark } from "./benchmark.js";
import { checkFormat } from "./format.js";
import { checkJudge, type Judge } from "./judge.js";
import { checkForeignAnswer, checkLanguage, checkScript } from "./language.js";
import { checkLength, DEFAULT_LENGTHS, type LengthBounds } from "./length.js";
import { checkNearDuplicate, InstructionIndex, rougeTokens } from "./near-duplicate.js";
import { checkRefusal } from "./refusal.js";
import { turnsText, type Verdict } from "./verdict.js";

/** What the automatic checks need beyond the sample itself. */
export interface CheckOptions {
  lengths?: LengthBounds;
  /** Benchmark items to flag overlap with (dedup's decontamination index). */
  benchmarks?: BenchmarkChecker;
  /** An LLM judge, asked only about samples every other check passed. */
  judge?: Judge;
}

/** A sample to check. */
export interface CheckInput {
  sampleId: string;
  task: string;
  grade: number | null;
  messages: ChatMessage[];
}

/**
 * Runs every automatic check on samples in turn and remembers the instructions of those that pass, so later
 * near-duplicates are caught. All verdicts are returned (and stored by the caller), not just the outcome.
 */
export class CheckSuite {
  /** Kept instructions per task: a quiz and a correction of the same passage are different instructions. */
  private readonly indexes = new Map<string, InstructionIndex>();

  constructor(private readonly opts: CheckOptions = {}) {}

  /** The near-duplicate index of one task. */
  index(task: string): InstructionIndex {
    let index = this.indexes.get(task);
    if (!index) {
      index = new InstructionIndex();
      this.indexes.set(task, index);
    }
    return index;
  }

  /** A suite whose near-duplicate index already holds the catalog's samples that were not auto-rejected. */
  static async forCatalog(catalog: Catalog, opts: CheckOptions = {}): Promise<CheckSuite> {
    await ensureSftTables(catalog);
    const suite = new CheckSuite(opts);
    const rows = await catalog.rows(
      `SELECT sample_id, task, messages FROM sft_samples WHERE status <> 'auto_rejected' ORDER BY created_at, sample_id`,
    );
    for (const r of rows)
      suite
        .index(String(r.task))
        .add(
          String(r.sample_id),
          rougeTokens(turnsText(JSON.parse(String(r.messages)) as ChatMessage[], "user")),
        );
    return suite;
  }

  /** The verdicts of every check on one sample; `passed` is true when all passed. */
  async check(s: CheckInput): Promise<{ passed: boolean; verdicts: Verdict[] }> {
    const format = checkFormat(s.messages);
    const verdicts: Verdict[] = [format];
    if (format.passed) {
      verdicts.push(
        checkLength(s.messages, this.opts.lengths ?? DEFAULT_LENGTHS),
        checkLanguage(s.task, s.messages),
        checkScript(s.messages),
        checkForeignAnswer(s.messages),
        checkRefusal(s.messages),
      );
      if (this.opts.benchmarks) verdicts.push(checkBenchmark(this.opts.benchmarks, s.messages));
      verdicts.push(checkNearDuplicate(this.index(s.task), s.messages));
    }
    let passed = verdicts.every((v) => v.passed);
    if (passed && this.opts.judge) {
      const j = await checkJudge(this.opts.judge, s.grade, s.messages);
      verdicts.push(j);
      passed = j.passed;
    }
    if (passed) this.index(s.task).add(s.sampleId, rougeTokens(turnsText(s.messages, "user")));
    return { passed, verdicts };
  }
}
