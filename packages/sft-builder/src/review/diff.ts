import { diffWordsWithSpace } from "diff";
import type { ChatMessage } from "../samples/schema.js";

/** A run of text that is the same in both versions, only in the original (removed) or only in the edit (added). */
export interface DiffPart {
  op: "same" | "removed" | "added";
  text: string;
}

/** Word-level differences between the original and edited messages, turn by turn (same roles, same order). */
export function diffMessages(
  original: ChatMessage[],
  edited: ChatMessage[],
): Array<{ role: string; parts: DiffPart[] }> {
  return edited.map((m, i) => ({
    role: m.role,
    parts: diffWordsWithSpace(original[i]?.content ?? "", m.content).map((p) => ({
      op: p.added ? "added" : p.removed ? "removed" : "same",
      text: p.value,
    })),
  }));
}
