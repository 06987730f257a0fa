import type { ChatMessage } from "../samples/schema.js";
import type { Verdict } from "./verdict.js";

/** Length bounds in characters: the learner's turns together, and each teacher turn. */
export interface LengthBounds {
  promptMin: number;
  promptMax: number;
  answerMin: number;
  answerMax: number;
}

/** Defaults: a prompt from a short question to a page of text; an answer from a sentence to about two pages. */
export const DEFAULT_LENGTHS: LengthBounds = {
  promptMin: 10,
  promptMax: 6000,
  answerMin: 20,
  answerMax: 8000,
};

/** Length: the learner's turns together, and each teacher turn, are within bounds. */
export function checkLength(messages: ChatMessage[], b: LengthBounds = DEFAULT_LENGTHS): Verdict {
  const fail = (detail: string) => ({ check: "length", passed: false, score: null, detail });
  const turns = messages.filter((m) => m.role !== "system");
  const prompt = turns.filter((m) => m.role === "user").reduce((n, m) => n + m.content.trim().length, 0);
  if (prompt < b.promptMin || prompt > b.promptMax)
    return fail(`prompt ${prompt} chars, bounds ${b.promptMin}..${b.promptMax}`);
  for (const m of turns.filter((x) => x.role === "assistant")) {
    const n = m.content.trim().length;
    if (n < b.answerMin || n > b.answerMax)
      return fail(`answer ${n} chars, bounds ${b.answerMin}..${b.answerMax}`);
  }
  return { check: "length", passed: true, score: prompt, detail: null };
}
