import type { ChatMessage } from "../samples/schema.js";
import type { SeedChunk } from "./seeds.js";
import type { Task } from "./templates.js";

/** A generated example before its checks: the dialogue, its seed, and the source text its answer rests on. */
export interface Candidate {
  task: Task;
  messages: ChatMessage[];
  chunk: SeedChunk;
  /** The source sentences the answer uses, one a line (extractive), or the seed text (model engines). */
  excerpt: string;
  engine: string;
  templateVersion: string;
  /** Hash of the prompt sent to a model engine (null for the extractive engine). */
  promptHash: string | null;
}
