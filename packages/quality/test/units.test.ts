import { fnv1a } from "@soro/core";
import { identifyLines } from "@soro/normalize";
import { tajikTextDir, tajikTextLines } from "@soro/samples";
import { describe, expect, it } from "vitest";
import {
  analyzeText,
  baseSignals,
  cleanLines,
  computeSignals,
  DEFAULT_RULES_PATH,
  DocContext,
  isNavigationLine,
  judge,
  lineKind,
  loadRules,
  maskPii,
  numberFacts,
  numberShape,
  parseRules,
  readLines,
  ruleSql,
  SIGNAL_MODULES,
} from "../src/index.js";
import { texts } from "./helpers.js";

/** Lines labelled as the normalize stage labels them (its line_langs column). */
const labels = (text: string) => identifyLines(text, "tgk");
const signals = (text: string) => computeSignals(text, labels(text));

describe("line kinds and cleaning (languages from normalize's line_langs)", () => {
  it("takes each line's language from normalize's labels and tells menu lines apart", async () => {
    const { tg, ui } = await texts();
    expect(lineKind(tg[0]!, "tgk")).toBe("tgk");
    expect(lineKind(tg[0]!, "uzn")).toBe("foreign");
    expect(lineKind("2024", "und")).toBe("other");
    expect(lineKind(ui.slice(0, 5).join(" | "), "tgk")).toBe("nav");
    expect(isNavigationLine(ui.slice(0, 5).join(" | "))).toBe(true);
    expect(isNavigationLine("Саҳифаи асосӣ")).toBe(true);
    expect(tg.some((p) => isNavigationLine(p))).toBe(false);
  });

  it("drops Russian and menu lines from a Tajik document, and records what went", async () => {
    const { tg, ru, ui } = await texts();
    const text = [ui.slice(0, 5).join(" | "), tg[0], tg[1], ru[2], tg[3], "Home"].join("\n");
    const { text: out, dropped, lineLangs } = cleanLines(text, labels(text));
    expect(out).toBe([tg[0], tg[1], tg[3]].join("\n"));
    expect(lineLangs).toEqual(["tgk", "tgk", "tgk"]);
    expect(dropped.map((d) => d.kind)).toEqual(["nav", "rus", "nav"]);
    expect(dropped[1]!.text).toBe(ru[2]);
  });

  it("leaves a half-Russian document and a menu-only page whole for the document rules", async () => {
    const { tg, ru, ui } = await texts();
    const mixed = [tg[0], ru[0], tg[1], ru[1]].join("\n");
    expect(cleanLines(mixed, labels(mixed))).toMatchObject({ text: mixed, dropped: [] });
    const menu = [ui.slice(0, 4).join(" | "), ui.slice(4, 8).join(" | ")].join("\n");
    expect(cleanLines(menu, labels(menu)).dropped).toEqual([]);
  });

  it("refuses labels that do not fit the text's lines (normalize did not run, or the text changed since)", () => {
    expect(() => cleanLines("а\nб", ["tgk"])).toThrow(/line_langs has 1 labels for 2 lines: run normalize/);
    expect(() => cleanLines("а", null)).toThrow(/line_langs has no labels/);
  });
});

describe("PII masking", () => {
  it("masks Tajik phone formats, emails, IPs and ID-like numbers with typed placeholders", () => {
    const { text, counts } = maskPii(
      "Тамос: +992 (37) 221-23-45, +992 93 123 45 67, 992931234567, (37) 221-23-45, 93-123-45-67, " +
        "918 12 34 56; почта: info@khovar.tj; сервер 10.0.12.7; шиноснома A1234567, ИРМ 123456789, " +
        "корт 4111 1111 1111 1111.",
    );
    expect(text).toBe(
      "Тамос: <PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>, <PHONE>; почта: <EMAIL>; сервер <IP>; " +
        "шиноснома <ID>, ИРМ <ID>, корт <ID>.",
    );
    expect(counts).toEqual({ email: 1, phone: 6, ip: 1, id: 3 });
  });

  it("keeps years, counts, dates and article numbers", async () => {
    const { tg } = await texts();
    const plain = `Соли 1948, 10 декабр; аҳолӣ 1 234 567 нафар; Моддаи 25. ${tg[4]}`;
    expect(maskPii(plain)).toEqual({ text: plain, counts: { email: 0, phone: 0, ip: 0, id: 0 } });
  });
});

