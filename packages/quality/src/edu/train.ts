/**
 * Training the educational-value model: cumulative-logit ordinal regression fitted by AdaGrad over a seeded shuffle,
 * so the same labels give the same weights on every machine. Labels may be fractional (an annotators' mean of 3.4
 * says P(>=3) = 1 and P(>=4) = 0.4) and weighted (an annotator label counts more than a weak one).
 */
import { defined, seededRandom } from "@soro/core";
import { DEFAULT_FEATURE_SPEC, type FeatureSpec, featurize, type SparseVector } from "./features.js";
import { BANDS, type EduModel, emptyModel, type ModelSource } from "./model.js";

/** One training passage: its text, its score (0..5), how much it counts, and where it came from. */
export interface LabelledText {
  text: string;
  score: number;
  weight?: number;
  /** The source the label came from (e.g. `payom`, `libreoffice`, `review`). */
  source: string;
  /** The document or block the passage belongs to: held-out splits never cut one. */
  group: string;
}

export interface TrainOptions {
  epochs?: number;
  /** AdaGrad step size of the weights. */
  rate?: number;
  /** L2 penalty per step on the weights an example touches. */
  l2?: number;
  seed?: number;
  features?: FeatureSpec;
  /** Start from this model's weights and thresholds (fine-tuning on new labels) instead of zero. */
  base?: EduModel;
  sources?: ModelSource[];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Fits the model; the result has no version until it is saved (saveModel names it by its content). */
export function trainEduModel(
  data: readonly LabelledText[],
  opts: TrainOptions = {},
): Omit<EduModel, "version"> {
  const features = opts.base?.features ?? opts.features ?? DEFAULT_FEATURE_SPEC;
  const start = opts.base ?? emptyModel(features);
  const weights = Float32Array.from(start.weights);
  const thresholds = [...start.thresholds];
  const epochs = opts.epochs ?? 8;
  const rate = opts.rate ?? 0.4;
  const l2 = opts.l2 ?? 1e-5;
  const rand = seededRandom(opts.seed ?? 25);
  const xs: SparseVector[] = data.map((d) => featurize(d.text, features));
  const gW = new Float32Array(weights.length);
  const gT = new Float64Array(BANDS);
  const order = Array.from(data.keys());
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Fisher-Yates with the seeded generator: the visiting order is part of what makes a build reproducible.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const n of order) {
      const x = defined(xs[n], "a training example's features");
      const d = defined(data[n], "a training example");
      const y = Math.min(BANDS, Math.max(0, d.score));
      const w = d.weight ?? 1;
      let s = 0;
      for (let k = 0; k < x.idx.length; k++)
        s += (weights[x.idx[k] as number] as number) * (x.val[k] as number);
      let gs = 0;
      for (let b = 0; b < BANDS; b++) {
        const target = Math.min(1, Math.max(0, y - b));
        const err = (sigmoid(s - (thresholds[b] as number)) - target) * w;
        gs += err;
        (gT[b] as number) += err * err;
        (thresholds[b] as number) += (0.1 * err) / (Math.sqrt(gT[b] as number) + 1e-8);
      }
      thresholds.sort((a, b) => a - b);
      for (let k = 0; k < x.idx.length; k++) {
        const i = x.idx[k] as number;
        const g = gs * (x.val[k] as number) + l2 * (weights[i] as number);
        (gW[i] as number) += g * g;
        (weights[i] as number) -= (rate * g) / (Math.sqrt(gW[i] as number) + 1e-8);
      }
    }
  }
  return {
    features,
    weights,
    bias: 0,
    thresholds,
    sources: opts.sources ?? summarizeSources(data),
  };
}

/** Passages per label source, as the model file records them. */
export function summarizeSources(data: readonly LabelledText[]): ModelSource[] {
  const by = new Map<string, { n: number; sum: number }>();
  for (const d of data) {
    const e = by.get(d.source) ?? { n: 0, sum: 0 };
    e.n++;
    e.sum += d.score;
    by.set(d.source, e);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, e]) => ({ name, passages: e.n, note: `mean label ${(e.sum / e.n).toFixed(2)}` }));
}

/**
 * Per-example weights that give every rounded label band the same total weight (times any weight it had), at most
 * `cap` times a plain example: a band with a handful of passages should not be learned from a few sentences repeated.
 */
export function balanceBands(data: LabelledText[], cap = 5): LabelledText[] {
  const count = new Map<number, number>();
  for (const d of data) count.set(Math.round(d.score), (count.get(Math.round(d.score)) ?? 0) + 1);
  const per = data.length / count.size;
  return data.map((d) => ({
    ...d,
    weight: (d.weight ?? 1) * Math.min(cap, per / (count.get(Math.round(d.score)) as number)),
  }));
}
