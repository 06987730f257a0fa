/** Building models: the shipped one from weak labels, and a workspace's from weak plus annotator labels. */
import type { Catalog } from "@soro/core";
import { ensureQualityTables } from "../select.js";
import { type EduRating, ratingsToLabels } from "./labels.js";
import { type EduModel, saveModel, shippedEduModel, workspaceEduModelPath } from "./model.js";
import { balanceBands, trainEduModel } from "./train.js";
import { hasReferenceText, weakLabels } from "./weak-labels.js";

/** Trains the shipped model on the weak labels' training split and writes it; needs ../shared/tajik-text. */
export async function buildShippedEduModel(out: string): Promise<{ model: EduModel; passages: number }> {
  if (!hasReferenceText())
    throw new Error(
      "build-edu-model: the reference text ../shared/tajik-text is missing; set SORO_TAJIK_TEXT to its folder",
    );
  const data = balanceBands(await weakLabels("train"));
  return { model: saveModel(out, trainEduModel(data), "edu"), passages: data.length };
}

/** Annotator ratings from one place (the review app, a labels file), named for the record. */
export interface RatingSet {
  source: string;
  ratings: readonly EduRating[];
}

/**
 * A workspace's model: the shipped model fine-tuned on every weak label (both splits) and the annotators' ratings,
 * each rating counting ANNOTATOR_WEIGHT weak labels or more. Written to `<workspace>/models/edu-model.bin.gz` (or
 * `out`), where the next `soro quality signals` finds it, and recorded in `quality_edu_models`.
 */
export async function trainCatalogEduModel(
  catalog: Catalog,
  sets: readonly RatingSet[],
  opts: { out?: string; epochs?: number } = {},
): Promise<{ model: EduModel; path: string; weak: number; annotated: number }> {
  await ensureQualityTables(catalog);
  const weak = balanceBands(await weakLabels("all"));
  const annotated = sets.flatMap((s) => ratingsToLabels(s.ratings, s.source));
  const base = shippedEduModel();
  const out = opts.out ?? workspaceEduModelPath(catalog.ws.dir);
  const trained = trainEduModel([...weak, ...annotated], { base, epochs: opts.epochs ?? 4 });
  const model = saveModel(out, trained, "edu-ws");
  await catalog.conn.run(
    `INSERT OR REPLACE INTO quality_edu_models (version, path, base_version, weak_labels, annotator_labels, label_sources)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      model.version,
      out,
      base.version,
      weak.length,
      annotated.length,
      JSON.stringify(Object.fromEntries(sets.map((s) => [s.source, s.ratings.length]))),
    ],
  );
  return { model, path: out, weak: weak.length, annotated: annotated.length };
}
