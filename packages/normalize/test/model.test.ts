import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fnv1aUnits, SoroError } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { describe, expect, it } from "vitest";
import { findWorkspaceModel, workspaceModelPath } from "../src/catalog-model.js";
import { ChangeLog } from "../src/changes.js";
import { MAX_WORDS, readCyrillicWords, recordClears, TOUCH_WORDS } from "../src/cyrillic-words.js";
import { toPersianScript } from "../src/damage.js";
import { defaultModel, loadModel, saveModel } from "../src/model.js";
import { ModelCounter } from "../src/model-build.js";
import { normalizeText } from "../src/normalize.js";
import { persianLineToCyrillic } from "../src/persian-decode.js";
import { restoreTajikLetters } from "../src/restore.js";
import { codeMap } from "../src/word-table.js";
import { distinctWords } from "./distinct-words.js";

const model = defaultModel();
const restore = (s: string) => restoreTajikLetters(s, model, new ChangeLog());

/** A model ModelCounter counts from `lines` (source "test"), saved gzipped to a temp file, and its counter. */
async function savedModel(lines: string[]): Promise<{ counter: ModelCounter; file: string }> {
  const counter = new ModelCounter();
  counter.addText("test", "CC0", lines);
  const file = path.join(await mkdtemp(path.join(tmpdir(), "soro-model-")), "m.bin.gz");
  saveModel(
    file,
    { version: "t", sources: counter.sources, minBigram: 1, charOrder: 5 },
    counter.counts({ minBigram: 1 }),
  );
  return { counter, file };
}

describe("the shipped Tajik model", () => {
  it("names its version and sources", () => {
    expect(model.header.version).toMatch(/^reference-/);
    expect(model.header.sources.map((s) => s.name).join(" ")).toMatch(/Presidential Addresses.*dictionary/s);
    expect(model.count("ва")).toBeGreaterThan(1000);
  });

  it("scores a seen bigram above the same word after another word", () => {
    expect(model.score("ҷумҳурии", "тоҷикистон", 0.02)).toBeGreaterThan(
      model.score("китоб", "тоҷикистон", 0.02),
    );
    expect(model.charLog("китобҳо")).toBeGreaterThan(model.charLog("ҳқбтоки"));
  });

  it("saves and loads counts built by ModelCounter", async () => {
    const { counter, file } = await savedModel([
      "Ҳамаи одамон озод ба дунё меоянд.",
      "Ҳамаи одамон баробаранд.",
    ]);
    const m = loadModel(file);
    expect(m.count("одамон")).toBe(2);
    expect(m.word(m.id("одамон"))).toBe("одамон");
    expect(m.count("одамонҳо")).toBe(0);
    expect(m.score("ҳамаи", "одамон", 0.02)).toBeCloseTo(0); // seen every time after ҳамаи
    expect(m.header.sources[0]).toMatchObject({ name: "test", lines: 2, words: 9 });
    // Not compressed, the same model.
    saveModel(
      `${file}.raw`,
      { version: "t", sources: counter.sources, minBigram: 1, charOrder: 5 },
      counter.counts({ minBigram: 1 }),
      { gzip: 0 },
    );
    const raw = loadModel(`${file}.raw`);
    expect(raw.toCounts()).toEqual(m.toCounts());
    expect(raw.score("ҳамаи", "одамон", 0.02)).toBe(m.score("ҳамаи", "одамон", 0.02));
    // One byte changed in a table (no gzip CRC to catch it): the table's checksum does.
    const bytes = await readFile(`${file}.raw`);
    bytes[bytes.length - 8] = (bytes[bytes.length - 8] ?? 0) ^ 1;
    await writeFile(`${file}.flipped`, bytes);
    expect(() => loadModel(`${file}.flipped`)).toThrow(/damaged \(charCounts checksum\)/);
  });

  it("finds every word of the shipped vocabulary at its row", () => {
    const vocab = model.vocab;
    expect(vocab.length).toBe(model.size);
    for (let i = 0; i < vocab.length; i++) if (model.id(vocab[i] ?? "") !== i) throw new Error(`row ${i}`);
    expect(model.id("")).toBe(-1);
  });

  it("groups words by a key spelled letter by letter as a map of strings would", () => {
    // Vowels left out, ҳ read as х: every word but <s>, each group most frequent first.
    const vowels = "аеёиӣоуӯэюя";
    const map = codeMap([...[...vowels].map((v) => [v, ""] as [string, string]), ["ҳ", "х"]]);
    const key = (w: string) =>
      [...w]
        .filter((c) => !vowels.includes(c))
        .join("")
        .replaceAll("ҳ", "х");
    const bos = model.id("<s>");
    const groups = model.groups(map, (id) => id !== bos);
    const naive = new Map<string, number[]>();
    model.vocab.forEach((w, id) => {
      if (id !== bos) naive.set(key(w), [...(naive.get(key(w)) ?? []), id]);
    });
    for (const [k, ids] of naive) {
      ids.sort((a, b) => model.countAt(b) - model.countAt(a) || a - b);
      expect([...(groups.get(k) ?? [])]).toEqual(ids);
    }
    expect(groups.get("ъъъъъ")).toBeUndefined();
    expect(groups.ofWord(bos)).toBeUndefined(); // "<s>": no other word's key
    expect([...(groups.ofWord(model.id("а")) ?? [])]).toEqual(naive.get(""));
  });
});

