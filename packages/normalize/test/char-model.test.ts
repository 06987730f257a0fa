import { describe, expect, it } from "vitest";
import {
  type CharCounts,
  charEvidence,
  charModelFromCounts,
  countCharNgrams,
  formatCharCounts,
  parseCharCounts,
  readChars,
  tajikCharModel,
} from "../src/char-model.js";
import { MAX_WORDS, readCyrillicWords } from "../src/cyrillic-words.js";
import { distinctWords } from "./distinct-words.js";

describe("Tajik character model", () => {
  it("reads a Tajik sentence as Tajik, Russian and Kazakh ones as not, Uzbek far below Tajik", () => {
    const tajik = charEvidence("Барномаи нав ҳуҷҷатҳои шуморо ба таври худкор нигоҳ медорад.");
    expect(tajik.llr).toBeGreaterThan(1);
    expect(charEvidence("Программа автоматически сохраняет ваши документы.").llr).toBeLessThan(-1);
    // Uzbek shares Tajik's Persian and Arabic loans; its trigrams and letters (ў, -лар) do the rest in language ID.
    expect(charEvidence("Дастур ҳужжатларингизни автоматик равишда сақлайди.").llr).toBeLessThan(
      tajik.llr - 1,
    );
    expect(charEvidence("Бағдарлама құжаттарыңызды автоматты түрде сақтайды.").llr).toBeLessThan(-1);
  });

  it("reads Tajik endings on Russian loans as Tajik", () => {
    // -кунии (verbal noun with izafet), -ҳо (plural), -ро (object): the words' stems are Russian.
    expect(charEvidence("Формаҳоро санҷед").llr).toBeGreaterThan(0);
    expect(charEvidence("Формы проверьте").llr).toBeLessThan(0);
  });

  it("says nothing about text without Cyrillic words, and reads a long line only in part", () => {
    for (const t of ["", "12345", "🙂🙂", "Hello world", "سلام"])
      expect(charEvidence(t)).toEqual({ llr: 0, n: 0 });
    const long = charEvidence("ҳуҷҷат ".repeat(200_000));
    expect(long.n).toBeLessThan(2000);
    expect(long.llr).toBeGreaterThan(1);
  });

  it("is the log-likelihood ratio of its two sides' counts", () => {
    const counts: CharCounts = new Map();
    countCharNgrams(counts, ["кунии кунии хона"], 0);
    countCharNgrams(counts, ["книги книги дома"], 1);
    const model = charModelFromCounts(parseCharCounts(formatCharCounts(counts, "# test")));
    expect(charEvidence("кунии", model).llr).toBeGreaterThan(0.5);
    expect(charEvidence("книги", model).llr).toBeLessThan(-0.5);
    // The same counts on both sides say nothing.
    const even: CharCounts = new Map();
    countCharNgrams(even, ["кунии"], 0);
    countCharNgrams(even, ["кунии"], 1);
    expect(charEvidence("кунии книги", charModelFromCounts(even)).llr).toBeCloseTo(0, 10);
  });

  it("loads the shipped model once", () => {
    expect(tajikCharModel()).toBe(tajikCharModel());
    expect(tajikCharModel().ngram.size).toBeGreaterThan(50_000);
  });

  it("reads a text's words once for word kinds and the model, as readChars does, kept words or not", () => {
    const text = "Ҳуҷҷатҳои НАВ ва ҳуҷҷатҳои кӯҳна, Документы; ва x ҳуҷҷатҳои ".repeat(3) + "ҳ".repeat(80);
    const asked: string[] = [];
    const kind = (w: string) => {
      asked.push(w);
      return w === "ва" ? 1 : w.startsWith("ҳуҷҷат") ? 2 : w === "документы" ? 4 : 0;
    };
    for (const limit of [text.length, 40, 17, 3, 0])
      for (let round = 0; round < 2; round++) {
        const r = readCyrillicWords(text, 1000, limit, kind);
        // The same terms in the same order: the same floating-point sum.
        expect(r.chars).toEqual(readChars(text, limit));
      }
    const r = readCyrillicWords(text, 1000, 0, kind);
    expect(r.words).toEqual({ words: 25, fn: 6, long: 25, known: 9, foreign: 3, suffix: 0 });
    expect(new Set(asked).size).toBe(asked.length);
    expect(readCyrillicWords(text, 5, 0, kind).words).toEqual({
      words: 1,
      fn: 0,
      long: 1,
      known: 0,
      foreign: 0,
      suffix: 0,
    });
  });

  it("reads the same after its kept words are dropped for room (more distinct words than it keeps)", () => {
    // More short words than the words kept and 20k long ones (longer than kept), in lines of 100 words.
    const short = MAX_WORDS + 20_000;
    const words = distinctWords(short, 20_000, 12);
    const kind = (w: string) => (w.charCodeAt(1) & 7) ^ (w.length & 2);
    for (let round = 0; round < 2; round++)
      for (let from = 0; from < words.length; from += 100) {
        const line = words.slice(from, from + 100);
        const text = line.join(" ");
        const r = readCyrillicWords(text, text.length, text.length, kind);
        expect(r.chars).toEqual(readChars(text, text.length));
        const kinds = line.map(kind);
        expect(r.words).toEqual({
          words: line.length,
          fn: kinds.filter((k) => k & 1).length,
          long: line.length,
          known: kinds.filter((k) => k & 2).length,
          foreign: kinds.filter((k) => k & 4).length,
          suffix: 0,
        });
      }
  });

  it("counts an ending hyphened to a Latin name or a Cyrillic abbreviation, not to a digit or a word", () => {
    const bare = (w: string) => (w === "ро" || w === "и" ? 16 : 0);
    const count = (t: string) => readCyrillicWords(t, 1000, 0, bare).words.suffix;
    expect(count("PDF-ро, Star-и, МД-и")).toBe(3);
    expect(count("2-ро ниво, Мд-и, ро и")).toBe(0);
  });
});
