import { foldTajik } from "@soro/normalize";
import { EXTRACTIVE_TASKS } from "../defaults.js";
import type { ChatMessage } from "../samples/schema.js";
import type { Candidate } from "./candidate.js";
import type { SeedChunk } from "./seeds.js";
import { fill, type Task, type TemplateSet } from "./templates.js";
import { sentences, words } from "./text.js";

// Tasks the extractive engine can mine from curriculum text: worked solutions and translation need a model.
export { EXTRACTIVE_TASKS };

/** Tajik function words: never a blank in a quiz, never a summary keyword. */
const FUNCTION_WORDS = new Set(
  "ва дар аз ба ки бо аст ин он ҳам барои мебошад буд шуд карда мешавад низ ҳар як бояд ё чи то ҳеҷ худ онҳо ӯ дорад доранд набояд бошад шавад гардад намояд кунад".split(
    " ",
  ),
);

/** A Tajik-only letter: sentences rich in them make good "typed on a Russian keyboard" exercises. */
const TAJIK_LETTER = /[ҳҷқғӯӣҲҶҚҒӮӢ]/gu;

/** A question with its answer sentence, mined from one sentence. */
interface Pair {
  question: string;
  answer: string;
  /** Index of the answer sentence in the chunk's sentence list. */
  at: number;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const stripEnd = (s: string) => s.replace(/[.;:!]+$/, "");

/**
 * Questions the sentence itself answers: definitions (`X — Y`, `X он аст, ки Y`), rights (`X ба Y ҳақ дорад` asks
 * `X ба чӣ ҳақ дорад?`; `X ҳақ дорад, ки Y` asks `Оё x ҳақ дорад, ки Y?`), and an explicit question followed by
 * its answer.
 */
function minePairs(list: string[], grade: string, t: TemplateSet): Pair[] {
  const pairs: Pair[] = [];
  list.forEach((s, at) => {
    const body = stripEnd(s);
    const def =
      body.match(/^([^,—–]{2,60}?)\s+[—–]\s+(.{10,})$/u) ??
      body.match(/^([^,]{2,60}?)\s+он аст, ки\s+(.{10,})$/u);
    const term = def?.[1];
    if (term && words(term).length <= 5) {
      pairs.push({
        question: fill(t.extractive.definition, { term: term.trim(), grade }),
        answer: fill(t.extractive.definition_answer, { answer: s }),
        at,
      });
      return;
    }
    const [, holder, , right, verb] =
      body.match(/^(.+?)(?<=\s)ба\s+(.+?)\s+(ҳақ|ҳуқуқ)\s+(дорад|доранд)$/u) ?? [];
    if (holder) {
      pairs.push({ question: `${holder.trim()} ба чӣ ${right} ${verb}?`, answer: s, at });
      return;
    }
    const [, subject, noun, has, rest = ""] =
      body.match(/^(.+?)\s+(ҳақ|ҳуқуқ)\s+(дорад|доранд),?\s+(.{10,})$/u) ?? [];
    if (subject) {
      pairs.push({
        question: `Оё ${lowerFirst(subject.trim())} ${noun} ${has}, ки ${rest.replace(/^ки\s+/, "")}?`,
        answer: `Бале. ${s}`,
        at,
      });
      return;
    }
    const next = list[at + 1];
    if (s.endsWith("?") && next && !next.endsWith("?"))
      pairs.push({ question: s, answer: fill(t.extractive.question_answer, { answer: next }), at: at + 1 });
  });
  return pairs;
}

/** Cloze items: the longest content word of up to three sentences, blanked, with the answer key. */
function quiz(list: string[], t: TemplateSet): { user: string; answer: string; used: string[] } | null {
  const items: Array<{ text: string; key: string; full: string }> = [];
  for (const s of list) {
    const ws = words(s);
    if (ws.length < 6) continue;
    const key = ws
      .slice(1)
      .filter(
        (w) => w.length >= 5 && !FUNCTION_WORDS.has(w.toLowerCase()) && !items.some((it) => it.key === w),
      )
      .sort((a, b) => b.length - a.length)[0];
    if (!key) continue;
    items.push({ text: s.replace(new RegExp(`(?<!\\p{L})${key}(?!\\p{L})`, "u"), "_____"), key, full: s });
    if (items.length === 3) break;
  }
  if (items.length < 2) return null;
  return {
    user: fill(t.extractive.quiz, { items: items.map((it, i) => `${i + 1}. ${it.text}`).join("\n") }),
    answer: fill(t.extractive.quiz_answer, {
      keys: items.map((it, i) => `${i + 1}. ${it.key}`).join("\n"),
      full: items.map((it, i) => `${i + 1}. ${it.full}`).join("\n"),
    }),
    used: items.map((it) => it.full),
  };
}

/** The one or two sentences that share most content words with the rest of the chunk, in their order. */
function central(list: string[]): string[] {
  const freq = new Map<string, number>();
  const content = (s: string) => words(s.toLowerCase()).filter((w) => w.length > 3 && !FUNCTION_WORDS.has(w));
  for (const s of list) for (const w of new Set(content(s))) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = list.map((s, i) => {
    const ws = content(s);
    return { i, score: ws.reduce((a, w) => a + (freq.get(w) ?? 0), 0) / Math.sqrt(Math.max(1, ws.length)) };
  });
  const keep = scored
    .sort((a, b) => b.score - a.score)
    .slice(0, list.length >= 5 ? 2 : 1)
    .map((x) => x.i)
    .sort((a, b) => a - b);
  return keep.flatMap((i) => list[i] ?? []);
}

/** The sentence as a pupil typing on a Russian keyboard would write it, with the words that changed. */
function misspell(s: string): { text: string; fixes: Array<[string, string]> } {
  const fixes: Array<[string, string]> = [];
  const text = s.replace(/\p{L}+/gu, (w) => {
    const bad = foldTajik(w);
    if (bad !== w && !fixes.some(([b]) => b === bad)) fixes.push([bad, w]);
    return bad;
  });
  return { text, fixes };
}

const turn = (role: ChatMessage["role"], content: string): ChatMessage => ({ role, content });

/**
 * Mines examples from one seed chunk with no model: definitions and rights questions answered by their own
 * sentence (explain), cloze quizzes with an answer key, a summary from the most central sentences, a pupil's
 * Russian-keyboard misspellings corrected, and a follow-up turn answered by the next sentence. Every answer is
 * text of the chunk.
 */
export function mineChunk(chunk: SeedChunk, tasks: Task[], t: TemplateSet): Candidate[] {
  const list = chunk.paragraphs.flatMap(sentences);
  const grade = chunk.grade === null ? "" : String(chunk.grade);
  const out: Candidate[] = [];
  const add = (task: Task, messages: ChatMessage[], excerpt: string[]) =>
    out.push({
      task,
      messages,
      chunk,
      excerpt: excerpt.join("\n"),
      engine: "extractive",
      templateVersion: t.version,
      promptHash: null,
    });
  const pairs = minePairs(list, grade, t);
  if (tasks.includes("explain"))
    for (const p of pairs)
      add("explain", [turn("user", p.question), turn("assistant", p.answer)], list.slice(p.at, p.at + 1));
  if (tasks.includes("followup"))
    for (const p of pairs) {
      const next = list[p.at + 1];
      if (!next || next.endsWith("?")) continue;
      add(
        "followup",
        [
          turn("user", p.question),
          turn("assistant", p.answer),
          turn("user", t.extractive.followup),
          turn("assistant", fill(t.extractive.followup_answer, { answer: next })),
        ],
        [...list.slice(p.at, p.at + 1), next],
      );
    }
  if (tasks.includes("quiz")) {
    const q = quiz(list, t);
    if (q) add("quiz", [turn("user", q.user), turn("assistant", q.answer)], q.used);
  }
  if (tasks.includes("summary") && list.length >= 3) {
    const keep = central(list);
    add(
      "summary",
      [
        turn("user", fill(t.extractive.summary, { text: chunk.paragraphs.join("\n") })),
        turn("assistant", fill(t.extractive.summary_answer, { answer: keep.join(" ") })),
      ],
      keep,
    );
  }
  if (tasks.includes("correct_mistakes")) {
    const picked = list
      .filter((s) => (s.match(TAJIK_LETTER)?.length ?? 0) >= 3 && s.length <= 300)
      .slice(0, 2);
    if (picked.length > 0) {
      const m = misspell(picked.join(" "));
      add(
        "correct_mistakes",
        [
          turn("user", fill(t.extractive.correct_mistakes, { text: m.text })),
          turn(
            "assistant",
            fill(t.extractive.correct_mistakes_answer, {
              fixes: m.fixes
                .slice(0, 10)
                .map(([bad, good]) => `${bad} → ${good}`)
                .join("\n"),
              answer: picked.join(" "),
            }),
          ),
        ],
        picked,
      );
    }
  }
  return out;
}
