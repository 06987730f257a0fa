/**
 * The educational-value model: a linear score over hashed features read through five ordered thresholds
 * (cumulative-logit ordinal regression). P(score >= k) = sigmoid(w·x + b - theta_k) for k = 1..5, and the predicted
 * score is the sum of those five probabilities: a number from 0 to 5 whose rounding is the most likely band.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { DEFAULT_FEATURE_SPEC, type FeatureSpec, linearScoreOf, type SparseVector } from "./features.js";

/** Where a training label came from and how many passages it covered, as the model file records it. */
export interface ModelSource {
  name: string;
  passages: number;
  note: string;
}

/** A loaded model. */
export interface EduModel {
  /** Stored with every score (`edu_model`), and part of the signals stage's config hash. */
  version: string;
  features: FeatureSpec;
  weights: Float32Array;
  bias: number;
  /** Five increasing thresholds: between bands 0|1, 1|2, 2|3, 3|4 and 4|5. */
  thresholds: number[];
  sources: ModelSource[];
}

/** The number of bands above 0 (scores run 0..BANDS). */
export const BANDS = 5;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** The linear score w·x + b of one feature vector. */
export function linearScore(model: EduModel, x: SparseVector): number {
  let s = model.bias;
  for (let k = 0; k < x.idx.length; k++)
    s += (model.weights[x.idx[k] as number] as number) * (x.val[k] as number);
  return s;
}

/** The expected band (0..5) for a linear score. */
export function scoreFromLinear(model: EduModel, s: number): number {
  let e = 0;
  for (const t of model.thresholds) e += sigmoid(s - t);
  return e;
}

/**
 * A document's educational value, 0 (none) to 5 (a school lesson); see packages/quality/README.md for the bands.
 * `lower` is `text.toLowerCase()` when the caller already has it.
 */
export function eduScore(model: EduModel, text: string, lower?: string): number {
  return scoreFromLinear(model, linearScoreOf(model.weights, model.bias, text, model.features, lower));
}

/** The weights quantized to 16 bits with one scale: a third of the float file, and scores move by < 0.001. */
function quantize(weights: Float32Array): { scale: number; q: Int16Array } {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  const scale = max > 0 ? max / 32767 : 1;
  return { scale, q: Int16Array.from(weights, (w) => Math.round(w / scale)) };
}

/**
 * Writes a model as gzip of one JSON header line and the 16-bit weights. The version is made from the content
 * (`<prefix>-<sha256 of weights, bias and thresholds>`), so rebuilding from the same labels gives the same version.
 */
export function saveModel(file: string, model: Omit<EduModel, "version">, prefix: string): EduModel {
  const { scale, q } = quantize(model.weights);
  const body = Buffer.from(q.buffer, q.byteOffset, q.byteLength);
  const digest = createHash("sha256")
    .update(body)
    .update(JSON.stringify([model.bias, model.thresholds, scale, model.features]))
    .digest("hex")
    .slice(0, 12);
  const version = `${prefix}-${digest}`;
  const header = {
    soro_edu_model: 1,
    version,
    features: model.features,
    bias: model.bias,
    thresholds: model.thresholds,
    scale,
    sources: model.sources,
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(
    tmp,
    gzipSync(Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), body]), { level: 9 }),
  );
  renameSync(tmp, file);
  return { ...model, version, weights: Float32Array.from(q, (v) => v * scale) };
}

/** Reads a model file written by saveModel; the error names the file and what to do. */
export function loadModel(file: string): EduModel {
  let raw: Buffer;
  try {
    raw = gunzipSync(readFileSync(file));
  } catch (err) {
    throw new Error(
      `edu model ${file}: cannot read it (${(err as Error).message}); rebuild it with \`soro quality edu train\``,
    );
  }
  const nl = raw.indexOf(10);
  const header = JSON.parse(raw.subarray(0, nl).toString("utf8")) as {
    soro_edu_model?: number;
    version: string;
    features: FeatureSpec;
    bias: number;
    thresholds: number[];
    scale: number;
    sources: ModelSource[];
  };
  if (header.soro_edu_model !== 1)
    throw new Error(
      `edu model ${file}: not a soro edu model file; rebuild it with \`soro quality edu train\``,
    );
  const body = raw.subarray(nl + 1);
  const q = new Int16Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  if (q.length !== 1 << header.features.bits)
    throw new Error(
      `edu model ${file}: truncated (${q.length} weights); rebuild it with \`soro quality edu train\``,
    );
  return {
    version: header.version,
    features: header.features,
    bias: header.bias,
    thresholds: header.thresholds,
    sources: header.sources,
    weights: Float32Array.from(q, (v) => v * header.scale),
  };
}

/** The model shipped with the package (`scripts/build-edu-model.ts` rebuilds it). */
export const SHIPPED_EDU_MODEL_PATH = fileURLToPath(new URL("../../data/edu-model.bin.gz", import.meta.url));

let shipped: EduModel | undefined;

/** The shipped model, loaded once per process. */
export function shippedEduModel(): EduModel {
  shipped ??= loadModel(SHIPPED_EDU_MODEL_PATH);
  return shipped;
}

/** Where `soro quality edu train` writes a workspace's model, and where the signals stage looks for it. */
export function workspaceEduModelPath(workspaceDir: string): string {
  return path.join(workspaceDir, "models", "edu-model.bin.gz");
}

/** The workspace's trained model file when there is one. */
export function findWorkspaceEduModel(workspaceDir: string): string | undefined {
  const p = workspaceEduModelPath(workspaceDir);
  return existsSync(p) ? p : undefined;
}

/** A model with no knowledge: every weight 0, thresholds spread so that it predicts 2.5. */
export function emptyModel(features: FeatureSpec = DEFAULT_FEATURE_SPEC): EduModel {
  return {
    version: "empty",
    features,
    weights: new Float32Array(1 << features.bits),
    bias: 0,
    thresholds: [-2, -1, 0, 1, 2],
    sources: [],
  };
}