describe("a missing, damaged or old model file", () => {
  it("is a one-line error naming the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-model-"));
    const missing = path.join(dir, "none.bin");
    const garbage = path.join(dir, "garbage.bin");
    const badGzip = path.join(dir, "bad.bin.gz");
    const truncated = path.join(dir, "truncated.bin");
    const old = path.join(dir, "old.bin.gz");
    const sized = path.join(dir, "sized.bin");
    await writeFile(garbage, "not a model at all");
    await writeFile(badGzip, Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    const head = 'soro-tajik-model\n{"format":2}\n';
    await writeFile(
      truncated,
      Buffer.concat([Buffer.from(head.padEnd(32)), Buffer.from([200, 0, 0, 0, 0, 0, 0, 0])]),
    );
    await writeFile(old, gzipSync(Buffer.from('soro-tajik-model\n{"format":1}\n\u0001\u0000')));
    // Eight tables, all empty but the offsets, which say there is one word: its code units are missing.
    const table = (words: number[]) => {
      const prefix = Buffer.alloc(8);
      const data = Buffer.alloc(Math.ceil(words.length / 2) * 8);
      for (const [i, w] of words.entries()) data.writeUInt32LE(w, 4 * i);
      // The loader's checksum: FNV-1a over the 32-bit words, padding included.
      const h = fnv1aUnits(Array.from({ length: data.length / 4 }, (_, i) => data.readUInt32LE(4 * i)));
      prefix.writeUInt32LE(4 * words.length);
      prefix.writeUInt32LE(h, 4);
      return Buffer.concat([prefix, data]);
    };
    await writeFile(
      sized,
      Buffer.concat([
        Buffer.from(head.padEnd(32)),
        table([]),
        table([0, 1]),
        ...Array.from({ length: 6 }, () => table([])),
      ]),
    );
    for (const [file, why] of [
      [missing, "no such file"],
      [garbage, "not a model file"],
      [badGzip, "unreadable"],
      [truncated, "truncated"],
      [old, "format 1, this version reads 2"],
      [sized, "section sizes disagree"],
    ] as const) {
      let error: unknown;
      try {
        loadModel(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SoroError);
      const line = (error as SoroError).oneLine();
      expect(line).toContain(file);
      expect(line).toContain(why);
      expect(line).not.toContain("\n");
      expect((error as SoroError).exitCode).toBe(3);
    }
  });
});

