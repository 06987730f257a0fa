import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { estimatedJaccard, exactJaccard, foldForKey, MinHasher, UnionFind } from "../src/index.js";
import { editToJaccard, prng, withoutTajikLetters } from "./corpus.js";

describe("folding for keys", () => {
  it("folds case, punctuation, diacritics and Tajik letters typed as Russian ones to one key", async () => {
    const text = "Ҳар як инсон ҳуқуқ дорад, ки озодона ҳаёт ба сар барад; ӯ ҳамчунин Ҷамъият.";
    const hasher = await MinHasher.create();
    expect(hasher.exactKey(text)).toBe(
      hasher.exactKey(withoutTajikLetters(text).toUpperCase().replaceAll(",", " !")),
    );
    expect(foldForKey("Ҷӯра   ӣ, ё!")).toBe("чура и е");
    expect(hasher.exactKey("ҳам")).toBe(hasher.exactKey("хам")); // both words exist: the key merges them, never the text
  });
});

describe("MinHash", () => {
  it("estimates Jaccard of edited real Tajik paragraphs within a few points", async () => {
    const paragraphs = await udhrParagraphs("tgk");
    const base = paragraphs.slice(0, 12).join(" ");
    const pool = base.split(" ");
    const rnd = prng(3);
    const hasher = await MinHasher.create();
    const a = hasher.signature(base)!;
    const errors: number[] = [];
    for (const target of [0.95, 0.9, 0.8, 0.7, 0.5, 0.3]) {
      const edited = editToJaccard(base, target, pool, rnd);
      errors.push(Math.abs(estimatedJaccard(a, hasher.signature(edited)!) - exactJaccard(base, edited)));
    }
    expect(Math.max(...errors)).toBeLessThan(0.12);
    expect(errors.reduce((s, e) => s + e, 0) / errors.length).toBeLessThan(0.06);
  });

  it("is deterministic for a seed and has bands × rows values", async () => {
    const one = await MinHasher.create({ bands: 4, rows: 3 });
    const two = await MinHasher.create({ bands: 4, rows: 3 });
    const text = "Ҳама одамон озод ба дунё меоянд ва дорои ҳуқуқу шаъну шарафи баробаранд.";
    expect(Array.from(one.signature(text)!)).toEqual(Array.from(two.signature(text)!));
    expect(one.signature(text)!.length).toBe(12);
    expect(one.signature("  ,. ")).toBeNull();
  });
});

describe("union-find", () => {
  it("joins chains into one component", () => {
    const uf = new UnionFind(6);
    uf.union(0, 1);
    uf.union(2, 1);
    uf.union(4, 5);
    expect(uf.find(0)).toBe(uf.find(2));
    expect(uf.find(3)).toBe(3);
    expect(uf.find(4)).toBe(uf.find(5));
    expect(uf.find(0)).not.toBe(uf.find(4));
  });
});
