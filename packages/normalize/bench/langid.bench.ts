/**
 * `pnpm bench -- normalize` (this part: language ID). On the held-out part of the UI-string set (real translated
 * messages, Debian's LibreOffice packages and, when built here, GNOME/Xfce), in one run: our language ID beside
 * franc-all restricted to the project's old candidate set and franc-all unrestricted. Prints per-language accuracy
 * on whole lines and 20-40-character snippets, Tajik recall and Tajik false-positive rate over every other language,
 * damaged Tajik after repair, the same false positives through the whole normalize path, lines/s, and a reliability
 * diagram of P(Tajik). Options: --per-lang N (held-out lines per language, default 1000).
 */
import { UI_STRINGS_CACHE } from "@soro/samples";
import { francAll } from "franc-all";
import { analyseText } from "../src/analyse.js";
import { identifyLanguage } from "../src/langid.js";
import { normalizeText } from "../src/normalize.js";
import { DAMAGE, evalItems, type Item, measure, reliability } from "./langid-eval.js";

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const { items, gnome } = evalItems("held-out", arg("--per-lang", 1000));
const OLD = ["tgk", "rus", "uzn", "kaz", "kir", "tat", "pes", "prs", "eng"];
const classifiers: Array<[string, (t: string) => string]> = [
  ["ours", (t) => identifyLanguage(t).lang],
  ["franc-all old set", (t) => francAll(t, { minLength: 3, only: OLD })[0]![0]],
  ["franc-all open", (t) => francAll(t, { minLength: 3 })[0]![0]],
];
const pct = (x: number) => (100 * x).toFixed(2).padStart(6);

console.log(
  gnome
    ? "UI strings: LibreOffice + GNOME/Xfce (kir, uzn Cyrillic, abk, chv)"
    : `UI strings: LibreOffice only. Kyrgyz, Uzbek Cyrillic, Abkhaz, Chuvash are absent: build them with \`node --import tsx packages/samples/scripts/build-ui-strings.ts --all\` (apt-get download, dpkg-deb, msgunfmt) into ${UI_STRINGS_CACHE}`,
);
console.log(
  "held-out part only (tuning never reads it); accuracy in %, Persian=Dari and Serbian=Bosnian count alike\n",
);

for (const kind of ["line", "snippet"] as const) {
  const set = items.filter((i) => i.kind === kind);
  const results = classifiers.map(([name, f]) => {
    let answers: string[] = [];
    let best = Number.POSITIVE_INFINITY;
    for (const i of set.slice(0, 300)) f(i.text); // load models, warm the JIT
    for (let k = 0; k < 2; k++) {
      const t0 = performance.now();
      answers = set.map((i) => f(i.text));
      best = Math.min(best, (performance.now() - t0) / 1000);
    }
    return { name, m: measure(set, answers), perSec: set.length / best };
  });
  const langs = [...results[0]!.m.byLang.keys()];
  console.log(`${kind}s (${set.length}):`);
  console.log(`  ${"lang".padEnd(6)} ${"n".padStart(5)} ${results.map((r) => r.name.padStart(18)).join("")}`);
  for (const l of langs) {
    const n = results[0]!.m.byLang.get(l)!.n;
    console.log(
      `  ${l.padEnd(6)} ${String(n).padStart(5)} ${results
        .map((r) => {
          const x = r.m.byLang.get(l)!;
          return pct(x.right / x.n).padStart(18);
        })
        .join("")}`,
    );
  }
  console.log(`  ${"Tajik recall".padEnd(12)} ${results.map((r) => pct(r.m.recall).padStart(18)).join("")}`);
  console.log(
    `  ${"Tajik FP".padEnd(12)} ${results.map((r) => `${pct(r.m.fp)} (${r.m.fpCount}/${r.m.other})`.padStart(18)).join("")}`,
  );
  console.log(
    `  ${"lines/s".padEnd(12)} ${results.map((r) => String(Math.round(r.perSec)).padStart(18)).join("")}`,
  );
  console.log(
    `  speed ours / franc-all old set: ${(results[0]!.perSec / results[1]!.perSec).toFixed(2)}x, / franc-all open: ${(results[0]!.perSec / results[2]!.perSec).toFixed(2)}x\n`,
  );
}

