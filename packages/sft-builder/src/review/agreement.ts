import { EDU_TASK } from "./edu-ratings.js";

/** Cohen's kappa of two raters over the same items (labels paired by position); NaN when undefined. */
export function cohensKappa<T>(a: T[], b: T[]): number {
  if (a.length !== b.length) throw new Error("cohensKappa: raters must label the same items");
  const n = a.length;
  if (n === 0) return Number.NaN;
  let agree = 0;
  const countA = new Map<T, number>();
  const countB = new Map<T, number>();
  for (const [i, x] of a.entries()) {
    const y = b[i];
    if (y === undefined) throw new Error("cohensKappa: raters must label the same items");
    if (x === y) agree++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, ca] of countA) pe += (ca / n) * ((countB.get(label) ?? 0) / n);
  // Both raters used one and the same label throughout: agreement is perfect but chance explains all of it.
  if (pe === 1) return po === 1 ? 1 : Number.NaN;
  return (po - pe) / (1 - pe);
}

/** Distance between two values for Krippendorff's alpha: nominal (0/1) or interval (squared difference). */
export type Metric = "nominal" | "interval";

/**
 * Krippendorff's alpha over units, each the list of values its raters gave (missing ratings simply absent). Units
 * with fewer than two values are not pairable and are left out, as the coefficient defines. NaN when undefined.
 */
export function krippendorffAlpha(units: Array<Array<string | number>>, metric: Metric = "nominal"): number {
  const delta = (x: string | number, y: string | number) =>
    metric === "nominal" ? (x === y ? 0 : 1) : (Number(x) - Number(y)) ** 2;
  // Coincidences: each ordered pair of values within a unit, weighted 1/(m_u - 1).
  const coincidence = new Map<string | number, Map<string | number, number>>();
  const totals = new Map<string | number, number>();
  let n = 0;
  for (const unit of units) {
    const m = unit.length;
    if (m < 2) continue;
    for (const [i, x] of unit.entries()) {
      const row = coincidence.get(x) ?? new Map();
      for (const [j, y] of unit.entries()) if (i !== j) row.set(y, (row.get(y) ?? 0) + 1 / (m - 1));
      coincidence.set(x, row);
      totals.set(x, (totals.get(x) ?? 0) + 1);
    }
    n += m;
  }
  if (n < 2) return Number.NaN;
  let observed = 0;
  for (const [c, row] of coincidence) for (const [k, o] of row) observed += o * delta(c, k);
  let expected = 0;
  for (const [c, nc] of totals) for (const [k, nk] of totals) expected += nc * nk * delta(c, k);
  if (expected === 0) return observed === 0 ? 1 : Number.NaN;
  return 1 - ((n - 1) * observed) / expected;
}

/** One review as agreement needs it. */
export interface RatedReview {
  task: string;
  sample_id: string;
  username: string;
  decision: string;
  rating: number | null;
}

/** Agreement figures for one task. */
export interface TaskAgreement {
  task: string;
  /** Samples with at least two reviews. */
  samples: number;
  reviews: number;
  alphaDecision: number;
  alphaRating: number;
  pairs: Array<{ a: string; b: string; shared: number; kappa: number }>;
}

// What a pair's kappa compares: the decision, except for rated passages, whose decision is always accept.
const label = (r: RatedReview): string => (r.task === EDU_TASK ? String(r.rating) : r.decision);

/**
 * Per task: Krippendorff's alpha over all reviewers (decisions nominal, ratings interval) and Cohen's kappa per pair
 * (of decisions; of ratings for rated passages).
 */
export function agreementByTask(reviews: RatedReview[]): TaskAgreement[] {
  const byTask = new Map<string, Map<string, Map<string, RatedReview>>>();
  for (const r of reviews) {
    const samples = byTask.get(r.task) ?? new Map<string, Map<string, RatedReview>>();
    const bySample = samples.get(r.sample_id) ?? new Map<string, RatedReview>();
    bySample.set(r.username, r);
    samples.set(r.sample_id, bySample);
    byTask.set(r.task, samples);
  }
  const out: TaskAgreement[] = [];
  for (const [task, samples] of [...byTask].sort(([x], [y]) => x.localeCompare(y))) {
    const units = [...samples.values()].map((m) => [...m.values()]);
    const users = [...new Set(units.flat().map((r) => r.username))].sort();
    const pairs: TaskAgreement["pairs"] = [];
    for (const [i, userA] of users.entries()) {
      for (const userB of users.slice(i + 1)) {
        const a: string[] = [];
        const b: string[] = [];
        for (const m of samples.values()) {
          const ra = m.get(userA);
          const rb = m.get(userB);
          if (ra && rb) {
            a.push(label(ra));
            b.push(label(rb));
          }
        }
        if (a.length) pairs.push({ a: userA, b: userB, shared: a.length, kappa: cohensKappa(a, b) });
      }
    }
    out.push({
      task,
      samples: units.filter((u) => u.length >= 2).length,
      reviews: units.flat().length,
      alphaDecision: krippendorffAlpha(units.map((u) => u.map((r) => r.decision))),
      alphaRating: krippendorffAlpha(
        units.map((u) => u.flatMap((r) => (r.rating === null ? [] : [r.rating]))),
        "interval",
      ),
      pairs,
    });
  }
  return out;
}
