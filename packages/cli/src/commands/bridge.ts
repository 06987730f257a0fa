import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CHARS_PER_TOKEN, UsageError } from "@soro/core/base";
import type { GoalStatus } from "@soro/trainer-bridge";
import {
  CORPUS_FORMATS,
  type CorpusFormat,
  GEMMA_BOS,
  GEMMA_EOS,
  REPLAY_SHARE,
  TOKEN_GOAL,
} from "@soro/trainer-bridge/defaults";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";

/** Parses repeated `--weight source=w` flags. */
function parseWeights(pairs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of pairs) {
    const [k, v] = p.split("=");
    if (!k || v === undefined || !(Number(v) >= 0)) {
      throw new UsageError(`soro bridge: --weight ${p} is not source=weight`, "write e.g. --weight web=0.6");
    }
    out[k] = Number(v);
  }
  return out;
}

/** An optional id flag: a number, or `none` for no token. */
function idFlag(value: string | undefined, name: string): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "none") return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`soro bridge: ${name} ${value} is not a token id`, "pass an id or `none`");
  return n;
}

function token(o: { token?: string }): string {
  const t = o.token ?? process.env.SORO_BRIDGE_TOKEN;
  if (!t) throw new UsageError("soro bridge: no token", "pass --token or set SORO_BRIDGE_TOKEN");
  return t;
}

