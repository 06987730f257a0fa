import type { ChatMessage } from "../samples/schema.js";

/** One check's verdict on one sample, stored in sft_checks whether it passed or not. */
export interface Verdict {
  check: string;
  passed: boolean;
  score: number | null;
  detail: string | null;
}

/** The text of a dialogue's turns of one role, one turn per paragraph. */
export function turnsText(messages: ChatMessage[], role: ChatMessage["role"]): string {
  return messages
    .filter((m) => m.role === role)
    .map((m) => m.content)
    .join("\n\n");
}
