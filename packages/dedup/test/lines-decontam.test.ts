import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { Catalog, makeDocument } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { afterAll, describe, expect, it } from "vitest";
import { explainDocument, resolveOptions, runDecontam, runDedup } from "../src/index.js";
import { removeTempDirs, seedSelect, tempDir } from "./corpus.js";
import { stageRows } from "./helpers.js";

const FOOTER = "Инчунин хонед: ахбори охирини Тоҷикистон";
const MENU = "Асосӣ | Ахбор | Фарҳанг | Тамос";

/** Real Tajik paragraphs as web documents: all share a footer, those of one host share a menu line too. */
async function pagesWithBoilerplate(): Promise<ReturnType<typeof makeDocument>[]> {
  const paragraphs = (await udhrParagraphs("tgk")).filter((p) => p.split(" ").length > 12);
  return paragraphs.slice(0, 14).map((p, i) => {
    const host = i < 4 ? "khovar.example" : `site${i}.example`;
    const lines = i < 4 ? [MENU, p, FOOTER] : [p, FOOTER];
    return makeDocument({ text: lines.join("\n"), source: "web", url: `https://${host}/news/${i}` });
  });
}

afterAll(removeTempDirs);

describe("repeated lines", () => {
  it("removes lines repeated across the corpus or on one host from survivors and counts the characters", async () => {
    const docs = await pagesWithBoilerplate();
    const dir = await tempDir();
    await seedSelect(dir, docs, 2);
    const catalog = await Catalog.open(dir);
    try {
      const { clusters } = await runDedup(
        catalog,
        resolveOptions({ cluster: { lines: { minDocs: 10, minHostDocs: 3 } } }),
        { workers: 0, progress: "quiet" },
      );
      expect(clusters.repeatedLines).toBe(2);
      const out = await stageRows(catalog, "dedup", ["id", "text", "text_original"]);
      expect(out.length).toBe(docs.length);
      for (const r of out) {
        expect(String(r.text)).not.toContain("Инчунин хонед");
        expect(String(r.text)).not.toContain("Фарҳанг");
        expect(String(r.text_original)).toContain(FOOTER);
        expect(String(r.text).length).toBeGreaterThan(40);
      }
      const removed = clusters.removed.repeated_lines!;
      expect(removed.docs).toBe(0);
      expect(removed.chars).toBe(
        docs.reduce((n, d) => n + d.text.length, 0) - out.reduce((n, r) => n + String(r.text).length, 0),
      );
      const lines = await catalog.rows("SELECT example, docs FROM dedup_lines ORDER BY docs DESC");
      expect(lines.map((l) => l.example)).toEqual([FOOTER, MENU]);
    } finally {
      catalog.close();
    }
  });
});

describe("site boilerplate at the edges of a host's few documents", () => {
  it("cuts menu and copyright lines repeated at the start or end of two pages of one host, and explain names the rule", async () => {
    const paragraphs = (await udhrParagraphs("tgk")).filter((p) => p.split(" ").length > 12);
    const menu = ["Ахбор", "Сиёсат", "Варзиш"];
    const copyright = "© 2024 Ҳамаи ҳуқуқҳо ҳифз шудаанд";
    const docs = [
      // Two pages of a small site: the same menu on top and the same copyright line below the article.
      ...[0, 1].map((i) =>
        makeDocument({
          text: [...menu, paragraphs[i]!, paragraphs[i + 10]!, copyright].join("\n"),
          source: "web",
          url: `https://small.example/news/${i}`,
        }),
      ),
      // Another host's page that mentions the same word inside its text, and a page with "Ахбор" once on top.
      makeDocument({
        text: [
          paragraphs[2]!,
          "Ахбор",
          paragraphs[3]!,
          paragraphs[4]!,
          paragraphs[5]!,
          paragraphs[6]!,
          paragraphs[7]!,
          paragraphs[8]!,
          paragraphs[9]!,
          paragraphs[12]!,
        ].join("\n"),
        source: "web",
        url: "https://other.example/a",
      }),
      makeDocument({
        text: ["Ахбор", paragraphs[13]!].join("\n"),
        source: "web",
        url: "https://third.example/b",
      }),
    ];
    const dir = await tempDir();
    await seedSelect(dir, docs, 1);
    const catalog = await Catalog.open(dir);
    try {
      const { clusters } = await runDedup(catalog, resolveOptions({}), { workers: 0, progress: "quiet" });
      expect(clusters.repeatedLines).toBe(4);
      const out = new Map(
        (await stageRows(catalog, "dedup", ["id", "text"])).map((r) => [String(r.id), String(r.text)]),
      );
      for (const d of docs.slice(0, 2)) expect(out.get(d.id)!.split("\n")).toHaveLength(2);
      expect(out.get(docs[2]!.id)).toBe(docs[2]!.text);
      expect(out.get(docs[3]!.id)).toBe(docs[3]!.text);
      const e = await explainDocument(catalog, docs[0]!.id);
      expect(e.removedLines).toEqual([
        ...menu.map((line) => ({ line, rule: "host_edge", docs: 2 })),
        { line: copyright, rule: "host_edge", docs: 2 },
      ]);
    } finally {
      catalog.close();
    }
  });
});

