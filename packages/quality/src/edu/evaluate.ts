import { defined } from "@soro/core";
/**
 * How well scores match labels: accuracy of the rounded band, mean absolute error and Spearman's rank correlation,
 * plus the trivial peers a result must beat (the majority band, and a least-squares fit on document length alone).
 */

/** Agreement of predicted scores with labels. */
export interface EduMetrics {
  n: number;
  /** Share of passages whose rounded score equals the rounded label. */
  accuracy: number;
  mae: number;
  spearman: number;
}

/** Ranks with ties averaged (1-based). */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  const at = (k: number) => defined(order[k], "a ranked value");
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && at(j + 1)[0] === at(i)[0]) j++;
    for (let k = i; k <= j; k++) r[at(k)[1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation (0 when either side is constant). */
function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    saa += ((a[i] as number) - ma) ** 2;
    sbb += ((b[i] as number) - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Spearman's rank correlation. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}

/** Accuracy of rounded bands, MAE and Spearman of predictions against labels. */
export function eduMetrics(predicted: readonly number[], labels: readonly number[]): EduMetrics {
  const n = labels.length;
  let hits = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    if (Math.round(predicted[i] as number) === Math.round(labels[i] as number)) hits++;
    abs += Math.abs((predicted[i] as number) - (labels[i] as number));
  }
  return { n, accuracy: n ? hits / n : 0, mae: n ? abs / n : 0, spearman: spearman(predicted, labels) };
}

/** The most common rounded label of a training set: the majority peer predicts it for everything. */
export function majorityBand(labels: readonly number[]): number {
  const count = new Map<number, number>();
  for (const y of labels) count.set(Math.round(y), (count.get(Math.round(y)) ?? 0) + 1);
  return [...count].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** A least-squares line from log(1 + characters) to the label, clipped to 0..5: the length-only peer. */
export function fitLengthBaseline(
  texts: readonly string[],
  labels: readonly number[],
): (text: string) => number {
  const xs = texts.map((t) => Math.log1p(t.length));
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = labels.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += ((xs[i] as number) - mx) * ((labels[i] as number) - my);
    sxx += ((xs[i] as number) - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return (text) => Math.min(5, Math.max(0, my + slope * (Math.log1p(text.length) - mx)));
}