describe("signals", () => {
  it("measures real Tajik text as the FineWeb-2 definitions say", async () => {
    const { tg } = await texts();
    const s = signals(tg.slice(0, 8).join("\n\n"));
    expect(s.q_words).toBeGreaterThan(150);
    expect(s.q_stopwords).toBeGreaterThan(10);
    expect(s.q_alpha_word_share).toBeGreaterThan(0.95);
    expect(s.q_mean_word_len).toBeGreaterThan(3);
    expect(s.q_mean_word_len).toBeLessThan(11);
    expect(s.q_dup_line_frac).toBe(0);
    expect(s.q_tgk_line_share).toBe(1);
    expect(s.q_tgk_letter_share).toBeGreaterThan(0.03);
  });

  it("measures repetition: a paragraph repeated three times", async () => {
    const { tg } = await texts();
    const s = signals([tg[0], tg[0], tg[0]].join("\n"));
    expect(s.q_dup_line_frac).toBeCloseTo(2 / 3);
    expect(s.q_dup_line_char_frac).toBeCloseTo(2 / 3);
    expect(s.q_dup5gram).toBeCloseTo(2 / 3, 1);
    expect(s.q_dup10gram).toBeGreaterThan(0.6);
  });

  it("scores a table of numbers as boilerplate and is deterministic", () => {
    const rows = Array.from({ length: 10 }, (_, k) => `Деҳаи ${k + 1} — ${1000 + k * 17} нафар`);
    const s = signals(rows.join("\n"));
    expect(s.q_boilerplate).toBe(1);
    expect(signals(rows.join("\n"))).toEqual(s);
    expect(signals("").q_words).toBe(0);
  });

  it("counts a filled-in template met three times as boilerplate, not two lines that differ in their words", () => {
    const prose = "Дар мактаби мо имсол бисёр хонандагони нав ба синфи аввал омаданд ва дарс хонданд.";
    const template = (k: number) =>
      `Хонандаи рақами ${k} имрӯз дар синфи ${k + 3} баҳои хуб гирифт ва шод буд.`;
    const three = signals([prose, template(1), template(2), template(3)].join("\n"));
    expect(three.q_boilerplate).toBeCloseTo(3 / 4);
    const other = "Китоби рақами 7 дар рафи 12 бо муқоваи сурх истодааст ва ҳама онро мехонанд.";
    expect(signals([prose, template(1), template(2), other].join("\n")).q_boilerplate).toBe(0);
  });
});

describe("number rows and templates", () => {
  /** The definitions `numberFacts` reads in one pass, as regular expressions. */
  const reference = (line: string) => {
    const tokens = line.split(/\s+/);
    const numeric = tokens.filter((t) => /^[\d.,:%+\-–()/]+$/.test(t) && /\d/.test(t)).length;
    const nonSpace = line.replace(/\s/g, "").length;
    const digits = line.match(/\d/g)?.length ?? 0;
    return {
      shape: line.replace(/\p{L}+/gu, "w").replace(/\d+(?:[.,\s]\d+)*/g, "0"),
      row: numeric * 2 >= tokens.length || (nonSpace > 0 ? digits / nonSpace : 0) >= 0.25,
    };
  };

  it("reads the shape and row test of their regular-expression definitions, on real and generated lines", async () => {
    // The explanatory dictionary numbers its senses, the addresses their years and sums.
    const real = tajikTextDir()
      ? ["komdil_dictionary.txt", "komdil_payom.txt"].flatMap((f) =>
          tajikTextLines(f)
            .filter((l) => /\d/.test(l))
            .slice(0, 3000),
        )
      : [];
    // Pieces that meet each rule's edges: separators between digits, other whitespace, an astral letter, a mark,
    // a lone surrogate, Arabic-Indic digits, the en dash, and letters against digits.
    const pieces = [
      "12",
      "3",
      ".",
      ",",
      " ",
      "\u00a0",
      "\u2003",
      "\t",
      "ҳуқуқ",
      "abc",
      "𝐀𝐁",
      "\u0301",
      "\ud800",
      "٣",
      "–",
      "-",
      "%",
      "(",
      ")",
      "/",
      ":",
      "+",
      "§",
      "2024-й",
      "1.5,6 7",
      "  ",
    ];
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const generated = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)] as string).join(""),
    );
    const lines = [
      ...real,
      ...generated,
      "1",
      "1 ",
      " 1",
      "1.",
      ".1",
      "1..2",
      "1. 2",
      "a1b2",
      "\ud800\udc001",
    ];
    for (const line of lines) {
      const want = reference(line);
      expect(numberShape(line), JSON.stringify(line)).toBe(want.shape);
      // The hash taken on the way is the shape's FNV-1a.
      expect(numberFacts(line), JSON.stringify(line)).toEqual({ shape: fnv1a(want.shape), row: want.row });
    }
  });
});