describe("benchmark decontamination", () => {
  it("removes documents sharing a 13-gram with a benchmark item and reports per benchmark", async () => {
    const paragraphs = (await udhrParagraphs("tgk")).filter((p) => p.split(" ").length > 20);
    const question = paragraphs[3]!;
    const benchDir = await tempDir();
    await mkdir(benchDir, { recursive: true });
    await writeFile(
      path.join(benchDir, "tg-mmlu.jsonl"),
      `${JSON.stringify({ id: "q1", question, choices: ["ҳа", "не"], answer: "ҳа" })}\n${JSON.stringify({ id: "q2", question: "Кӯтоҳ аст", choices: ["а"] })}\n`,
    );
    await writeFile(path.join(benchDir, "other.jsonl"), `${JSON.stringify({ question: paragraphs[9] })}\n`);
    const words = question.split(" ");
    const docs = [
      // The item quoted inside a longer page, typed without Tajik letters: still found (keys are folded).
      makeDocument({
        text: `${paragraphs[0]}\n${question.replaceAll("ҳ", "х")}\n${paragraphs[1]}`,
        source: "web",
        url: "https://a.example/1",
      }),
      // Only ten words of it: below the 13-gram, kept.
      makeDocument({
        text: `${paragraphs[2]} ${words.slice(0, 10).join(" ")}`,
        source: "web",
        url: "https://a.example/2",
      }),
      makeDocument({ text: paragraphs[5]!, source: "web", url: "https://a.example/3" }),
    ];
    const dir = await tempDir();
    await seedSelect(dir, docs, 1);
    const catalog = await Catalog.open(dir);
    try {
      await runDedup(catalog, resolveOptions({ cluster: { lines: { enabled: false } } }), {
        workers: 0,
        progress: "quiet",
      });
      const report = await runDecontam(catalog, { benchmarks: benchDir }, { workers: 0, progress: "quiet" });
      expect(report.summary.docsOut).toBe(2);
      expect(report.benchmarks).toEqual([
        { name: "other", items: 1, tooShort: 0, docs: 0, chars: 0, cut: 0 },
        { name: "tg-mmlu", items: 2, tooShort: 1, docs: 1, chars: docs[0]!.text.length, cut: 0 },
      ]);
      const flagged = await runDecontam(
        catalog,
        { benchmarks: benchDir, mode: "flag" },
        { workers: 0, progress: "quiet" },
      );
      expect(flagged.summary.docsOut).toBe(3);
      const rows = await stageRows(catalog, "decontam", ["id", "decontam_hits"]);
      expect(rows.find((r) => r.id === docs[0]!.id)!.decontam_hits).toEqual(["tg-mmlu:q1"]);
      // Cut mode: the page loses the quoted item's line and keeps the rest; a page that is mostly the item goes.
      const cut = await runDecontam(
        catalog,
        { benchmarks: benchDir, mode: "cut" },
        { workers: 0, progress: "quiet" },
      );
      expect(cut.summary.docsOut).toBe(3);
      expect(cut.benchmarks.find((b) => b.name === "tg-mmlu")).toMatchObject({ docs: 0, cut: 1 });
      const kept = await stageRows(catalog, "decontam", ["id", "text", "decontam_cut_lines"]);
      const page = kept.find((r) => r.id === docs[0]!.id)!;
      expect(page.text).toBe(`${paragraphs[0]}\n${paragraphs[1]}`);
      expect(page.decontam_cut_lines).toBe(1);
    } finally {
      catalog.close();
    }
  });
});
