/**
 * Fits language ID's evidence weights and P(Tajik) calibration on the tuning part of the UI-string set (never on the
 * held-out part the bench reports). Prints per-language accuracy and Tajik recall/false positives for each setting
 * tried, then the calibration. Run from the repository root:
 *   node --import tsx packages/normalize/scripts/tune-langid.ts [--grid] [--tajik] [--slavic] [--suffix]
 * (--tajik: Tajik's prior and the weight of the neighbours' function words against it; --slavic: accuracy per prior
 * of Russian's Slavic neighbours, to weigh Russian against Bulgarian and Ukrainian; --suffix: the weight of endings
 * only Tajik writes.) Each setting also prints Tajik recall and false positives on the tuning part's short labels
 * (10-19 characters), outside the loss: the tuning lines leave few Tajik misses to learn from.
 */
import { evalItems, measure, shortItems } from "../bench/langid-eval.js";
import { identifyLanguage, LANGID_PARAMS } from "../src/langid.js";

const { items } = evalItems("tuning");
const lines = items.filter((i) => i.kind === "line");
const snips = items.filter((i) => i.kind === "snippet");
const labels = shortItems("tuning");

function report(label: string): number {
  const out: string[] = [label];
  let loss = 0;
  for (const [kind, set] of [
    ["lines", lines],
    ["snippets", snips],
  ] as const) {
    const m = measure(
      set,
      set.map((i) => identifyLanguage(i.text).lang),
    );
    const accs = [...m.byLang].map(([l, r]) => `${l} ${(r.right / r.n).toFixed(3)}`);
    out.push(`  ${kind}: recall ${m.recall.toFixed(4)} fp ${m.fp.toFixed(4)} | ${accs.join(" ")}`);
    let err = 0;
    for (const r of m.byLang.values()) err += 1 - r.right / r.n;
    loss += err + 20 * m.fp + 5 * (1 - m.recall);
  }
  const short = measure(
    labels,
    labels.map((i) => identifyLanguage(i.text).lang),
  );
  out.push(
    `  short labels: recall ${short.recall.toFixed(4)} fp ${short.fpCount}/${short.other} (not in the loss)`,
  );
  console.log(`${out.join("\n")}\n  loss ${loss.toFixed(3)}`);
  return loss;
}

report(`current ${JSON.stringify(LANGID_PARAMS)}`);

if (process.argv.includes("--grid")) {
  const grid: Array<Partial<typeof LANGID_PARAMS>> = [];
  for (const char of [0.5, 1, 2])
    for (const charMid of [0.25, 0.5, 0.75])
      for (const charFull of [0, 12, 24]) grid.push({ char, charMid, charFull });
  const base = { ...LANGID_PARAMS };
  let best = Number.POSITIVE_INFINITY;
  let bestP = base;
  for (const g of grid) {
    Object.assign(LANGID_PARAMS, base, g);
    const loss = report(JSON.stringify(g));
    if (loss < best) {
      best = loss;
      bestP = { ...LANGID_PARAMS };
    }
  }
  console.log(`best ${JSON.stringify(bestP)} loss ${best.toFixed(3)}`);
  Object.assign(LANGID_PARAMS, bestP);
}

if (process.argv.includes("--tajik")) {
  // Tajik's prior against the neighbours' function words that count against it (loss as above).
  const base = { ...LANGID_PARAMS };
  let best = Number.POSITIVE_INFINITY;
  let bestP = base;
  for (const tajik of [0, 0.1, 0.2, 0.25, 0.3, 0.4])
    for (const foreignWords of [0, 2, 5]) {
      Object.assign(LANGID_PARAMS, base, { tajik, foreignWords });
      const loss = report(`tajik ${tajik} foreignWords ${foreignWords}`);
      if (loss < best) {
        best = loss;
        bestP = { ...LANGID_PARAMS };
      }
    }
  console.log(`best tajik ${bestP.tajik} foreignWords ${bestP.foreignWords} loss ${best.toFixed(3)}`);
  Object.assign(LANGID_PARAMS, bestP);
}

if (process.argv.includes("--slavic")) {
  const base = LANGID_PARAMS.slavic;
  for (const slavic of [0.1, 0.15, 0.2, 0.25, 0.3]) {
    LANGID_PARAMS.slavic = slavic;
    report(`slavic ${slavic}`);
  }
  LANGID_PARAMS.slavic = base;
}

if (process.argv.includes("--suffix")) {
  const base = LANGID_PARAMS.suffix;
  for (const suffix of [0, 1.5, 3, 6]) {
    LANGID_PARAMS.suffix = suffix;
    report(`suffix ${suffix}`);
  }
  LANGID_PARAMS.suffix = base;
}

// Calibration: logistic regression of "is Tajik" on the margin, by gradient descent on the tuning items.
const margin = (t: string) => {
  const p = identifyLanguage(t).tgk;
  const z = Math.log(p / (1 - p)) - LANGID_PARAMS.calB;
  return z / LANGID_PARAMS.calA;
};
const xs = items.map((i) => Math.max(-30, Math.min(30, margin(i.text))));
const ys = items.map((i) => (i.lang === "tgk" ? 1 : 0));
let a = 0.5;
let b = 0;
for (let it = 0; it < 2000; it++) {
  let ga = 0;
  let gb = 0;
  xs.forEach((x, i) => {
    const p = 1 / (1 + Math.exp(-(a * x + b)));
    ga += (p - ys[i]!) * x;
    gb += p - ys[i]!;
  });
  a -= (0.5 * ga) / xs.length;
  b -= (0.5 * gb) / xs.length;
}
console.log(`calibration: calA ${a.toFixed(3)} calB ${b.toFixed(3)}`);
