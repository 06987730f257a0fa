import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { toRussianKeyboard } from "../src/damage.js";
import { identifyLanguage, LANGID_PARAMS, TextReading } from "../src/langid.js";
import { trigramIndex, trigramScores } from "../src/trigrams.js";

const tgk = await udhrParagraphs("tgk");
const rus = await udhrParagraphs("rus");
// Empty lines, a line of one letter, astral letters, a line of separators, and a text longer than the characters
// a whole-text read takes (3000 for trigrams, 4096 for words) so that a line is cut inside.
const docs = [
  [tgk[0], "", "…  ", rus[1], "а", "𝐀𝐁 х", tgk[2], "", ""].join("\n"),
  tgk.slice(0, 40).join("\n"),
  ["", "𝐀", ...rus.slice(3, 12)].join("\n"),
];

describe("a document read from its lines", () => {
  it("scores the same trigrams as one read of the whole text", () => {
    expect(docs[1]!.length).toBeGreaterThan(4096);
    for (const script of ["Cyrillic", "Arabic"] as const) {
      const index = trigramIndex(script);
      for (const d of docs) {
        const whole = trigramScores(d, index);
        const assembled = new TextReading(d).trigrams(index);
        expect(assembled.n).toBe(whole.n);
        for (let j = 0; j < whole.scores.length; j++)
          expect(assembled.scores[j]).toBeCloseTo(whole.scores[j]!, 9);
      }
    }
  });

  it("reads an original built from its repaired text's reading as a fresh reading does", () => {
    for (const d of docs) {
      const lines = d.split("\n");
      const damaged = lines.map((l, i) => (i % 3 === 1 ? toRussianKeyboard(l) : l)).join("\n");
      const reused = new TextReading(damaged, new TextReading(d)).document();
      expect(reused).toEqual(new TextReading(damaged).document());
      expect(reused).toEqual(identifyLanguage(damaged));
    }
  });

  it("labels each line as that line read alone with the document's prior", () => {
    const d = docs[0]!;
    const doc = identifyLanguage(d);
    const lines = new TextReading(d).lineResults(doc.lang);
    d.split("\n").forEach((line, i) => {
      const alone = identifyLanguage(line, doc.lang);
      if (lines[i]!.by !== "document" && lines[i]!.by !== "short") expect(lines[i]).toEqual(alone);
    });
  });

  it("reads a line met in earlier texts as a fresh reading does, without keeping shared buffers alive", () => {
    // Three texts that share lines: the third meets them for the third time (kept across texts by then).
    const texts = [0, 1, 2].map((k) =>
      [tgk[5], `menu ${k}`, rus[6], "Ҳамаи ҳуқуқҳо ҳифз шудаанд.", tgk[7]].join("\n"),
    );
    let last: TextReading | undefined;
    for (const t of texts) {
      last = new TextReading(t);
      const doc = last.document();
      expect(doc).toEqual(identifyLanguage(t));
      last.lineResults(doc.lang).forEach((r, i) => {
        const line = t.split("\n")[i] ?? "";
        if (r.by !== "document" && r.by !== "short") expect(r).toEqual(identifyLanguage(line, doc.lang));
      });
    }
    const kept = last?.lines[3];
    expect(kept?.letters.counts.buffer.byteLength).toBe(kept?.letters.counts.byteLength);
  });

  it("judges a line kept from earlier texts again when the parameters change", () => {
    const t = [rus[8], "Ҳуқуқи инсон дар Тоҷикистон", "Права человека в Таджикистане", rus[9]].join("\n");
    const judge = () => new TextReading(t).lineResults("rus");
    judge();
    judge();
    const tajik = LANGID_PARAMS.tajik;
    try {
      LANGID_PARAMS.tajik = tajik + 40;
      const after = judge();
      expect(after[2]?.lang).toBe("tgk");
      expect(after[2]).toEqual(identifyLanguage(t.split("\n")[2] ?? "", "rus"));
    } finally {
      LANGID_PARAMS.tajik = tajik;
    }
    expect(judge()[2]?.lang).toBe("rus");
  });
});
