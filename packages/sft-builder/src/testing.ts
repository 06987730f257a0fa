// Samples for the review app's tests and bench (subpath @soro/sft-builder/testing; production code does not load it).
import type { ChatMessage, SftSample } from "./samples/schema.js";
import { sampleId } from "./samples/schema.js";

/** A sample queued for review, as a generator would have left it. */
export function queuedSample(
  task: string,
  subject: string | null,
  grade: number | null,
  messages: ChatMessage[],
  engine = "test",
): Omit<SftSample, "version"> {
  return {
    sample_id: sampleId(task, messages),
    task,
    subject,
    grade,
    source_doc_id: null,
    source_excerpt: null,
    messages,
    engine,
    template_version: "1",
    status: "queued",
  };
}

/** `count` distinct "explain this paragraph" samples over the given paragraphs, for review load runs. */
export function explainSamples(
  paras: string[],
  count: number,
  engine = "test",
): Array<Omit<SftSample, "version">> {
  return Array.from({ length: count }, (_, i) =>
    queuedSample(
      "explain",
      i % 2 ? "huquq" : "tarikh",
      5 + (i % 5),
      [
        { role: "user", content: `Саволи ${i + 1}: ин матнро шарҳ диҳед.\n${paras[i % paras.length]}` },
        { role: "assistant", content: `Ҷавоб ${i + 1}: ${paras[(i + 1) % paras.length]}` },
      ],
      engine,
    ),
  );
}
