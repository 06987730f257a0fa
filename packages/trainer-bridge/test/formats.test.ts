import { describe, expect, it } from "vitest";
import {
  CORPUS_FORMATS,
  formatForFlag,
  TRAINER_FORMATS,
  trainableFormats,
  trainerFormat,
} from "../src/index.js";

describe("the trainer format registry", () => {
  it("names each format once and maps --format (and --mds-column) to it", () => {
    const names = TRAINER_FORMATS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    // The help's list (defaults.ts loads no library) names exactly the registry's --format values.
    expect([...CORPUS_FORMATS]).toEqual([...new Set(TRAINER_FORMATS.map((f) => f.flag))]);
    expect(formatForFlag("mds", "text").name).toBe("mds-text");
    expect(formatForFlag("mds").name).toBe("mds-tokens");
    expect(formatForFlag("megatron")).toBe(trainerFormat("megatron"));
  });

  it("says which formats hold token ids and which continued pretraining reads", () => {
    expect(TRAINER_FORMATS.filter((f) => f.tokenized).map((f) => f.name)).toEqual(["megatron", "mds-tokens"]);
    expect(trainableFormats()).toEqual(["parquet", "jsonl", "megatron"]);
    expect(trainerFormat("sft")).toBeUndefined();
  });
});