// Damaged Tajik, repaired by normalizeText first (as the stage does), then identified.
const tajik = items.filter((i) => i.lang === "tgk");
console.log(
  "damaged Tajik after normalizeText, Tajik recall in % (lines / snippets); last column: ours as the stage decides (analyseText):",
);
for (const [name, damage] of Object.entries(DAMAGE)) {
  const repaired = tajik.map((i) => ({ ...i, text: normalizeText(damage(i.text)).text }));
  const cells = classifiers.map(([, f]) => {
    const r = (kind: Item["kind"]) => {
      const set = repaired.filter((i) => i.kind === kind);
      return set.filter((i) => f(i.text) === "tgk").length / set.length;
    };
    return `${pct(r("line"))} /${pct(r("snippet"))}`;
  });
  // The stage's own decision (analyseText: the original's reading stands when only restoration made it Tajik).
  const stage = (kind: Item["kind"]) => {
    const set = tajik.filter((i) => i.kind === kind);
    return set.filter((i) => analyseText(damage(i.text)).lang === "tgk").length / set.length;
  };
  cells.push(`${pct(stage("line"))} /${pct(stage("snippet"))}`);
  console.log(`  ${name.padEnd(18)} ${cells.map((c) => c.padStart(18)).join("")}`);
}

// The stage's whole path (repair, look-alikes, script mapping, letter restoration, then analyseText's document
// decision) may not turn another language into Tajik.
const others = items.filter((i) => i.lang !== "tgk");
// Persian- or Latin-script text that reads as Tajik after conversion is labelled tgk on purpose (column `converted`,
// a mixture decision), so it is counted apart from false positives.
const analysed = others.map((i) => analyseText(i.text));
const staged = analysed.map((a) => (a.converted === "" ? a.lang : "converted"));
const stageFp = (kind: Item["kind"]) => {
  const idx = others.map((o, k) => [o, k] as const).filter(([o]) => o.kind === kind);
  const fp = idx.filter(([, k]) => staged[k] === "tgk");
  const by = new Map<string, number>();
  for (const [o] of fp) by.set(o.lang, (by.get(o.lang) ?? 0) + 1);
  const langs = [...by].map(([l, c]) => `${l} ${c}`).join(", ");
  const conv = idx.filter(([, k]) => staged[k] === "converted").length;
  return `${pct(fp.length / idx.length)} (${fp.length}/${idx.length}${langs ? `: ${langs}` : ""}); converted from another script and labelled tgk by design: ${conv}`;
};
console.log("\nTajik FP of the normalize stage's document language (analyseText on the raw string), in %:");
console.log(`  lines    ${stageFp("line")}\n  snippets ${stageFp("snippet")}`);

// Reliability of P(Tajik): does 0.9 mean nine in ten?
const p = items.map((i) => identifyLanguage(i.text).tgk);
const truth = items.map((i) => i.lang === "tgk");
const rel = reliability(p, truth);
console.log(
  `\nreliability of P(Tajik), lines and snippets (${items.length}); expected calibration error ${rel.ece.toFixed(4)}`,
);
console.log("  predicted     n   mean P  observed");
rel.rows.forEach((r, b) => {
  if (r.n === 0) return;
  const obs = r.pos / r.n;
  console.log(
    `  ${(b / 10).toFixed(1)}-${((b + 1) / 10).toFixed(1)} ${String(r.n).padStart(7)}   ${(r.sumP / r.n).toFixed(3)}   ${obs.toFixed(3)} ${"#".repeat(Math.round(obs * 40))}`,
  );
});
