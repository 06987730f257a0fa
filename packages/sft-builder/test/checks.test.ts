import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { udhrParagraphs } from "@soro/samples";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type ChatMessage,
  CheckSuite,
  checkBenchmark,
  checkForeignAnswer,
  checkFormat,
  checkLanguage,
  checkLength,
  checkRefusal,
  checkScript,
  InstructionIndex,
  judgeScore,
  loadBenchmarkChecker,
  rougeL,
  rougeTokens,
} from "../src/index.js";

const QUESTION = "Моддаи якуми Эъломияро барои хонандаи синфи 9 фаҳмонед.";
const dialogue = (answer: string, question = QUESTION): ChatMessage[] => [
  { role: "user", content: question },
  { role: "assistant", content: answer },
];

let tgk: string[];
let rus: string[];
let pes: string[];
let eng: string[];
beforeAll(async () => {
  [tgk, rus, pes] = await Promise.all([
    udhrParagraphs("tgk"),
    udhrParagraphs("rus"),
    udhrParagraphs("pes_1"),
  ]);
  // English teacher answers are what a model falls back to; the demo has none, so take LibreOffice's sources.
  const { libreofficeTajikStrings } = await import("@soro/samples");
  eng = (await libreofficeTajikStrings()).filter((s) => s.en.split(" ").length >= 8).map((s) => s.en);
});

describe("language and script checks", () => {
  it("pass a Tajik answer and catch Russian, English and Persian-script answers", () => {
    expect(checkLanguage("explain", dialogue(tgk[8]!))).toMatchObject({ passed: true });
    expect(checkScript(dialogue(tgk[8]!))).toMatchObject({ passed: true });
    const ru = checkLanguage("explain", dialogue(rus[8]!));
    expect(ru.passed).toBe(false);
    expect(ru.detail).toMatch(/rus/);
    expect(checkLanguage("explain", dialogue(eng.slice(0, 3).join(" "))).passed).toBe(false);
    expect(checkScript(dialogue(eng.slice(0, 3).join(" "))).passed).toBe(false);
    const fa = checkScript(dialogue(pes[8]!));
    expect(fa.passed).toBe(false);
    expect(fa.detail).toMatch(/arabic/);
  });

  it("catch a Russian paragraph inside a Tajik answer, and a Russian learner turn except when rewording Russian", () => {
    // Three Tajik paragraphs and one Russian: the answer as a whole is Tajik; only the paragraph check sees the Russian.
    const mixed = dialogue(`${tgk[7]}\n${tgk[8]}\n${tgk[9]}\n${rus[10]}`);
    expect(checkLanguage("explain", mixed).passed).toBe(true);
    expect(checkForeignAnswer(mixed)).toMatchObject({ passed: false, detail: expect.stringMatching(/^rus/) });
    expect(checkForeignAnswer(dialogue(`${tgk[8]}\n${tgk[9]}`)).passed).toBe(true);
    // Half Russian: Tajik by label, but not sure enough to pass as a Tajik answer; the detail says why.
    const half = checkLanguage("explain", dialogue(`${tgk[8]}\n${tgk[9]}\n${rus[10]}`));
    expect(half.passed).toBe(false);
    expect(half.detail).toMatch(/P\(Tajik\) 0\.\d\d below 0\.5/);
    const reword = dialogue(tgk[10]!, `Ба тоҷикӣ баргардонед: ${rus[10]}`);
    expect(checkLanguage("ru_to_tg", reword).passed).toBe(true);
    expect(checkLanguage("explain", reword).detail).toMatch(/prompt reads as rus/);
  });
});

