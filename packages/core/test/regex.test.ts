import { describe, expect, it } from "vitest";
import { escapeRegex } from "../src/regex.js";

describe("escapeRegex", () => {
  const punct = [..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];

  it("makes every ASCII punctuation mark match only itself, in a pattern and in a class", () => {
    for (const c of punct) {
      const alone = new RegExp(`^${escapeRegex(`a${c}b`)}$`, "i");
      expect(alone.test(`a${c}b`)).toBe(true);
      expect(alone.test("axb")).toBe(false);
      const cls = new RegExp(`^[${escapeRegex(c)}x]$`, "u");
      expect(cls.test(c)).toBe(true);
      expect(punct.filter((d) => d !== c && cls.test(d))).toEqual([]);
    }
  });
});
