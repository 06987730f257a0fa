import { isHeldOut, uiStrings } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { FNV_OFFSET, FNV_PRIME, fmix32, fnv1a, fnv1aTwoLanes, fnv1aUnits } from "../src/hash32.js";

const fnvStep = (h: number, unit: number): number => Math.imul(h ^ unit, FNV_PRIME);

describe("fnv1a", () => {
  it("gives the published FNV-1a 32-bit values on ASCII", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("folds UTF-16 code units, one per unit, surrogate halves included", () => {
    // "т" is U+0442; byte-wise FNV-1a would fold its two UTF-8 bytes instead.
    expect(fnv1a("т")).toBe(Math.imul(FNV_OFFSET ^ 0x0442, 0x01000193) >>> 0);
    expect(fnv1a("😀x")).toBe(fnv1aUnits(Uint16Array.of(0xd83d, 0xde00, 0x78)));
  });

  it("XORs a seed into the offset basis", () => {
    expect(fnv1a("", 0x27d4eb2d)).toBe((FNV_OFFSET ^ 0x27d4eb2d) >>> 0);
    expect(fnv1a("ab", 7)).toBe(fnvStep(fnvStep(FNV_OFFSET ^ 7, 97), 98) >>> 0);
  });

  it("hashes a range of units as the string of those units", () => {
    const text = "салом, ҷаҳон";
    const codes = Uint16Array.from(text, (c) => c.charCodeAt(0));
    expect(fnv1aUnits(codes, 7, 12)).toBe(fnv1a("ҷаҳон"));
    expect(fnv1aUnits(codes)).toBe(fnv1a(text));
    expect(fnv1aUnits(Uint32Array.of(0xffffffff, 1))).toBe(fnvStep(fnvStep(FNV_OFFSET, -1), 1) >>> 0);
  });

  it("is the hash of samples' held-out UI-string split, written out there", () => {
    const lines = uiStrings().lines.filter((l) => l.source === "libreoffice");
    const differ = lines.filter((l) => isHeldOut(l.text) !== fnv1a(l.text) % 10 >= 3);
    expect(differ).toEqual([]);
    // The split as it was made: a change here moves strings between tuning and held-out.
    expect([lines.length, lines.filter((l) => isHeldOut(l.text)).length]).toEqual([45534, 31980]);
  });
});

describe("fnv1aTwoLanes", () => {
  it("is FNV-1a of the even and the odd code units, mixed", () => {
    const even = fnvStep(fnvStep(FNV_OFFSET ^ 5, 0x0430), 0x0432);
    const odd = fnvStep(FNV_OFFSET, 0x0431);
    expect(fnv1aTwoLanes("абв", 5)).toBe((even ^ fmix32(odd)) >>> 0);
    expect(fnv1aTwoLanes("")).toBe((FNV_OFFSET ^ fmix32(FNV_OFFSET)) >>> 0);
  });

  it("tells apart lines that differ in one letter or in order", () => {
    const lines = uiStrings()
      .lines.map((l) => l.text)
      .slice(0, 20_000);
    const variants = lines.flatMap((l) => [
      l,
      `${l}.`,
      l.length > 1 ? `${l.charAt(1)}${l.charAt(0)}${l.slice(2)}` : l,
    ]);
    const distinct = new Set(variants);
    const hashes = new Set([...distinct].map((l) => fnv1aTwoLanes(l)));
    // 32-bit hashes of ~60k strings: a few collisions at most.
    expect(distinct.size - hashes.size).toBeLessThan(5);
  });
});

describe("fmix32", () => {
  it("is MurmurHash3's finaliser: fixed points and known values", () => {
    expect(fmix32(0)).toBe(0);
    // Values of the reference fmix32 (MurmurHash3_x86_32 of an empty key with these seeds finalises them).
    expect(fmix32(1)).toBe(0x514e28b7);
    expect(fmix32(0xffffffff)).toBe(0x81f16f39);
  });
});
