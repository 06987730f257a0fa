import { describe, expect, it } from "vitest";
import { agreementByTask, cohensKappa, krippendorffAlpha, type RatedReview } from "../src/index.js";

// Two reviewers, ten samples: both accept 4, both reject 3, A accepts/B rejects 2, A rejects/B accepts 1.
const A = [..."AAAARRRAAR"];
const B = [..."AAAARRRRRA"];

describe("agreement coefficients against hand-computed values", () => {
  it("Cohen's kappa: po = 0.7, pe = 0.6·0.5 + 0.4·0.5 = 0.5, so κ = 0.2/0.5 = 0.4", () => {
    expect(cohensKappa(A, B)).toBeCloseTo(0.4, 12);
    expect(cohensKappa(["A", "A"], ["A", "A"])).toBe(1);
    expect(cohensKappa([], [])).toBeNaN();
  });

  it("Krippendorff's alpha (nominal) on the same data: n = 20, D_o = 6, 1 − 19·6/(2·11·9) = 14/33", () => {
    const units = A.map((a, i) => [a, B[i]!]);
    expect(krippendorffAlpha(units)).toBeCloseTo(14 / 33, 12);
  });

  it("alpha with three raters, a missing value and an unpairable unit: 1 − 7·2/32 = 0.5625", () => {
    // Units: [a a a] gives o(a,a)=3; [a b] gives o(a,b)=o(b,a)=1; [b b b] gives o(b,b)=3; [a] is not pairable.
    expect(krippendorffAlpha([["a", "a", "a"], ["a", "b"], ["b", "b", "b"], ["a"]])).toBeCloseTo(0.5625, 12);
  });

  it("alpha (interval) on ratings: D_o = 4, D_e = 2·6·10 = 120, 1 − 5·4/120 = 5/6", () => {
    expect(
      krippendorffAlpha(
        [
          [1, 2],
          [3, 3],
          [5, 4],
        ],
        "interval",
      ),
    ).toBeCloseTo(5 / 6, 12);
  });

  it("groups reviews per task and pairs reviewers who shared samples", () => {
    const reviews: RatedReview[] = A.flatMap((a, i) => [
      { task: "explain", sample_id: `s${i}`, username: "rustam", decision: a, rating: null },
      { task: "explain", sample_id: `s${i}`, username: "parvina", decision: B[i]!, rating: null },
    ]);
    reviews.push({ task: "translate", sample_id: "t1", username: "rustam", decision: "A", rating: 4 });
    const [explain, translate] = agreementByTask(reviews);
    expect(explain).toMatchObject({ task: "explain", samples: 10, reviews: 20 });
    expect(explain!.alphaDecision).toBeCloseTo(14 / 33, 12);
    expect(explain!.pairs).toEqual([
      { a: "parvina", b: "rustam", shared: 10, kappa: expect.closeTo(0.4, 12) },
    ]);
    expect(translate).toMatchObject({ task: "translate", samples: 0, pairs: [] });
    expect(translate!.alphaDecision).toBeNaN();
  });
});
