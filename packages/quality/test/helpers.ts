import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, type ColumnSpec, makeDocument, type NewDocument, SourceRun } from "@soro/core";
import { identifyLines } from "@soro/normalize";
import { libreofficeTajikStrings, udhrParagraphs } from "@soro/samples";

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "soro-quality-"));
}

/** The columns normalize adds that the rules and line cleaning read (tests write them as normalize would). */
export const NORMALIZE_COLUMNS: ColumnSpec[] = [
  { name: "lang", type: "VARCHAR", doc: "language" },
  { name: "lang_score", type: "DOUBLE", doc: "Tajik confidence" },
  { name: "script", type: "VARCHAR", doc: "script" },
  { name: "cyrl_share", type: "DOUBLE", doc: "Cyrillic share" },
  { name: "arab_share", type: "DOUBLE", doc: "Arabic share" },
  { name: "latn_share", type: "DOUBLE", doc: "Latin share" },
  { name: "tgk_line_share", type: "DOUBLE", doc: "Tajik lines" },
  { name: "rus_line_share", type: "DOUBLE", doc: "Russian lines" },
  { name: "line_langs", type: "VARCHAR[]", doc: "language of each line" },
  { name: "encoding", type: "VARCHAR", doc: "encoding" },
  { name: "repairs", type: "INTEGER", doc: "repairs" },
];

/** One test document: its text, source, intended fate, and the language normalize would have given it. */
export interface Case {
  name: string;
  text: string;
  source?: NewDocument["source"];
  lang?: string;
  langScore?: number;
  /** The rule meant to remove it, or null for a good document. */
  expect: string | null;
}

/** Writes cases as `normalize` shards (as normalize would: base columns plus its language columns). */
export async function seedNormalize(dir: string, cases: Case[], perShard = 1000): Promise<Map<string, Case>> {
  const catalog = await Catalog.open(dir, { create: true });
  const byId = new Map<string, Case>();
  try {
    const run = await SourceRun.begin(catalog, "normalize", { test: true }, NORMALIZE_COLUMNS);
    for (let s = 0; s * perShard < cases.length; s++) {
      const items = cases.slice(s * perShard, (s + 1) * perShard).map((c) => {
        const doc = makeDocument({
          text: c.text,
          source: c.source ?? "web",
          url: `https://test.tj/${c.name}`,
        });
        byId.set(doc.id, c);
        const lang = c.lang ?? "tgk";
        return {
          doc: {
            ...doc,
            lang,
            lang_score: c.langScore ?? (lang === "tgk" ? 0.95 : 0.05),
            script: "Cyrl",
            cyrl_share: 1,
            arab_share: 0,
            latn_share: 0,
            tgk_line_share: lang === "tgk" ? 1 : 0,
            rus_line_share: lang === "rus" ? 1 : 0,
            // The line labels are normalize's own (the one line classifier of the pipeline).
            line_langs: identifyLines(c.text, lang),
            encoding: "utf8",
            repairs: 0,
          },
        };
      });
      await run.add(`part-${s}`, `part-${s}`, items);
    }
    await run.finish();
  } finally {
    catalog.close();
  }
  return byId;
}

/** Real Tajik and Russian text from the bundled samples. */
export async function texts(): Promise<{ tg: string[]; ru: string[]; ui: string[] }> {
  const ui = libreofficeTajikStrings()
    .map((s) => s.tg.trim())
    .filter((s) => /^[\p{L} ]+$/u.test(s) && s.split(" ").length <= 3);
  // The bundled declaration lists some paragraphs twice (as paragraph and list item); each is used once here.
  const unique = async (code: "tgk" | "rus") => [...new Set(await udhrParagraphs(code))];
  return { tg: await unique("tgk"), ru: await unique("rus"), ui };
}

/** Real Tajik paragraphs turned into known good and bad documents, each bad one meant for one rule. */
export async function knownCases(): Promise<Case[]> {
  const { tg, ru, ui } = await texts();
  const para = (from: number, n: number) => tg.slice(from, from + n).join("\n\n");
  const good: Case[] = [0, 8, 16, 24, 32, 40].map((from, k) => ({
    name: `good-${k}`,
    text: para(from, 8),
    expect: null,
  }));
  // A good article wrapped in site chrome, with a Russian line and contact details: cleaned and masked, then kept.
  good.push({
    name: "good-cleaned",
    text: [
      `${ui.slice(0, 5).join(" | ")}`,
      para(48, 6),
      ru[3]!,
      "Тамос: +992 (37) 221-23-45, info@khovar.tj",
      `${ui.slice(5, 10).join(" | ")}`,
    ].join("\n\n"),
    expect: null,
  });
  const repeated = tg.slice(54, 57);
  const numbers = Array.from(
    { length: 24 },
    (_, k) => `${tg[k]!.split(" ")[0]} ${1200 + k * 37} ${(k * 7.3).toFixed(1)}% ${300 + k * 11}`,
  );
  const shortLines = tg
    .slice(30, 40)
    .join(" ")
    .split(" ")
    .reduce<string[]>((lines, w, k) => {
      if (k % 3 === 0) lines.push(w);
      else lines[lines.length - 1] += ` ${w}`;
      return lines;
    }, []);
  const mixed = [0, 1, 2, 3].flatMap((k) => [tg[20 + k]!, ru[20 + k]!, ru[30 + k]!]).join("\n\n");
  return [
    ...good,
    {
      name: "repeated-lines",
      text: [...repeated, ...repeated, ...repeated].join("\n"),
      expect: "repetition",
    },
    { name: "number-list", text: [tg[5]!, ...numbers].join("\n"), expect: "boilerplate" },
    {
      name: "menu-only",
      text: Array.from({ length: 8 }, (_, k) => ui.slice(k * 5, k * 5 + 5).join(" | ")).join("\n"),
      expect: "navigation",
    },
    { name: "russian-tajik", text: mixed, langScore: 0.7, expect: "mixed_language" },
    { name: "short-lines", text: shortLines.join("\n"), expect: "line_structure" },
    { name: "russian", text: ru.slice(0, 8).join("\n\n"), lang: "rus", expect: "language" },
  ];
}
