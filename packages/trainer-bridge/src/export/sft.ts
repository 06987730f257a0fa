import { createHash } from "node:crypto";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { openScratchDb, SoroError, sqlString } from "@soro/core";
import { SFT_FORMATS, type SftFormat } from "../defaults.js";
import { type Message, renderGemma3 } from "./chat.js";

/** One SFT sample: an id (derived from the messages when absent) and its messages. */
export interface SftSample {
  id: string;
  messages: Message[];
}

/** Reads OpenAI-style `{"messages": [...]}` JSONL, naming the file and line of a bad record. */
export async function readSftJsonl(file: string): Promise<SftSample[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new SoroError(
      `soro bridge: cannot read ${file} (${(err as Error).message})`,
      "pass a JSONL file of {messages}",
      2,
    );
  }
  const out: SftSample[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let rec: { id?: unknown; messages?: unknown };
    try {
      rec = JSON.parse(line);
    } catch {
      throw new SoroError(`soro bridge: ${file}:${i + 1} is not JSON`, "one JSON object per line", 2);
    }
    const msgs = rec.messages;
    if (
      !Array.isArray(msgs) ||
      msgs.length === 0 ||
      !msgs.every((m) => ["system", "user", "assistant"].includes(m?.role) && typeof m?.content === "string")
    ) {
      throw new SoroError(
        `soro bridge: ${file}:${i + 1} has no valid messages`,
        'write {"messages": [{"role": "user"|"assistant"|"system", "content": "..."}]}',
        2,
      );
    }
    renderGemma3(msgs as Message[]);
    const id =
      typeof rec.id === "string"
        ? rec.id
        : createHash("sha256").update(JSON.stringify(msgs)).digest("hex").slice(0, 32);
    out.push({ id, messages: msgs as Message[] });
  });
  return out;
}

/**
 * Splits samples into SFT and a calibration hold-out by a hash of the id (stable however the file is ordered), so
 * GPTQ/AWQ calibration never sees training or evaluation samples.
 */
export function holdOut(
  samples: SftSample[],
  count: number,
): { train: SftSample[]; calibration: SftSample[] } {
  const key = (s: SftSample) => createHash("sha256").update(`calibration:${s.id}`).digest("hex");
  const ranked = [...samples].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const held = new Set(ranked.slice(0, Math.min(count, Math.floor(samples.length / 2))).map((s) => s.id));
  return {
    train: samples.filter((s) => !held.has(s.id)),
    calibration: samples.filter((s) => held.has(s.id)),
  };
}

/** ShareGPT form (LLaMA-Factory): `conversations` of human/gpt turns, system text in its own field. */
export function toShareGpt(s: SftSample): {
  conversations: Array<{ from: string; value: string }>;
  system?: string;
} {
  const system = s.messages.find((m) => m.role === "system")?.content;
  const conversations = s.messages
    .filter((m) => m.role !== "system")
    .map((m) => ({ from: m.role === "user" ? "human" : "gpt", value: m.content }));
  return system === undefined ? { conversations } : { conversations, system };
}

/** Alpaca form (LLaMA-Factory): the last exchange as instruction/output, earlier ones as history pairs. */
export function toAlpaca(s: SftSample): {
  instruction: string;
  input: string;
  output: string;
  system: string;
  history: string[][];
} {
  const turns = s.messages.filter((m) => m.role !== "system");
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < turns.length; i += 2)
    pairs.push([turns[i]?.content ?? "", turns[i + 1]?.content ?? ""]);
  const [instruction, output] = pairs.pop() ?? [turns[0]?.content ?? "", ""];
  return {
    instruction,
    input: "",
    output,
    system: s.messages.find((m) => m.role === "system")?.content ?? "",
    history: pairs,
  };
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");

export { SFT_FORMATS, type SftFormat };

/** A sample in one trainer form (without its id). */
export function sftRecord(s: SftSample, format: SftFormat): Record<string, unknown> {
  if (format === "sharegpt") return toShareGpt(s);
  if (format === "alpaca") return toAlpaca(s);
  return { messages: s.messages };
}

/** Every sample rendered with Gemma 3's chat template under a `### id` line: what the trainer will see. */
export function gemmaPreview(samples: SftSample[]): string {
  return samples.map((s) => `### ${s.id}\n${renderGemma3(s.messages)}`).join("\n");
}

/**
 * Writes samples in one trainer form as `sft-<format>.jsonl` and `sft-<format>.parquet` (none when there are no
 * samples) under `out`, with `gemma3.txt`, each record holding the id, the form's fields and `fields(sample)`.
 * Returns the files written. `tmpDir` holds DuckDB's scratch files for the Parquet conversion.
 */
export async function writeSftForm<T extends SftSample>(
  out: string,
  samples: T[],
  format: SftFormat,
  opts: { tmpDir: string; fields?: (s: T) => Record<string, unknown> },
): Promise<string[]> {
  if (!SFT_FORMATS.includes(format))
    throw new SoroError(`soro sft export: unknown --format ${format}`, `use ${SFT_FORMATS.join(", ")}`, 2);
  await mkdir(out, { recursive: true });
  const file = path.join(out, `sft-${format}.jsonl`);
  const parquet = path.join(out, `sft-${format}.parquet`);
  const gemma = path.join(out, "gemma3.txt");
  const records = samples.map((s) => ({ id: s.id, ...sftRecord(s, format), ...opts.fields?.(s) }));
  await writeFile(file, jsonl(records));
  await writeFile(gemma, gemmaPreview(samples));
  const files = [file, gemma];
  await rm(parquet, { force: true });
  if (samples.length) {
    const db = await openScratchDb(opts.tmpDir);
    try {
      await db.conn.run(
        `COPY (SELECT * FROM read_json(${sqlString(file)}, format = 'newline_delimited'))
         TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`,
      );
    } finally {
      db.conn.closeSync();
      db.instance.closeSync();
    }
    files.push(parquet);
  }
  return files;
}

/**
 * Writes SFT data in every trainer's form under `sft/`: messages.jsonl (TRL, axolotl), sharegpt.json and alpaca.json
 * with LLaMA-Factory's dataset_info.json, and gemma3.txt (each sample rendered with Gemma 3's template, for checking).
 */
export async function writeSft(out: string, train: SftSample[]): Promise<void> {
  const dir = path.join(out, "sft");
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, "messages.jsonl"),
    jsonl(train.map((s) => ({ id: s.id, ...sftRecord(s, "messages") }))),
  );
  for (const form of ["sharegpt", "alpaca"] as const)
    await writeFile(
      path.join(dir, `${form}.json`),
      JSON.stringify(
        train.map((s) => sftRecord(s, form)),
        null,
        1,
      ),
    );
  const info = {
    soro_tajik_sharegpt: {
      file_name: "sharegpt.json",
      formatting: "sharegpt",
      columns: { messages: "conversations", system: "system" },
      tags: { role_tag: "from", content_tag: "value", user_tag: "human", assistant_tag: "gpt" },
    },
    soro_tajik_alpaca: {
      file_name: "alpaca.json",
      columns: {
        prompt: "instruction",
        query: "input",
        response: "output",
        system: "system",
        history: "history",
      },
    },
  };
  await writeFile(path.join(dir, "dataset_info.json"), `${JSON.stringify(info, null, 2)}\n`);
  await writeFile(path.join(dir, "gemma3.txt"), gemmaPreview(train));
}
