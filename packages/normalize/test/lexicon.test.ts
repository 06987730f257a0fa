import { tajikTextLines } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { forEachWord } from "../src/letters.js";
import { defaultLexicon, Lexicon } from "../src/lexicon.js";
import { buildLexicon } from "../src/lexicon-build.js";

/** `hitRate` as a string per word: each word lower-cased and looked up in the lexicon's map. */
function hitRateByStrings(lexicon: Lexicon, text: string, maxWords = 300): number {
  let seen = 0;
  let hits = 0;
  forEachWord(text, (start, end) => {
    if (end - start < 2) return true;
    seen++;
    if (lexicon.has(text.slice(start, end).toLowerCase())) hits++;
    return seen < maxWords;
  });
  return seen === 0 ? 0 : hits / seen;
}

describe("the lexicon's hit rate", () => {
  it("finds the words a lower-cased string per word finds", () => {
    const lexicon = defaultLexicon();
    const real = tajikTextLines("komdil_payom.txt").slice(0, 300);
    const odd = [
      "ҲУКУМАТИ ҶУМҲУРИИ ТОҶИКИСТОН ва ҳукумати",
      "İSTANBUL istanbul ΣΟΦΊΑ σοφία ΟΔΟΣ",
      "Мактаб\u0301 ва мактаб, 𐐀𐐨 𐐨𐐨 сол",
      "ЊАМАИ ЊУЌУЌЊО ЊИФЗ ШУДААНД",
      "ҳамаи ҳуқуқҳо ҳифз шудаанд Ҳамаи",
    ];
    for (const text of [...real, ...odd])
      expect(lexicon.hitRate(text), text).toBe(hitRateByStrings(lexicon, text));
    // Forms outside Cyrillic and ASCII: a lexicon that has them finds them in any case.
    const greek = new Lexicon(
      new Map([
        ["σοφία", 1],
        ["i̇stanbul", 1],
        ["𐐨𐐨", 1],
        // ΟΔΟΣ lowers with a final sigma.
        ["οδος", 1],
      ]),
    );
    for (const text of odd) expect(greek.hitRate(text), text).toBe(hitRateByStrings(greek, text));
    expect(greek.hitRate("ΣΟΦΊΑ İSTANBUL 𐐀𐐀")).toBe(1);
  });
});

describe("buildLexicon", () => {
  it("drops a listed form typed without Tajik letters beside its Tajik spelling, unless the texts attest it", () => {
    const listed = ["ҳадафҳо", "хадафхо", "кор", "қор", "корҳо", "кори"];
    const { lexicon } = buildLexicon([], listed);
    expect(lexicon.has("ҳадафҳо")).toBe(true);
    // A tie of paradigms goes to the Tajik spelling: typists drop Tajik letters, never add them.
    expect(lexicon.has("хадафхо")).toBe(false);
    // A form with a larger paradigm of its own stays beside its twin.
    expect(lexicon.has("кор")).toBe(true);
    // A final ӣ against и is the adjective against the ezafe, both words.
    expect(buildLexicon([], ["порталӣ", "портали"]).lexicon.has("портали")).toBe(true);
    expect(buildLexicon(["хадафхо ва ҳадафҳо"], listed).lexicon.has("хадафхо")).toBe(true);
  });
});
