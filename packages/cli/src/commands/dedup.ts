import { createInterface } from "node:readline";
import type { ClusterSummary, DedupOptions } from "@soro/dedup";
import { DEFAULT_CLUSTER, DEFAULT_DECONTAM, DEFAULT_SIGNATURE } from "@soro/dedup/defaults";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";
import { bigintSafe, formatTable } from "../table.js";

interface DedupFlags {
  config?: string;
  input?: string;
  ngram?: string;
  bands?: string;
  rows?: string;
  threshold?: string;
  exactJaccard?: boolean;
  priority?: string;
  qualityColumn?: string;
  lines?: boolean;
  lineMinDocs?: string;
  lineMinHostDocs?: string;
  memory?: string;
}

const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));

/** Dedup options from a config file (YAML/JSON `{signature, cluster}`) overridden by flags. */
async function dedupOptions(o: DedupFlags): Promise<DedupOptions> {
  const { loadConfigFile } = await import("@soro/core");
  const { resolveOptions } = await import("@soro/dedup");
  const file = (o.config ? await loadConfigFile(o.config) : {}) as Partial<{
    signature: Record<string, unknown>;
    cluster: Record<string, unknown> & { lines?: Record<string, unknown> };
  }>;
  const drop = (obj: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
  return resolveOptions({
    signature: {
      ...file.signature,
      ...drop({ input: o.input, ngram: num(o.ngram), bands: num(o.bands), rows: num(o.rows) }),
    },
    cluster: {
      ...file.cluster,
      ...drop({
        threshold: num(o.threshold),
        exactJaccard: o.exactJaccard,
        priority: o.priority?.split(",").map((s) => s.trim()),
        qualityColumn: o.qualityColumn,
        memoryLimit: o.memory,
      }),
      lines: {
        ...file.cluster?.lines,
        ...drop({
          enabled: o.lines === false ? false : undefined,
          minDocs: num(o.lineMinDocs),
          minHostDocs: num(o.lineMinHostDocs),
        }),
      },
    },
  });
}

/** Adds the signature options to a command. */
function signatureFlags(cmd: Command): Command {
  return cmd
    .option("--config <file>", "YAML/JSON with {signature: {...}, cluster: {...}}")
    .option(
      "--input <stage>",
      `stage to deduplicate: select|quality|normalize|ingest|crawl|pdf (default ${DEFAULT_SIGNATURE.input})`,
    )
    .option("--ngram <n>", `words per shingle (default ${DEFAULT_SIGNATURE.ngram})`)
    .option("--bands <n>", `LSH bands (default ${DEFAULT_SIGNATURE.bands})`)
    .option("--rows <n>", `hash functions per band (default ${DEFAULT_SIGNATURE.rows})`);
}

/** Adds the clustering options to a command. */
function clusterFlags(cmd: Command): Command {
  return cmd
    .option(
      "--threshold <j>",
      `Jaccard at or above which a candidate pair is a duplicate (default ${DEFAULT_CLUSTER.threshold})`,
    )
    .option("--exact-jaccard", "verify candidates with exact Jaccard of their texts instead of the estimate")
    .option("--priority <list>", `survivor source order (default ${DEFAULT_CLUSTER.priority.join(",")})`)
    .option(
      "--quality-column <name>",
      `score column preferred next (default ${DEFAULT_CLUSTER.qualityColumn}, if present)`,
    )
    .option("--no-lines", "do not remove repeated lines")
    .option(
      "--line-min-docs <n>",
      `a line in this many surviving documents is repeated (default ${DEFAULT_CLUSTER.lines.minDocs})`,
    )
    .option(
      "--line-min-host-docs <n>",
      `or in this many documents of one host (default ${DEFAULT_CLUSTER.lines.minHostDocs})`,
    )
    .option(
      "--memory <limit>",
      `DuckDB memory limit of the global step (default ${DEFAULT_CLUSTER.memoryLimit}; spills beyond)`,
    );
}

async function printClusters(s: ClusterSummary): Promise<void> {
  const { humanCount, humanDuration } = await import("@soro/core");
  console.log(
    `dedup: ${humanCount(s.docsIn)} docs in, ${humanCount(s.docsOut)} out; ${s.clusters} clusters; ` +
      `${s.candidatePairs} candidate pairs, ${s.verifiedPairs} verified; ${s.repeatedLines} repeated lines; ` +
      `${s.skipped} outputs already done; ${humanDuration(s.seconds)}`,
  );
  const removed = Object.entries(s.removed).map(([rule, r]) => ({ rule, docs: r.docs, chars: r.chars }));
  if (removed.length > 0) console.log(formatTable(removed));
}

/** `soro dedup ...`: signatures, clustering, explain, decontamination and a stdin key filter. */
export function registerDedupCommand(program: Command): void {
  const dedup = program
    .command("dedup")
    .description("exact and MinHash near-duplicate removal, repeated lines, benchmark decontamination");

  clusterFlags(
    signatureFlags(
      dedup.command("run").description("signatures (stage minhash), then clusters (stage dedup)"),
    ),
  ).action(async (o: DedupFlags, cmd: Command) => {
    const options = await dedupOptions(o);
    const { clusterDuplicates, computeSignatures } = await import("@soro/dedup");
    await withCatalog(cmd, async (c) => {
      const progress = globals(cmd).quiet ? "quiet" : "auto";
      await computeSignatures(c, options, { workers: workerCount(cmd), progress });
      await printClusters(await clusterDuplicates(c, options));
    });
  });

  signatureFlags(
    dedup
      .command("signatures")
      .description("per-document exact keys, MinHash and line hashes (stage minhash)"),
  ).action(async (o: DedupFlags, cmd: Command) => {
    const options = await dedupOptions(o);
    const { computeSignatures } = await import("@soro/dedup");
    await withCatalog(cmd, async (c) => {
      const progress = globals(cmd).quiet ? "quiet" : "auto";
      await computeSignatures(c, options, { workers: workerCount(cmd), progress });
    });
  });

  clusterFlags(
    signatureFlags(
      dedup.command("clusters").description("the global step over the minhash shards (stage dedup)"),
    ),
  ).action(async (o: DedupFlags, cmd: Command) => {
    const options = await dedupOptions(o);
    const { clusterDuplicates } = await import("@soro/dedup");
    await withCatalog(cmd, async (c) => printClusters(await clusterDuplicates(c, options)));
  });

  dedup
    .command("explain")
    .description("a document's cluster: members, Jaccard to the survivor, and why the survivor won")
    .argument("<doc-id>", "document id")
    .option("--json", "print JSON")
    .action(async (id: string, o: { json?: boolean }, cmd: Command) => {
      const { explainDocument } = await import("@soro/dedup");
      await withCatalog(cmd, async (c) => {
        const e = await explainDocument(c, id);
        if (o.json) {
          console.log(JSON.stringify(e, bigintSafe, 2));
          return;
        }
        console.log(`${e.docId}: cluster ${e.clusterId ?? "(none)"}, ${e.members.length || 1} member(s)`);
        console.log(e.reason);
        if (e.members.length > 0) {
          console.log(
            formatTable(
              e.members.map((m) => ({
                rank: m.rank,
                doc: m.docId,
                rule: m.rule,
                source: m.source,
                where: m.url ?? m.path,
                chars: m.length,
                quality: m.quality,
                j_est: m.jaccardEstimated === null ? null : Number(m.jaccardEstimated.toFixed(3)),
                j_exact: m.jaccardExact === null ? null : Number(m.jaccardExact.toFixed(3)),
              })),
              50,
            ),
          );
        }
        for (const l of e.removedLines)
          console.log(`line cut by rule ${l.rule} (${l.docs} documents): ${l.line}`);
      });
    });

  dedup
    .command("decontam")
    .description("remove (or flag) documents of stage dedup sharing long n-grams with benchmark items")
    .requiredOption("--benchmarks <dir>", "folder of benchmark JSONL files, one per benchmark")
    .option("--ngram <n>", `n-gram length in words (default ${DEFAULT_DECONTAM.ngram})`)
    .option(
      "--min-words <n>",
      `shorter items are matched whole from this many words (default ${DEFAULT_DECONTAM.minWords})`,
    )
    .option("--flag-only", "keep documents, listing hits in decontam_hits")
    .option(
      "--cut",
      "cut only the lines holding a shared n-gram (a textbook keeps its other pages); a document left with under half its text is removed",
    )
    .action(
      async (
        o: { benchmarks: string; ngram?: string; minWords?: string; flagOnly?: boolean; cut?: boolean },
        cmd: Command,
      ) => {
        const { humanCount } = await import("@soro/core");
        const { runDecontam } = await import("@soro/dedup");
        await withCatalog(cmd, async (c) => {
          const r = await runDecontam(
            c,
            {
              benchmarks: o.benchmarks,
              ...(o.ngram ? { ngram: Number(o.ngram) } : {}),
              ...(o.minWords ? { minWords: Number(o.minWords) } : {}),
              mode: o.flagOnly ? "flag" : o.cut ? "cut" : "remove",
            },
            { workers: workerCount(cmd), progress: globals(cmd).quiet ? "quiet" : "auto" },
          );
          console.log(
            `decontam: ${humanCount(r.summary.docsIn)} docs in, ${humanCount(r.summary.docsOut)} out (${o.flagOnly ? "flagged" : o.cut ? "removed, or kept with lines cut," : "removed"} per benchmark below)`,
          );
          console.log(formatTable(r.benchmarks));
        });
      },
    );

  dedup
    .command("key")
    .description(
      "stdin filter: each line as its exact key, folded form and the first band of its MinHash signature",
    )
    .action(async () => {
      const { foldForKey, MinHasher } = await import("@soro/dedup");
      const hasher = await MinHasher.create();
      for await (const line of createInterface({ input: process.stdin })) {
        const sig = hasher.signature(line);
        console.log(
          JSON.stringify({
            exact: hasher.exactKey(line),
            folded: foldForKey(line),
            minhash: sig ? Array.from(sig.slice(0, 8)) : null,
          }),
        );
      }
    });
}
