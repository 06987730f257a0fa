import { describe, expect, it } from "vitest";
import { fitGradeModel, gradeOf, letterWords, readingFeatures, readingSignals } from "../src/index.js";

describe("reading level (invented short strings)", () => {
  it("measures sentences, word length, syllables and words outside the frequent list", () => {
    const text = "Ман ба мактаб рафтам. Модарам китоб хонд!\nСарлавҳа";
    const f = readingFeatures(text, letterWords(text));
    expect(f.rl_sentences).toBe(3);
    expect(f.rl_sentence_words).toBeCloseTo(8 / 3);
    // ман ба мактаб рафтам модарам китоб хонд сарлавҳа: 1+1+2+2+3+2+1+3 vowels over 8 words
    expect(f.rl_syllables_per_word).toBeCloseTo(15 / 8);
    expect(f.rl_rare_word_share).toBeGreaterThan(0);
    expect(f.rl_rare_word_share).toBeLessThan(1);
  });

  it("grades long sentences of long words above short sentences of short words, and short texts not at all", () => {
    const easy = Array.from({ length: 6 }, () => "Ман ба мактаб рафтам. Ҳаво хуб аст.").join(" ");
    const hard = Array.from(
      { length: 3 },
      () =>
        "Таъмини рушди устувори иқтисодиёти миллӣ ва баланд бардоштани сатҳи зиндагии аҳолии кишвар вазифаи муҳимтарини ҳукумат ба ҳисоб меравад.",
    ).join(" ");
    const e = readingSignals(easy);
    const h = readingSignals(hard);
    expect(e.reading_grade).not.toBeNull();
    expect(h.reading_grade!).toBeGreaterThan(e.reading_grade! + 3);
    expect(readingSignals("Саҳифаи асосӣ").reading_grade).toBeNull();
  });

  it("fits a grade model that recovers grades from features of known grade", () => {
    const rows = [2, 4, 6, 8, 10].map((grade) => ({
      features: {
        rl_sentences: 10,
        rl_sentence_words: 4 + grade,
        rl_word_chars: 5,
        rl_syllables_per_word: 1.5 + grade / 10,
        rl_rare_word_share: 0.1 + grade / 50,
      },
      grade,
    }));
    const model = fitGradeModel(rows, 1e-6);
    for (const r of rows) expect(gradeOf(r.features, model)).toBeCloseTo(r.grade, 1);
  });
});
