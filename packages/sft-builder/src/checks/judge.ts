import type { ChatMessage } from "../samples/schema.js";
import type { OpenAIEngine } from "../synth/openai.js";
import { fill } from "../synth/templates.js";
import type { Verdict } from "./verdict.js";

/** An optional LLM judge: an engine, its prompt (templates' `judge`) and the lowest passing score (1..5). */
export interface Judge {
  engine: OpenAIEngine;
  prompt: string;
  minScore: number;
}

/** The score on the judge's «Баҳо: N» line (the last one if it wrote several), or null. */
export function judgeScore(answer: string): number | null {
  const all = [...answer.matchAll(/ба[ҳх]о\s*[:：-]?\s*\**\s*([1-5])/giu)];
  const last = all.at(-1);
  return last ? Number(last[1]) : null;
}

/** Judge: a teacher model scores the dialogue; passes at `minScore` or above. The judge's reasoning is kept. */
export async function checkJudge(
  judge: Judge,
  grade: number | null,
  messages: ChatMessage[],
): Promise<Verdict> {
  const dialogue = messages
    .filter((m) => m.role !== "system")
    .map((m) => `${m.role === "user" ? "Хонанда" : "Муаллим"}: ${m.content}`)
    .join("\n\n");
  const answer = await judge.engine.chat([
    { role: "system", content: fill(judge.prompt, { grade: grade ?? "" }) },
    { role: "user", content: dialogue },
  ]);
  const score = judgeScore(answer.content);
  if (score === null)
    return {
      check: "judge",
      passed: false,
      score: null,
      detail: `no «Баҳо: N» in: ${answer.content.slice(0, 120)}`,
    };
  return { check: "judge", passed: score >= judge.minScore, score, detail: answer.content.slice(0, 300) };
}