describe("the shared document context", () => {
  it("gives signal modules the lines, paragraphs and words as their plain definitions say", async () => {
    const { tg, ru } = await texts();
    const text = [
      "  ",
      tg[0],
      `${tg[1]}\r`,
      " \t ",
      "",
      ru[0],
      `• ${tg[2]}!!`,
      "\n",
      tg[0],
      "Ӣ 12,5% — «ҳа»",
    ].join("\n");
    const ctx = new DocContext(text, readLines(text, labels(text)));
    expect(ctx.lines.map((l) => l.trimmed)).toEqual(
      text
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== ""),
    );
    expect(ctx.paragraphs).toEqual(
      text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    );
    const forms = text
      .toLowerCase()
      .split(/\s+/)
      .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ""))
      .filter((w) => w !== "");
    expect(Array.from(ctx.words.ids, (id) => ctx.words.forms[id])).toEqual(forms);
    expect(ctx.words.forms.length).toBe(new Set(forms).size);
    expect(ctx.words.rawCount).toBe(text.split(/\s+/).filter((w) => w !== "").length);
    expect(ctx.chars.digits).toBe(3);
    // The letter runs come from the same pass as the words.
    const runs = text.toLowerCase().match(/[\p{L}\p{M}]+/gu) ?? [];
    expect(Array.from(ctx.letters.ids, (id) => ctx.letters.form(id))).toEqual(runs);
    expect(ctx.letters.formCount).toBe(new Set(runs).size);
  });

  it("runs an added module on the same context as the base signals, and the stage lists every module's columns", async () => {
    const { tg } = await texts();
    const text = [tg[3], tg[4], tg[3]].join("\n\n");
    const seen: DocContext[] = [];
    let derived = 0;
    const longForms = (ctx: DocContext) => {
      derived++;
      return ctx.words.forms.filter((f) => f.length > 8);
    };
    const longWords = (ctx: DocContext) => {
      seen.push(ctx);
      const first = ctx.derive(longForms);
      return { q_long_words: first.length, q_same: ctx.derive(longForms) === first };
    };
    const { add } = analyzeText(text, labels(text), undefined, { measures: [baseSignals, longWords] });
    const expected = new Set(
      text
        .toLowerCase()
        .split(/\s+/)
        .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ""))
        .filter((w) => w.length > 8),
    );
    expect(add.q_long_words).toBe(expected.size);
    expect(add.q_same).toBe(true);
    expect(derived).toBe(1);
    expect(add.q_long_words).toBeGreaterThan(0);
    expect(add.q_dup_para_frac).toBeCloseTo(1 / 3);
    expect(seen[0]!.paragraphs).toHaveLength(3);
    expect(SIGNAL_MODULES[0]!.name).toBe("base");
    expect(new Set(SIGNAL_MODULES.flatMap((m) => m.columns.map((c) => c.name))).size).toBe(
      SIGNAL_MODULES.reduce((n, m) => n + m.columns.length, 0),
    );
  });

  it("counts repeated n-grams as a plain string count does", async () => {
    const { tg } = await texts();
    const text = [tg[5], tg[6], tg[5], tg[7], tg[5]?.slice(0, 120)].join(" ");
    const words = text
      .toLowerCase()
      .split(/\s+/)
      .map((w) => w.replace(/^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu, ""))
      .filter((w) => w !== "");
    const total = words.reduce((n, w) => n + w.length, 0);
    const s = signals(text);
    for (const n of [5, 7, 10]) {
      const seen = new Set<string>();
      const covered = new Uint8Array(words.length);
      for (let k = 0; k + n <= words.length; k++) {
        const key = words.slice(k, k + n).join(" ");
        if (seen.has(key)) covered.fill(1, k, k + n);
        else seen.add(key);
      }
      const chars = words.reduce((c, w, k) => c + (covered[k] ? w.length : 0), 0);
      expect(s[`q_dup${n}gram` as keyof typeof s]).toBeCloseTo(chars / total, 12);
    }
  });
});

describe("rules", () => {
  it("loads the shipped defaults with FineWeb-2's tgk_Cyrl thresholds", async () => {
    const rules = await loadRules();
    expect(DEFAULT_RULES_PATH.endsWith("default.yaml")).toBe(true);
    const repetition = rules.rules.find((r) => r.name === "repetition")!;
    expect(repetition.all.find((c) => c.column === "q_dup_line_frac")?.max).toBe(0.291);
    expect(repetition.all.find((c) => c.column === "q_dup10gram")?.max).toBe(0.103);
    expect(rules.rules.every((r) => r.why.length > 40)).toBe(true);
    expect(ruleSql(rules.rules.find((r) => r.name === "line_structure")!)).toContain(`CASE "source"`);
  });

  it("rejects an invalid rules file naming the place", () => {
    expect(() =>
      parseRules(
        { version: 1, name: "x", rules: [{ name: "a", why: "b", all: [{ column: "q_words" }] }] },
        "r.yaml",
      ),
    ).toThrow(/r.yaml .*rules.0.all.0/);
    expect(() =>
      parseRules(
        { version: 1, name: "x", rules: [{ name: "a", why: "b", all: [{ column: "x; DROP", min: 1 }] }] },
        "r.yaml",
      ),
    ).toThrow(/column name/);
  });

  it("applies per-source conditions and treats a missing value as failing", async () => {
    const rules = await loadRules();
    const row = { source: "pdf", q_line_punct_share: 0, q_newlines_per_word: 0.4, q_short_line_share: 0.9 };
    const rule = (src: string) =>
      judge(
        { ...rules, rules: rules.rules.filter((r) => r.name === "line_structure") },
        { ...row, source: src },
      );
    expect(rule("pdf").removedBy).toBeNull();
    expect(rule("web").removedBy).toBe("line_structure");
    expect(judge(rules, { source: "web" }).removedBy).toBe("language");
  });
});
