import type { ChatMessage } from "../samples/schema.js";
import { turnsText, type Verdict } from "./verdict.js";

/**
 * What refusals and model self-talk look like in the languages a teacher model answers in. Matched on the
 * lowercased answer; Russian-keyboard spellings of the Tajik phrases are included (х for ҳ, к for қ, ...).
 */
const REFUSALS: RegExp[] = [
  /ҳамчун (як )?(модели забонӣ|зеҳни сунъӣ|ёрдамчии)/u,
  /хамчун (як )?(модели забони|зехни сунъи)/u,
  /(ман|бубахшед,? ман) (ба ин савол )?(ҷавоб дода )?наметавонам/u,
  /(ман|бубахшед,? ман) (ба ин савол )?(чавоб дода )?наметавонам/u,
  /\bas an ai\b|\bi'?m sorry\b|\bi cannot\b|\bi can'?t (help|assist|answer)|\blanguage model\b/u,
  /как (языковая )?модель|я не могу|извините,? (но )?я|к сожалению,? я не/u,
];

/** Refusal: the teacher does not decline, apologise for being a model, or talk about itself as an AI. */
export function checkRefusal(messages: ChatMessage[]): Verdict {
  const text = turnsText(messages, "assistant").toLowerCase();
  for (const re of REFUSALS) {
    const m = text.match(re);
    if (m) return { check: "refusal", passed: false, score: null, detail: `refusal phrase: ${m[0]}` };
  }
  return { check: "refusal", passed: true, score: null, detail: null };
}