describe("format, length and refusal checks", () => {
  it("need a learner turn first and a teacher turn last, alternating", () => {
    expect(checkFormat(dialogue(tgk[8]!)).passed).toBe(true);
    expect(checkFormat([{ role: "assistant", content: tgk[8]! }]).passed).toBe(false);
    expect(checkFormat([...dialogue(tgk[8]!), { role: "user", content: QUESTION }]).detail).toMatch(
      /last turn/,
    );
  });

  it("bound the prompt and each answer", () => {
    expect(checkLength(dialogue(tgk[8]!)).passed).toBe(true);
    expect(checkLength(dialogue("Бале.")).detail).toMatch(/answer 5 chars/);
    expect(checkLength(dialogue(tgk.join("\n"))).passed).toBe(false);
    expect(checkLength(dialogue(tgk[8]!, "Чӣ?")).detail).toMatch(/prompt/);
  });

  it("catch refusals in Tajik (also typed without Tajik letters), Russian and English", () => {
    expect(checkRefusal(dialogue(tgk[8]!)).passed).toBe(true);
    for (const refusal of [
      `Бубахшед, ман ба ин савол ҷавоб дода наметавонам. ${tgk[8]}`,
      "Ҳамчун модели забонӣ ман фикри шахсӣ надорам.",
      "Хамчун модели забони ман фикри шахси надорам.",
      "Извините, я не могу ответить на этот вопрос.",
      "I'm sorry, but I cannot help with that.",
    ])
      expect(checkRefusal(dialogue(refusal)).passed, refusal).toBe(false);
  });
});

describe("near-duplicate instructions", () => {
  it("tokenize Tajik words (an [a-z0-9] tokenizer sees none and calls every Tajik pair identical)", () => {
    const a = rougeTokens(tgk[8]!);
    const b = rougeTokens(tgk[9]!);
    expect(a.length).toBeGreaterThan(10);
    expect(rougeL(a, b)).toBeLessThan(0.4);
    const ascii = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    expect(ascii(tgk[8]!)).toEqual(ascii(tgk[9]!));
  });

  it("find an instruction with a word changed, not an unrelated one", () => {
    const index = new InstructionIndex();
    for (const [i, p] of tgk.slice(8, 30).entries()) index.add(`p${i}`, rougeTokens(p));
    const edited = tgk[12]!.replace(/\p{L}+/u, "Ҳамаи");
    expect(index.nearest(rougeTokens(edited))).toMatchObject({ id: "p4" });
    expect(index.nearest(rougeTokens(tgk[40]!))).toBeNull();
  });

  it("reject the second of two near-identical samples of a task, but not the same text in another task", async () => {
    const suite = new CheckSuite();
    const first = await suite.check({
      sampleId: "a",
      task: "summary",
      grade: 9,
      messages: dialogue(tgk[9]!, `Хулоса кунед: ${tgk[8]}`),
    });
    expect(first.passed).toBe(true);
    const again = await suite.check({
      sampleId: "b",
      task: "summary",
      grade: 9,
      messages: dialogue(tgk[10]!, `Хулосаи кӯтоҳ кунед: ${tgk[8]}`),
    });
    expect(again.passed).toBe(false);
    expect(again.verdicts.find((v) => v.check === "near_duplicate")?.detail).toMatch(/with a$/);
    const other = await suite.check({
      sampleId: "c",
      task: "quiz",
      grade: 9,
      messages: dialogue(tgk[10]!, `Хулоса кунед: ${tgk[8]}`),
    });
    expect(other.passed).toBe(true);
    expect(first.verdicts.map((v) => v.check)).toEqual([
      "format",
      "length",
      "language",
      "script",
      "foreign_answer",
      "refusal",
      "near_duplicate",
    ]);
  });
});

describe("benchmark overlap and judge", () => {
  it("flag a sample that shares a long n-gram with a benchmark item", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-bench-"));
    await writeFile(
      path.join(dir, "tajik-mmlu.jsonl"),
      `${JSON.stringify({ id: "q1", question: tgk[20], answer: "А" })}\n`,
    );
    const b = await loadBenchmarkChecker(dir);
    expect(checkBenchmark(b, dialogue(tgk[21]!)).passed).toBe(true);
    const hit = checkBenchmark(b, dialogue(`${tgk[20]} ${tgk[21]}`));
    expect(hit).toMatchObject({ passed: false, detail: "tajik-mmlu:q1" });
  });

  it("reads the judge's last «Баҳо: N» line", () => {
    expect(judgeScore("Ҷавоб дуруст аст, вале кӯтоҳ.\nБаҳо: 4")).toBe(4);
    expect(judgeScore("Бахо: 2")).toBe(2);
    expect(judgeScore("**Баҳо:** 5")).toBe(5);
    expect(judgeScore("хуб")).toBeNull();
  });
});
