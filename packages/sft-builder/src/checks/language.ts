import { identifyLanguage, scriptShares } from "@soro/normalize";
import type { ChatMessage } from "../samples/schema.js";
import { turnsText, type Verdict } from "./verdict.js";

/** Lowest probability of Tajik the teacher's answers may have. */
export const MIN_TAJIK = 0.5;
/** Lowest share of Cyrillic among the letters of the answers (a formula or a Latin name may remain). */
export const MIN_CYRILLIC = 0.9;
/** Paragraphs shorter than this (letters) are too short to call their language on their own. */
const MIN_PARAGRAPH_LETTERS = 40;

/** Tasks whose learner turns may hold another language (the Russian text to reword). */
const FOREIGN_PROMPT_TASKS = new Set(["ru_to_tg"]);

/**
 * Language: the teacher's turns are Tajik (normalize's language ID), and so are the learner's unless the task
 * is to reword Russian.
 */
export function checkLanguage(task: string, messages: ChatMessage[]): Verdict {
  const answer = identifyLanguage(turnsText(messages, "assistant"));
  if (answer.lang !== "tgk" || answer.tgk < MIN_TAJIK)
    return {
      check: "language",
      passed: false,
      score: answer.tgk,
      detail:
        answer.lang === "tgk"
          ? `answer reads as tgk, but P(Tajik) ${answer.tgk.toFixed(2)} below ${MIN_TAJIK}`
          : `answer reads as ${answer.lang} (${answer.score.toFixed(2)})`,
    };
  if (!FOREIGN_PROMPT_TASKS.has(task)) {
    const prompt = identifyLanguage(turnsText(messages, "user"));
    if (prompt.lang !== "tgk" && prompt.lang !== "und")
      return {
        check: "language",
        passed: false,
        score: answer.tgk,
        detail: `prompt reads as ${prompt.lang} (${prompt.score.toFixed(2)})`,
      };
  }
  return { check: "language", passed: true, score: answer.tgk, detail: null };
}

/** Script: the teacher's turns are written in Cyrillic. */
export function checkScript(messages: ChatMessage[]): Verdict {
  const s = scriptShares(turnsText(messages, "assistant"));
  const passed = s.letters > 0 && s.cyrl >= MIN_CYRILLIC;
  return {
    check: "script",
    passed,
    score: s.cyrl,
    detail: passed
      ? null
      : `script ${s.script}: cyrillic ${(s.cyrl * 100).toFixed(0)}%, latin ${(s.latn * 100).toFixed(0)}%, arabic ${(s.arab * 100).toFixed(0)}%`,
  };
}

/** Foreign answer: no paragraph of the teacher's turns is Russian or English, even inside a Tajik answer. */
export function checkForeignAnswer(messages: ChatMessage[]): Verdict {
  for (const para of turnsText(messages, "assistant").split(/\n+/)) {
    if (scriptShares(para).letters < MIN_PARAGRAPH_LETTERS) continue;
    const r = identifyLanguage(para);
    if (r.lang === "rus" || r.lang === "eng")
      return {
        check: "foreign_answer",
        passed: false,
        score: r.score,
        detail: `${r.lang} paragraph: ${para.slice(0, 80)}`,
      };
  }
  return { check: "foreign_answer", passed: true, score: null, detail: null };
}
