import path from "node:path";
import { UsageError } from "@soro/core/base";
import type { RatingSet } from "@soro/quality";
import type { Command } from "commander";
import { intOption, withCatalog } from "../context.js";

interface EduTrainFlags {
  labels?: string;
  fromReview: boolean;
  epochs: string;
  out?: string;
}

/** `soro quality edu train`: the educational-value model retrained from annotators' ratings. */
export function registerQualityEduCommands(quality: Command): void {
  const edu = quality.command("edu").description("the educational-value signal (edu_score) and its model");
  edu
    .command("train")
    .description(
      "retrain the edu_score model from accepted review ratings (and/or --labels), merged with the weak labels; the next `soro quality signals` uses it",
    )
    .option("--labels <file>", 'JSON Lines of annotator labels: {"text": "...", "score": 0-5} a line')
    .option("--no-from-review", "leave out the review app's accepted edu ratings")
    .option("--epochs <n>", "passes over the labels (fine-tuning the shipped model)", "4")
    .option("--out <file>", "model file to write (default: <workspace>/models/edu-model.bin.gz)")
    .action(async (o: EduTrainFlags, cmd: Command) => {
      const epochs = intOption("--epochs", o.epochs, 1);
      const { readLabelsFile, trainCatalogEduModel } = await import("@soro/quality");
      const sets: RatingSet[] = [];
      if (o.labels) {
        const file = path.resolve(o.labels);
        const { ratings, rejected } = await readLabelsFile(file);
        for (const r of rejected.slice(0, 10)) console.error(`left out ${r.where}: ${r.reason}`);
        if (rejected.length > 10) console.error(`... and ${rejected.length - 10} more lines left out`);
        sets.push({ source: `labels:${path.basename(file)}`, ratings });
      }
      await withCatalog(cmd, async (catalog) => {
        if (o.fromReview) {
          // Loaded here: the review app's package is large and only this path needs it.
          const { readEduRatings } = await import("@soro/sft-builder");
          sets.push({ source: "review", ratings: await readEduRatings(catalog) });
        }
        const total = sets.reduce((n, s) => n + s.ratings.length, 0);
        if (total === 0) {
          throw new UsageError(
            `soro quality edu train: no annotator labels${o.fromReview ? " (no accepted edu ratings in the review app yet)" : ""}${o.labels ? ` and none usable in ${o.labels}` : ""}`,
            "rate passages in `soro sft review` or pass --labels FILE.jsonl with {text, score} lines",
          );
        }
        const r = await trainCatalogEduModel(catalog, sets, {
          epochs,
          out: o.out ? path.resolve(o.out) : undefined,
        });
        const from = sets.map((s) => `${s.ratings.length} from ${s.source}`).join(", ");
        console.log(
          `edu model ${r.model.version}: ${r.annotated} annotator labels (${from}) and ${r.weak} weak labels -> ${r.path}`,
        );
      });
    });
}
