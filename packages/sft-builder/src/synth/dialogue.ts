import type { ChatMessage } from "../samples/schema.js";
import type { SeedChunk } from "./seeds.js";
import { chunkText } from "./seeds.js";
import { fill, type Task, type TemplateSet } from "./templates.js";

/** Speaker labels the templates ask the model for, with the Russian-keyboard spellings a model may produce. */
const SPEAKERS: Array<[RegExp, ChatMessage["role"]]> = [
  [/^(хонанда|шогирд|донишҷӯ|донишчу)\s*:\s*/iu, "user"],
  [/^(муаллим|омӯзгор|омузгор)\s*:\s*/iu, "assistant"],
];

/**
 * Turns a model's dialogue («Хонанда: ...» / «Муаллим: ...» lines, continuation lines belong to the turn above)
 * into chat messages. Markdown around a label (`**Хонанда:**`, `- `) is tolerated; text before the first label
 * is dropped. Null when there is no labelled turn at all.
 */
export function parseDialogue(text: string): ChatMessage[] | null {
  const turns: ChatMessage[] = [];
  for (const raw of text.split("\n")) {
    const line = raw
      .replace(/^[\s>#*_-]+/, "")
      .replace(/^(\p{L}+)\s*[*_]+\s*:/u, "$1:")
      .replace(/^(\p{L}+:)[*_]+/u, "$1");
    const speaker = SPEAKERS.find(([re]) => re.test(line));
    if (speaker) {
      const content = line.replace(speaker[0], "").trim();
      const last = turns.at(-1);
      if (last?.role === speaker[1]) last.content += `\n${content}`;
      else turns.push({ role: speaker[1], content });
    } else {
      const last = turns.at(-1);
      if (last) last.content += `\n${raw.trimEnd()}`;
    }
  }
  for (const t of turns) t.content = t.content.trim();
  return turns.length > 0 ? turns : null;
}

/** The messages sent to a teacher model for one task on one seed chunk. */
export function teacherPrompt(t: TemplateSet, task: Task, chunk: SeedChunk): ChatMessage[] {
  const values = { subject: chunk.subject || "—", grade: chunk.grade ?? "", text: chunkText(chunk) };
  return [
    { role: "system", content: t.system },
    {
      role: "user",
      content: `${fill(t.tasks[task].prompt, values)}\n\n${t.format}\n\n${fill(t.seed, values)}`,
    },
  ];
}
