import type { ChatMessage } from "../samples/schema.js";
import type { Verdict } from "./verdict.js";

/** Format: the dialogue alternates learner and teacher, starting with the learner and ending with the teacher. */
export function checkFormat(messages: ChatMessage[]): Verdict {
  const turns = messages.filter((m) => m.role !== "system");
  const fail = (detail: string): Verdict => ({ check: "format", passed: false, score: null, detail });
  const [first] = turns;
  const last = turns.at(-1);
  if (!first || !last || turns.length < 2)
    return fail(`${turns.length} turn(s); a dialogue needs a question and an answer`);
  if (first.role !== "user") return fail("the first turn is not the learner's");
  if (last.role !== "assistant") return fail("the last turn is not the teacher's");
  for (const [i, turn] of turns.entries())
    if (i > 0 && turn.role === turns[i - 1]?.role)
      return fail(`turns ${i} and ${i + 1} are both ${turn.role}`);
  if (turns.some((m) => m.content.trim() === "")) return fail("an empty turn");
  return { check: "format", passed: true, score: turns.length, detail: null };
}