describe("a workspace's model learned before format 2", () => {
  it("is still found under its old name, so that loading it says to learn it again", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "soro-ws-"));
    expect(findWorkspaceModel(dir)).toBeUndefined();
    await mkdir(path.join(dir, "models"));
    const old = path.join(dir, "models", "tajik-model.bin.gz");
    await writeFile(old, gzipSync(Buffer.from('soro-tajik-model\n{"format":1}\n')));
    expect(findWorkspaceModel(dir)).toBe(old);
    expect(() => loadModel(old)).toThrow(/format 1, this version reads 2/);
    await writeFile(workspaceModelPath(dir), "");
    expect(findWorkspaceModel(dir)).toBe(workspaceModelPath(dir));
  });
});

describe("letter restoration on hard input", () => {
  it("restores whole lines, keeps case, and leaves Russian alone", () => {
    expect(restore("Хамаи одамон озод ба дунё меоянд ва аз лихози шаъну шараф баробаранд.")).toBe(
      "Ҳамаи одамон озод ба дунё меоянд ва аз лиҳози шаъну шараф баробаранд.",
    );
    expect(restore("ХАМАИ ОДАМОН ОЗОД БА ДУНЁ МЕОЯНД")).toBe("ҲАМАИ ОДАМОН ОЗОД БА ДУНЁ МЕОЯНД");
    const russian = "Все люди рождаются свободными и равными в своем достоинстве и правах.";
    expect(restore(russian)).toBe(russian);
  });

  it("leaves Uzbek, Kazakh, Kyrgyz and Tatar documents alone, on their lines without their own letters too", async () => {
    for (const code of ["uzn_cyrl", "kaz", "kir", "tat"] as const) {
      const doc = (await udhrParagraphs(code)).join("\n");
      expect(restore(doc)).toBe(doc);
    }
  });

  it("leaves words mixing scripts, URLs and numbers alone", () => {
    expect(restore("Сайти https://president.tj ва хукумат 2019")).toBe(
      "Сайти https://president.tj ва ҳукумат 2019",
    );
    expect(restore("Cалом")).toBe("Cалом"); // Latin C inside a Cyrillic word: no known form, nothing to restore
  });

  it("decodes a 1M-character line in linear time", () => {
    const sentence = "Хамаи одамон озод ба дунё меоянд ва аз лихози шаъну шараф баробаранд. ";
    const line = sentence.repeat(Math.ceil(1_000_000 / sentence.length));
    const t0 = performance.now();
    const out = restore(line);
    expect(out.length).toBe(line.length);
    expect(out.startsWith("Ҳамаи одамон")).toBe(true);
    expect(out.endsWith("баробаранд. ")).toBe(true);
    expect(performance.now() - t0).toBeLessThan(60_000);
  });
});

describe("restoration's word entries, kept on language ID's word records", () => {
  const text =
    "Хамаи одамон озод ба дунё меоянд ва аз лихози шаъну шараф баробаранд. Кумак ба хона ва чахон.";

  it("restores the same after the records are emptied for room", () => {
    const before = restore(text);
    expect(before).toContain("лиҳози");
    // More distinct words than the records keep, each with a letter restoration looks up (у).
    const words = distinctWords(MAX_WORDS + 5_000, 0, 0).map((w) => `${w}у`);
    const clears = recordClears();
    for (let from = 0; from < words.length; from += 500) restore(words.slice(from, from + 500).join(" "));
    expect(recordClears()).toBeGreaterThan(clears);
    expect(restore(text)).toBe(before);
  });

  it("restores a word of a long line wherever it stands (its words' records are fetched a batch at a time)", async () => {
    // As restoration leaves it (the UDHR text has a word typed with х for ҳ).
    const line = restore(
      (await udhrParagraphs("tgk"))
        .join(" ")
        .split(/\s+/)
        .slice(0, 3 * TOUCH_WORDS)
        .join(" "),
    );
    const words = line.split(" ");
    expect(restore(line)).toBe(line);
    // Words typed with х for ҳ, one at a time: in the first batch, at its end, at the second's start, in the third.
    const t = TOUCH_WORDS;
    const damaged = ["ҳамаи", "эҳтиёҷ", "ҳамчун", "давлатҳои"].map((w) => words.indexOf(w));
    expect(damaged.map((k) => Math.floor(k / t))).toEqual([0, 0, 1, 2]);
    expect(damaged[1]).toBeGreaterThan(t - 4);
    expect(damaged[2]).toBeLessThan(t + 4);
    for (const k of damaged) {
      const typed = words.map((w, j) => (j === k ? w.replaceAll("ҳ", "х") : w)).join(" ");
      expect(typed).not.toBe(line);
      expect(restore(typed)).toBe(line);
    }
  });

  it("gives each of two models what it gives alone, called in turn on the same words", async () => {
    const { file } = await savedModel(["Ҳамаи одамон озод ба дунё меоянд.", "Кӯмак ба хона"]);
    const small = loadModel(file);
    const shipped = restore(text);
    const own = restoreTajikLetters(text, small, new ChangeLog());
    expect(own).not.toBe(shipped);
    expect(own).toContain("Кӯмак");
    for (let k = 0; k < 3; k++) {
      expect(restore(text)).toBe(shipped);
      expect(restoreTajikLetters(text, small, new ChangeLog())).toBe(own);
    }
  });

  it("leaves a record it entered for language ID to read the word's kind into", () => {
    // Words no text has held before: restoration enters their records first.
    const fresh = distinctWords(40, 0, 0).map((w) => `хк${w}`);
    const line = fresh.join(" ");
    restore(line);
    const kind = (w: string) => (w.charCodeAt(3) & 1 ? 2 : 1);
    const r = readCyrillicWords(line, line.length, 0, kind);
    const kinds = fresh.map(kind);
    expect(r.words.words).toBe(fresh.length);
    expect(r.words.fn).toBe(kinds.filter((k) => k === 1).length);
    expect(r.words.known).toBe(kinds.filter((k) => k === 2).length);
  });
});