/** `soro tokens` and `soro bridge count|goal|export|serve|pull`: Gemma 3 tokens and the hand-off to trainers. */
export function registerBridgeCommands(program: Command): void {
  program
    .command("tokens")
    .description("count the Gemma 3 tokens of stdin (no BOS/EOS)")
    .option("--tokenizer <tokenizer.json>", "another model's tokenizer.json")
    .option("--lines", "one count per input line instead of one total")
    .action(async (o: { tokenizer?: string; lines?: boolean }) => {
      const { loadTokenizer } = await import("@soro/trainer-bridge");
      const text = readFileSync(0, "utf8");
      const tok = loadTokenizer({ tokenizerJson: o.tokenizer });
      if (!o.lines) {
        console.log(tok.count(text));
        return;
      }
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      for (const line of lines) console.log(tok.count(line));
    });

  const bridge = program
    .command("bridge")
    .description("token counts, trainer exports, serving and pulling exports");

  bridge
    .command("count")
    .description("exact token counts of every shard and document of the final stage, in worker threads")
    .option("--stage <stage>", "stage to count (default: dedup, else the latest stage with shards)")
    .option(
      "--tokenizer <tokenizer.json>",
      "another model's tokenizer.json (Gemma 3 counts also fill the catalog)",
    )
    .option("--force", "recount shards already counted")
    .action(async (o: { stage?: string; tokenizer?: string; force?: boolean }, cmd: Command) => {
      const { humanCount } = await import("@soro/core");
      const { countStageTokens, goalStatus, measureFertility, TokenPool } = await import(
        "@soro/trainer-bridge"
      );
      // One pool for counting and fertility: its workers' tokenizers serve both, so none is loaded in this thread.
      const pool = new TokenPool(workerCount(cmd));
      await withCatalog(cmd, async (c) => {
        const s = await countStageTokens(c, {
          stage: o.stage,
          tokenizer: { tokenizerJson: o.tokenizer },
          pool,
          force: o.force,
          onShard: (shard, n) => {
            if (!globals(cmd).quiet) console.error(`${shard.shard_id}: ${n} tokens`);
          },
        });
        console.log(
          `count ${s.stage}: ${s.counted} shards counted (${s.docs} docs, ${humanCount(s.tokens)} tokens), ${s.skipped} already counted`,
        );
        if (!o.tokenizer) await printGoal(await goalStatus(c, s.stage));
        // Tokens per word by language and source, for the report's token economics.
        const f = await measureFertility(c, { tokenizer: { tokenizerJson: o.tokenizer }, pool });
        for (const r of f.filter((x) => x.lines >= 20))
          console.log(
            `fertility ${r.lang} ${r.source}: ${(r.tokens / r.words).toFixed(2)} tokens/word, ${(r.chars / r.tokens).toFixed(2)} chars/token (${r.lines} lines)`,
          );
      }).finally(() => pool.close());
    });

  bridge
    .command("goal")
    .description(
      `how far the corpus is from ${TOKEN_GOAL / 1e9}B Gemma 3 tokens (exact where counted, ${CHARS_PER_TOKEN} chars/token elsewhere)`,
    )
    .option("--stage <stage>", "stage (default: dedup, else the latest stage with shards)")
    .option("--json", "print JSON")
    .action(async (o: { stage?: string; json?: boolean }, cmd: Command) => {
      const { goalStatus } = await import("@soro/trainer-bridge");
      await withCatalog(cmd, async (c) => {
        const g = await goalStatus(c, o.stage);
        if (o.json) console.log(JSON.stringify(g));
        else await printGoal(g);
      });
    });

  bridge
    .command("export")
    .description(`write a trainer-ready export with manifest.json: ${CORPUS_FORMATS.join("|")}|sft`)
    .requiredOption("--format <format>", `${CORPUS_FORMATS.join(", ")} or sft`)
    .requiredOption(
      "--out <dir>",
      "new, empty output folder, or s3://bucket/prefix (credentials from the AWS environment)",
    )
    .option("--stage <stage>", "stage to export (default: dedup, else the latest stage with shards)")
    .option("--tokenizer <tokenizer.json>", "another model's tokenizer.json for token formats")
    .option("--bos-id <id|none>", `id opening each document in token formats (default ${GEMMA_BOS})`)
    .option("--eos-id <id|none>", `id closing each document in token formats (default ${GEMMA_EOS})`)
    .option("--mds-column <text|tokens>", "MDS column: text (str) or tokens (ndarray:int32)", "tokens")
    .option("--validation-share <x>", "share of documents in the validation split (parquet/jsonl)", "0.005")
    .option(
      "--weight <source=w>",
      "mixture weight of a source (repeatable)",
      (v: string, a: string[]) => [...a, v],
      [],
    )
    .option("--train-tokens <n>", "planned training tokens (for effective epochs)")
    .option(
      "--replay-share <x>",
      `share of training tokens that are English/Russian replay (default ${REPLAY_SHARE} when the workspace has replay text, else 0)`,
    )
    .option(
      "--replay-source <text>",
      "where the replay comes from when the workspace has none (`soro ingest --source replay` puts it in the export)",
    )
    .option(
      "--licence-allow <ids>",
      "only documents under these licences (comma-separated SPDX ids; `unknown` for undeclared ones)",
    )
    .option("--input <file>", "sft: reviewed samples as OpenAI messages JSONL")
    .option("--calibration-samples <n>", "sft: chat samples held out for GPTQ/AWQ", "512")
    .option("--imatrix-tokens <n>", "sft: size of llama.cpp's imatrix text", "600000")
    .option("--english <file>", "sft: English text for the imatrix slice")
    .option(
      "--benchmark <file>",
      "sft: multiple-choice JSONL (question, choices, answer) for an lm-eval task",
    )
    .option("--task <name>", "sft: lm-eval task name", "soro_tg_mc")
    .action(async (o: Record<string, string | string[] | undefined>, cmd: Command) => {
      const format = String(o.format);
      const { humanCount, REPLAY_SOURCE, spdxFromText, UNKNOWN_LICENCE } = await import("@soro/core");
      const { exportCorpus, exportSft, isStorageUri, pushExport } = await import("@soro/trainer-bridge");
      await withCatalog(cmd, async (c) => {
        if (format === "sft") {
          if (!o.input)
            throw new UsageError("soro bridge export: --format sft needs --input", "pass the SFT JSONL");
          const s = await exportSft(c, {
            out: String(o.out),
            input: String(o.input),
            stage: o.stage as string | undefined,
            calibrationSamples: Number(o.calibrationSamples),
            imatrixTokens: Number(o.imatrixTokens),
            englishFile: o.english as string | undefined,
            benchmark: o.benchmark as string | undefined,
            task: String(o.task),
          });
          console.log(`export sft: ${s.manifest.docs} samples, ${s.manifest.files.length} files in ${s.out}`);
          return;
        }
        if (!(CORPUS_FORMATS as readonly string[]).includes(format)) {
          throw new UsageError(
            `soro bridge export: unknown --format ${format}`,
            `use ${CORPUS_FORMATS.join(", ")} or sft`,
          );
        }
        const share = o.replayShare === undefined ? undefined : Number(o.replayShare);
        if (share !== undefined && !(share >= 0 && share < 1))
          throw new UsageError(`soro bridge export: --replay-share ${o.replayShare}`, "use 0 <= x < 1");
        const replayText = (await c.activeShards([REPLAY_SOURCE])).length > 0;
        if (share && !o.replaySource && !replayText) {
          throw new UsageError(
            "soro bridge export: --replay-share needs replay text or --replay-source",
            "ingest it with `soro ingest --source replay FILES`, or say which outside data is replayed",
          );
        }
        const licenceAllow =
          o.licenceAllow === undefined
            ? undefined
            : String(o.licenceAllow)
                .split(",")
                .map((x) => x.trim())
                .filter(Boolean)
                .map((x) => (x === UNKNOWN_LICENCE ? x : (spdxFromText(x) ?? x)));
        // An s3:// target is written locally first, then uploaded with the manifest last.
        const target = String(o.out);
        const out = isStorageUri(target) ? await mkdtemp(path.join(c.ws.tmpDir, "export-")) : target;
        const s = await exportCorpus(c, {
          format: format as CorpusFormat,
          out,
          stage: o.stage as string | undefined,
          tokenizer: { tokenizerJson: o.tokenizer as string | undefined },
          workers: workerCount(cmd),
          bos: idFlag(o.bosId as string | undefined, "--bos-id"),
          eos: idFlag(o.eosId as string | undefined, "--eos-id"),
          mdsColumn: o.mdsColumn === "text" ? "text" : "tokens",
          validationShare: Number(o.validationShare),
          weights: parseWeights(o.weight as string[]),
          trainTokens: o.trainTokens ? Number(o.trainTokens) : undefined,
          replay: { share, source: o.replaySource as string | undefined },
          licenceAllow,
          onShard: (shard, docs) => {
            if (!globals(cmd).quiet) console.error(`${shard.shard_id}: ${docs} docs`);
          },
        });
        const m = s.manifest;
        if (out !== target) {
          await pushExport(out, target);
          await rm(out, { recursive: true, force: true });
        }
        console.log(
          `export ${m.format}: ${m.docs} docs, ${m.tokens === null ? "tokens not counted (run soro bridge count)" : `${humanCount(m.tokens)} tokens`}, ${m.files.length} files in ${target} (manifest sha256 ${s.manifestSha256.slice(0, 16)})`,
        );
      });
    });

  bridge
    .command("diff")
    .description(
      "compare two corpus exports: documents added, removed and changed by source and licence, token deltas, and the stage configurations and export settings that differ",
    )
    .argument("<exportA>", "the earlier export folder")
    .argument("<exportB>", "the later export folder")
    .option("--json", "print the diff as JSON")
    .action(async (a: string, b: string, o: { json?: boolean }) => {
      const { diffExports, formatDiff } = await import("@soro/trainer-bridge");
      const d = await diffExports(a, b, tmpdir());
      console.log(o.json ? JSON.stringify(d, null, 2) : formatDiff(d));
    });

  bridge
    .command("serve")
    .description(
      "serve an export over HTTP: /manifest.json and /files/<path>, bearer token, Range, ETag = sha256",
    )
    .argument("<dir>", "export folder")
    .option("--token <token>", "required bearer token (default $SORO_BRIDGE_TOKEN)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port", "8731")
    .action(async (dir: string, o: { token?: string; host: string; port: string }, cmd: Command) => {
      const { serveExport } = await import("@soro/trainer-bridge");
      const server = await serveExport({
        dir,
        token: token(o),
        host: o.host,
        port: Number(o.port),
        onRequest: (r) => {
          if (!globals(cmd).quiet)
            console.error(`${r.status} ${r.method} ${r.path}${r.range ? ` ${r.range}` : ""}`);
        },
      });
      const addr = server.address() as { address: string; port: number };
      console.log(`serving ${dir} on http://${addr.address}:${addr.port} (Ctrl-C to stop)`);
    });

  bridge
    .command("pull")
    .description(
      "pull an export to a folder: resumes partial files, verifies every sha256, refuses corrupt files",
    )
    .argument("<url>", "server URL, e.g. http://10.0.0.5:8731, or s3://bucket/prefix")
    .argument("<dir>", "destination folder")
    .option("--token <token>", "bearer token (default $SORO_BRIDGE_TOKEN)")
    .action(async (url: string, dir: string, o: { token?: string }, cmd: Command) => {
      const { humanCount } = await import("@soro/core");
      const { isStorageUri, pullExport, pullExportFromStorage } = await import("@soro/trainer-bridge");
      const s = isStorageUri(url)
        ? await pullExportFromStorage(url, dir, (f, outcome) => {
            if (!globals(cmd).quiet) console.error(`${outcome.padEnd(10)} ${f.path}`);
          })
        : await pullExport({
            url,
            dir,
            token: token(o),
            onFile: (f, outcome) => {
              if (!globals(cmd).quiet) console.error(`${outcome.padEnd(10)} ${f.path}`);
            },
          });
      console.log(
        `pull: ${s.files} files verified (${s.downloaded} downloaded, ${s.resumed} resumed, ${s.present} present; ${humanCount(s.bytes)} bytes)`,
      );
    });
}

async function printGoal(g: GoalStatus): Promise<void> {
  const { humanCount } = await import("@soro/core");
  console.log(
    `goal ${g.stage}: ${humanCount(g.estimatedTokens)} of ${humanCount(g.goalTokens)} Gemma 3 tokens (${(g.share * 100).toFixed(3)}%), ${humanCount(g.remainingTokens)} to go${g.uncountedShards ? `; ${g.uncountedShards} shards estimated at ${CHARS_PER_TOKEN} chars/token` : ""}`,
  );
}
