import path from "node:path";
import { SoroError } from "@soro/core/base";
import type { NormalizeStageOptions } from "@soro/normalize";
import { DEFAULT_CORPUS_COUNTS } from "@soro/normalize/defaults";
import type { Command } from "commander";
import { globals, withCatalog, workerCount } from "../context.js";

interface NormalizeFlags {
  filter?: boolean;
  explain?: boolean;
  scriptMapping: boolean;
  restore: boolean;
  lexicon?: string;
  model?: string;
}

/** `soro normalize` (stage or line filter), `soro normalize lexicon build` and `soro langid`. */
export function registerNormalizeCommands(program: Command): void {
  const normalize = program
    .command("normalize")
    .description(
      "repair Unicode, legacy Tajik encodings and OCR damage, map Persian-script and Latin Tajik to Cyrillic, restore Tajik letters, identify languages",
    )
    .option("--filter", "read lines on stdin and write one normalized line per line to stdout")
    .option("--explain", "with --filter: print each change with its rule to stderr")
    .option("--no-script-mapping", "leave Persian-script and Latin lines as they are")
    .option("--no-restore", "do not restore Tajik letters in words typed without them")
    .option("--lexicon <file>", "lexicon file from `soro normalize lexicon build` (default: the shipped one)")
    .option(
      "--model <file>",
      "Tajik word model from `soro normalize learn` (default: the workspace's, else the shipped one)",
    )
    .action(async (o: NormalizeFlags, cmd: Command) => {
      // The stage's workers and the config hash need the lexicon's absolute path.
      if (o.lexicon) o.lexicon = path.resolve(o.lexicon);
      if (o.model) o.model = path.resolve(o.model);
      const { defaultLexicon, defaultModel, findWorkspaceModel, loadLexicon, loadModel, normalizeFilter } =
        await import("@soro/normalize");
      if (o.filter) {
        const lexicon = o.lexicon ? loadLexicon(o.lexicon) : defaultLexicon();
        const model = o.model ? loadModel(o.model) : defaultModel();
        await normalizeFilter(process.stdin, process.stdout, { ...o, lexicon, model });
        return;
      }
      if (o.explain)
        throw new SoroError("soro normalize: --explain works with --filter only", "add --filter", 2);
      const options: NormalizeStageOptions = { scriptMapping: o.scriptMapping, restore: o.restore };
      if (o.lexicon) options.lexicon = o.lexicon;
      await withCatalog(cmd, async (catalog) => {
        const { runStage } = await import("@soro/core");
        const model = o.model ?? findWorkspaceModel(catalog.ws.dir);
        if (model) {
          options.model = model;
          options.modelVersion = loadModel(model).header.version;
        }
        await runStage({
          catalog,
          stage: { module: import.meta.resolve("@soro/normalize/stage"), exportName: "normalizeStage" },
          options,
          workers: workerCount(cmd),
          progress: globals(cmd).quiet ? "quiet" : "auto",
        });
      });
    });

  normalize
    .command("lexicon")
    .description("Tajik lexicons for restoration and script mapping")
    .command("build")
    .description(
      "count the words of the workspace's Tajik Cyrillic documents (after `soro normalize`) into a lexicon",
    )
    .requiredOption("--out <file>", "lexicon file to write (.tsv.gz), for `soro normalize --lexicon`")
    .option(
      "--min-score <p>",
      "least lang_score of a document to count",
      String(DEFAULT_CORPUS_COUNTS.minScore),
    )
    .option("--min-count <n>", "least count of a word to keep", String(DEFAULT_CORPUS_COUNTS.minCount))
    .option("--no-merge", "leave out the shipped default lexicon")
    .action(async (o: { out: string; minScore: string; minCount: string; merge: boolean }, cmd: Command) => {
      await withCatalog(
        cmd,
        async (catalog) => {
          const { buildCatalogLexicon, defaultLexicon } = await import("@soro/normalize");
          const { lexicon, docs } = await buildCatalogLexicon(catalog, {
            minScore: Number(o.minScore),
            minCount: Number(o.minCount),
            base: o.merge ? defaultLexicon() : undefined,
          });
          lexicon.save(
            o.out,
            `Tajik lexicon built by soro normalize lexicon build from ${docs} documents of ${catalog.ws.dir}`,
          );
          console.log(`lexicon: ${lexicon.counts.size} forms from ${docs} Tajik documents -> ${o.out}`);
        },
        { readOnly: true },
      );
    });

  normalize
    .command("learn")
    .description(
      "learn a Tajik word model from the workspace's clean Tajik lines (after `soro normalize`), merged with the shipped one; later `soro normalize` runs use it",
    )
    .option("--out <file>", "model file to write (default: <workspace>/models/tajik-model.bin)")
    .option(
      "--min-score <p>",
      "least lang_score of a document to learn from",
      String(DEFAULT_CORPUS_COUNTS.minScore),
    )
    .option(
      "--min-count <n>",
      "least count of a word or bigram to keep",
      String(DEFAULT_CORPUS_COUNTS.minCount),
    )
    .option("--no-merge", "leave out the shipped model's counts")
    .option("--memory <size>", "DuckDB memory limit while counting (beyond it, it spills to tmp/)", "1GB")
    .action(
      async (
        o: { out?: string; minScore: string; minCount: string; merge: boolean; memory: string },
        cmd: Command,
      ) => {
        await withCatalog(
          cmd,
          async (catalog) => {
            const { learnCatalogModel } = await import("@soro/normalize");
            const r = await learnCatalogModel(catalog, {
              out: o.out ? path.resolve(o.out) : undefined,
              minScore: Number(o.minScore),
              minCount: Number(o.minCount),
              base: o.merge ? undefined : null,
              memoryLimit: o.memory,
            });
            console.log(
              `model: ${r.vocabulary} words, learned from ${r.lines} clean Tajik lines (${r.words} words, ${r.distinctWords} distinct, ${r.distinctBigrams} distinct bigrams) of ${r.docs} documents -> ${r.path}`,
            );
          },
          { readOnly: true },
        );
      },
    );

  program
    .command("langid")
    .description(
      "language of each line on stdin: `<iso639-3>\\t<score>\\t<P(Tajik)>` (the codes the stage stores: tgk rus uzn kaz kir tat pes prs eng ukr ... und)",
    )
    .action(async () => {
      const { langidFilter } = await import("@soro/normalize");
      await langidFilter(process.stdin, process.stdout);
    });
}
