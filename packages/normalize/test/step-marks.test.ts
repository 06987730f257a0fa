import { describe, expect, it } from "vitest";
import { ChangeLog } from "../src/changes.js";
import { legacyMarks, UTF8_AS_CP1251 } from "../src/legacy.js";
import { defaultLexicon } from "../src/lexicon.js";
import { lookalikeMarks, repairLookalikes } from "../src/lookalike.js";
import { normalizePunctuation, PUNCT_WORK, punctuationWork } from "../src/punct.js";
import { scriptCounts } from "../src/script.js";
import { readText, stepMarks } from "../src/step-marks.js";
import { nfcStable } from "../src/unicode.js";

describe("the one-pass read of a text", () => {
  // Characters each step looks for, and their neighbours: random texts of them hit every rule's edge.
  const alphabet = [
    ..."абвхчкгуиҳҷқғӯӣХҲАБњќѓљѕіўәРС╔",
    ..."abcXYZ",
    ...' \t\n\r,;^[-"“„”«»—–.',
    "\u00a0",
    "\u2003",
    "\u200b",
    "\u200c",
    "\u0085",
    "\u00ad",
    "\u0301",
    "\u0304",
    "\u2000",
    "\u2126",
    "ب",
    "م",
    "\u06f1",
    "ѕ",
    "і",
    "ü",
    "Ð",
    "¼",
    "\u2500",
    "€",
    "\ud83d",
    "\ude00",
    "中",
  ];
  let seed = 7;
  const random = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const texts = Array.from({ length: 4000 }, () =>
    Array.from({ length: 1 + random(12) }, () => alphabet[random(alphabet.length)]).join(""),
  );

  it("finds what the passes it stands for find", () => {
    for (const t of texts) {
      const r = readText(t);
      expect(r.marks, t).toBe(stepMarks(t));
      expect(r.scripts, t).toEqual(scriptCounts(t));
      expect(r.legacy, t).toEqual(legacyMarks(t));
      expect(r.legacy.utf8Pair, t).toBe(new RegExp(UTF8_AS_CP1251.source).test(t));
      expect(r.lookalike, t).toEqual(lookalikeMarks(t));
      expect(r.ocr, t).toBe(/[\u0400-\u04FF][[^,;][\u0400-\u04FF]/.test(t));
      const work = punctuationWork(t);
      // The pass of its own stops at spacing, after which every rule runs.
      if (work & 1) expect(r.punct & 1, t).toBe(1);
      else expect(r.punct, t).toBe(work);
    }
  });

  const ALL_PUNCT = Object.values(PUNCT_WORK).reduce((a, b) => a | b, 0);

  it("lets the steps it guards do what they do when every rule runs", () => {
    // A rule skipped for want of its characters would have changed nothing: the text and every change match.
    const lexicon = defaultLexicon();
    // Texts dense in what the rules match (a space, then a dash; quotes; a Latin letter beside a Cyrillic one), and
    // the words they repair.
    const dense = [...' -—–"“„”,аbһіҳ'];
    const ruleTexts = Array.from({ length: 4000 }, () =>
      Array.from({ length: 2 + random(10) }, () => dense[random(dense.length)]).join(""),
    );
    const words = [
      "ман - ту",
      "ман -- ту — ӯ",
      "ин – он",
      "һамин",
      "Cалом",
      "ҳаѕт і",
      "„ҳа“ ва “не”",
      "ҳа,не",
    ];
    for (const t of [...texts, ...ruleTexts, ...words]) {
      const r = readText(t);
      const guarded = new ChangeLog(true);
      const full = new ChangeLog(true);
      expect(normalizePunctuation(t, guarded, r.punct), t).toBe(normalizePunctuation(t, full, ALL_PUNCT));
      const all = { look: true, mixed: true, ukrainianI: true };
      expect(repairLookalikes(t, lexicon, guarded, r.lookalike), t).toBe(
        repairLookalikes(t, lexicon, full, all),
      );
      expect(guarded.changes, t).toEqual(full.changes);
    }
  });

  it("leaves out of the NFC-stable set every character that NFC changes or composes with the one before", () => {
    // A character composes with the one before it only as the second part of a canonical decomposition (or as a
    // Hangul vowel or final): none of them may be stable, nor may a character NFC changes on its own.
    const seconds = new Set<number>();
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const d = String.fromCharCode(c).normalize("NFD");
      for (let k = 1; k < d.length; k++) seconds.add(d.charCodeAt(k));
    }
    for (let c = 0x1161; c <= 0x11c2; c++) seconds.add(c);
    let stable = 0;
    for (let c = 0; c < 0x10000; c++) {
      if (!nfcStable(c)) continue;
      stable++;
      const ch = String.fromCharCode(c);
      expect(seconds.has(c), ch).toBe(false);
      expect(ch.normalize("NFC"), ch).toBe(ch);
    }
    expect(stable).toBeGreaterThan(1000);
    expect(nfcStable(0x0304)).toBe(false);
    expect(nfcStable(0x2000)).toBe(false);
    expect(nfcStable(0x04e3)).toBe(true);
  });
});