describe("Persian script on hard input", () => {
  it("maps digits and punctuation, keeps URLs and Latin, capitalises sentences", () => {
    const out = persianLineToCyrillic(
      "در سال ۲۰۱۹، وب‌سایت https://example.com را دیدم؟ بله.",
      model,
      new ChangeLog(),
    );
    expect(out).toContain("2019,");
    expect(out).toContain("https://example.com");
    expect(out.startsWith("Дар соли 2019")).toBe(true);
    expect(out).toMatch(/\? [А-ЯҲҶҚҒӮӢ]/);
  });

  /** Persian words and the Cyrillic the decoder should read for each (lower case). */
  const readsAs = (pairs: [string, string][]) => {
    for (const [persian, want] of pairs)
      expect(persianLineToCyrillic(persian, model, new ChangeLog()).toLowerCase(), persian).toBe(want);
  };

  it("reads ه before a word's end, and after alif, as ҳ, not as a vowel", () => {
    // Each has a more frequent word of the same consonants that a vowel reading of ه would give (ҷон, шеър, мо ...).
    readsAs([
      ["جهان", "ҷаҳон"],
      ["بهتر", "беҳтар"],
      ["شهر", "шаҳр"],
      ["می‌دهد", "медиҳад"],
      ["شاه", "шоҳ"],
      // At the end after a consonant it still writes а.
      ["خانه", "хона"],
    ]);
  });

  it("reads the plural with its ezafe and possessive endings, with or without ZWNJ", () => {
    readsAs([
      ["سال‌های", "солҳои"],
      ["کتاب‌هایم", "китобҳоям"],
      ["کتابهایش", "китобҳояш"],
      ["کتاب‌هایشان", "китобҳояшон"],
    ]);
    expect(toPersianScript("солҳои китобҳоям")).toBe("سال‌های کتاب‌هایم");
  });

  it("joins را to its word, with no ezafe before it, and writes a final ӣ as и there", () => {
    readsAs([
      ["کتاب را خواندم", "китобро хондам"],
      ["ضروری را", "заруриро"],
    ]);
  });

  it("reads a Persian word glued to the next (a missing space)", () => {
    const out = normalizeText("کتابخانهمدرسه").text;
    expect(out.split(" ").length).toBeGreaterThanOrEqual(1);
    expect(out).toMatch(/^[А-ЯЁа-яёҳҷқғӯӣҲҶҚҒӮӢ ]+$/);
  });
});
