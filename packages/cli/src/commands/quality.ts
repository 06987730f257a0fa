import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { UsageError } from "@soro/core/base";
import type { QualitySignalsOptions } from "@soro/quality";
import { DEFAULT_LINE_CLEAN } from "@soro/quality/defaults";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";
import { formatTable } from "../table.js";
import { registerQualityEduCommands } from "./quality-edu.js";

interface SignalsFlags {
  lineClean: boolean;
  minTajikShare: string;
  pii: boolean;
  stdin?: boolean;
}

/** The stage options the flags describe. */
async function signalsOptions(o: SignalsFlags): Promise<QualitySignalsOptions> {
  const share = Number(o.minTajikShare);
  if (!(share >= 0 && share <= 1)) {
    throw new UsageError(
      `soro quality signals: --min-tajik-share ${o.minTajikShare} is not a share`,
      "write a number from 0 to 1, e.g. 0.7",
    );
  }
  return { lineClean: o.lineClean ? { ...DEFAULT_LINE_CLEAN, minTajikShare: share } : false, pii: o.pii };
}

/**
 * Filter mode: one record a line on stdin (JSON with `text` and, as the normalize stage writes it, `line_langs`; or
 * plain text, whose lines normalize's language ID labels here), one JSON result a line on stdout.
 */
async function signalsFilter(opts: QualitySignalsOptions): Promise<void> {
  const { identifyLanguage, identifyLines } = await import("@soro/normalize");
  const { analyzeText } = await import("@soro/quality");
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    let text = line;
    let lineLangs: string[] | undefined;
    if (line.startsWith("{")) {
      const rec = JSON.parse(line) as { text?: unknown; line_langs?: unknown };
      if (typeof rec.text !== "string")
        throw new UsageError("soro quality signals: a JSON line has no text", "");
      text = rec.text;
      if (Array.isArray(rec.line_langs)) lineLangs = rec.line_langs.map(String);
    }
    lineLangs ??= identifyLines(text, identifyLanguage(text).lang);
    process.stdout.write(`${JSON.stringify(analyzeText(text, lineLangs, opts))}\n`);
  }
}

const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "-");

/** `soro quality signals|select|explain|rules`. */
export function registerQualityCommands(program: Command): void {
  const quality = program
    .command("quality")
    .description("quality signals as columns, selection by rules, PII masking");

  quality
    .command("signals")
    .description("clean lines, mask PII and compute per-document quality signals over the normalize shards")
    .option("--no-line-clean", "keep Russian/English and navigation lines")
    .option(
      "--min-tajik-share <x>",
      "drop foreign lines only from documents at least this Tajik",
      String(DEFAULT_LINE_CLEAN.minTajikShare),
    )
    .option("--no-pii", "do not mask emails, phones, IPs and ID numbers")
    .option(
      "--stdin",
      "filter: read texts (or JSON with text) a line each from stdin, print results as JSONL",
    )
    .action(async (o: SignalsFlags, cmd: Command) => {
      const opts = await signalsOptions(o);
      if (o.stdin) return signalsFilter(opts);
      const { runQualitySignals } = await import("@soro/quality");
      await withCatalog(cmd, async (c) => {
        const { summary, totals } = await runQualitySignals(c, opts, {
          workers: workerCount(cmd),
          progress: globals(cmd).quiet ? "quiet" : undefined,
        });
        console.log(
          `quality signals: ${summary.docsOut} docs (${summary.skipped} input shards already done); ` +
            `lines dropped: ${totals.linesDroppedRus} Russian, ${totals.linesDroppedEng} English, ` +
            `${totals.linesDroppedNav} navigation; PII masked: ${totals.pii.email} emails, ${totals.pii.phone} phones, ` +
            `${totals.pii.ip} IPs, ${totals.pii.id} IDs in ${totals.docsWithPii} docs`,
        );
      });
    });

  quality
    .command("select")
    .description(
      "keep the documents that pass a rule set (SQL over the signal columns); no signal is recomputed",
    )
    .option("--rules <file>", "rules file (YAML/JSON); default: the shipped Tajik rules")
    .action(async (o: { rules?: string }, cmd: Command) => {
      const { loadRules, runSelect } = await import("@soro/quality");
      const rules = await loadRules(o.rules);
      await withCatalog(cmd, async (c) => {
        const s = await runSelect(c, rules);
        const table = s.rules.map((r) => ({
          rule: r.rule,
          alone_docs: r.alone.docs,
          alone_share: pct(r.alone.docs, s.docsIn),
          removed_docs: r.removed.docs,
          removed_chars: r.removed.chars,
          removed_tokens_est: r.removed.tokens,
        }));
        console.log(formatTable(table));
        console.log(
          `select (${rules.name}, ${s.configHash}): ${s.docsKept} of ${s.docsIn} docs kept (${pct(s.charsKept, s.charsIn)} of characters); ` +
            `${s.inputs - s.skipped} shards selected, ${s.skipped} already done, in ${s.seconds.toFixed(1)} s`,
        );
      });
    });

  quality
    .command("explain")
    .description("print a document's signals and which rules it passes or fails")
    .argument("<doc-id>", "document id (32 hex digits)")
    .option("--rules <file>", "rules file (YAML/JSON); default: the shipped Tajik rules")
    .action(async (id: string, o: { rules?: string }, cmd: Command) => {
      const { describeCondition, EDU_BANDS, explainDocument, loadRules } = await import("@soro/quality");
      const rules = await loadRules(o.rules);
      await withCatalog(
        cmd,
        async (c) => {
          const ex = await explainDocument(c, id, rules);
          console.log(`document ${ex.id} (${ex.source})`);
          const signals = Object.entries(ex.signals).map(([column, value]) => ({
            column,
            value: typeof value === "number" && !Number.isInteger(value) ? Number(value.toFixed(4)) : value,
          }));
          console.log(formatTable(signals, 100));
          console.log("");
          const edu = ex.signals.edu_score;
          if (typeof edu === "number")
            console.log(
              `educational value: ${edu.toFixed(2)} of 5, band ${Math.round(edu)} (${EDU_BANDS[Math.round(edu)]}); model ${String(ex.signals.edu_model)}`,
            );
          for (const r of ex.rules) {
            const state = r.off ? "off " : r.pass ? "pass" : "FAIL";
            const failed = r.conditions.filter((x) => !x.pass);
            const detail = failed
              .map((x) => `${describeCondition(x.condition)} (is ${String(x.value)})`)
              .join("; ");
            console.log(`${state}  ${r.rule}${detail ? `: ${detail}` : ""}`);
          }
          console.log(ex.removedBy ? `removed by ${ex.removedBy}` : "kept");
        },
        { readOnly: true },
      );
    });

  registerQualityEduCommands(quality);

  quality
    .command("rules")
    .description("print the shipped default rules (copy them to tune thresholds)")
    .action(async () => {
      const { DEFAULT_RULES_PATH } = await import("@soro/quality");
      process.stdout.write(await readFile(DEFAULT_RULES_PATH, "utf8"));
    });
}
