import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog, runStage } from "@soro/core";
import { CRAWL_MIGRATIONS } from "@soro/crawl";
import { resolveOptions, runDedup } from "@soro/dedup";
import { ingestPaths } from "@soro/ingest";
import { toLegacyA, toPersianScript, toRussianKeyboard } from "@soro/normalize";
import { loadRules, runQualitySignals, runSelect } from "@soro/quality";
import { demoSample, udhrSections } from "@soro/samples";
import { addSamples, measureSftOverlap } from "@soro/sft-builder";
import { measureFertility } from "@soro/trainer-bridge";

/** A fresh temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), "soro-report-"));
}

/** An invented adult spam page on an adult host: the safety signals must flag it and the report must not show it plainly. */
export const PLANTED_SPAM = {
  text: "Порно ройгон! Порно видео, секс ва фоҳишаҳо. Порнография барои калонсолон, xxx порно ҳар рӯз.",
  source: "web" as const,
  url: "https://best-porn-tube.example/tj",
  meta: { origin: "invented" },
};

/** E-mail addresses and phone numbers planted in the edu lessons, one a lesson: PII masking must remove them. */
export const PLANTED_PII = [
  "ali.rahimov@maktab.tj",
  "+992 93 123 45 67",
  "info.vazorat@maorif.tj",
  "(37) 221-23-45",
  "+992 (37) 227-14-90",
  "nasiba_karimova@mail.ru",
];

/**
 * Builds a workspace through the real stages: the demo sample (web, other) and Tajik UDHR sections as edu material
 * ingested (with PLANTED_PII), plus one unreadable file; then normalize, quality signals, selection with the default rules and dedup.
 */
export async function buildWorkspace(dir: string): Promise<void> {
  const input = path.join(dir, "input");
  await mkdir(path.join(input, "edu"), { recursive: true });
  const records = [
    ...(await demoSample({
      russianKeyboard: toRussianKeyboard,
      legacyFontA: toLegacyA,
      persianScript: toPersianScript,
    })),
    PLANTED_SPAM,
  ];
  await writeFile(path.join(input, "web.jsonl"), `${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
  const tgk = await udhrSections("tgk");
  const lessons = tgk.slice(0, 12).map((s, i) => ({
    text: [s.heading, ...s.paragraphs, ...(i < PLANTED_PII.length ? [`Тамос: ${PLANTED_PII[i]}`] : [])].join(
      "\n",
    ),
    url: `https://maktab.example/civics/${i}`,
  }));
  await writeFile(
    path.join(input, "edu", "civics.jsonl"),
    `${lessons.map((r) => JSON.stringify(r)).join("\n")}\n`,
  );
  await writeFile(
    path.join(input, "edu", "_meta.yaml"),
    "subject: civics\ngrade: 9\nlicence: CC BY-SA 4.0\n",
  );
  await writeFile(path.join(input, "broken.jsonl.gz"), "not gzip at all");
  const catalog = await Catalog.open(path.join(dir, "ws"), { create: true });
  try {
    await ingestPaths(catalog, [path.join(input, "web.jsonl"), path.join(input, "broken.jsonl.gz")], {
      source: "web",
    });
    await ingestPaths(catalog, [path.join(input, "edu")], { source: "edu" });
    await runStage({
      catalog,
      stage: { module: import.meta.resolve("@soro/normalize/stage"), exportName: "normalizeStage" },
      options: {},
      workers: 0,
      progress: "quiet",
    });
    await runQualitySignals(catalog, undefined, { workers: 0, progress: "quiet" });
    await runSelect(catalog, await loadRules());
    await runDedup(catalog, resolveOptions({ signature: { input: "select" } }), {
      workers: 0,
      progress: "quiet",
    });
    await addCrawlLog(catalog);
    await addSft(catalog);
    await measureSftOverlap(catalog);
    await measureFertility(catalog, { maxLines: 200 });
  } finally {
    catalog.close();
  }
}

/** A small fetch log in the crawl's own tables (the crawler itself needs a server; its table is what the report reads). */
async function addCrawlLog(catalog: Catalog): Promise<void> {
  await catalog.ensureExtension("crawl", CRAWL_MIGRATIONS);
  const fetches: Array<[string, number | null, number, string, string | null]> = [
    ["https://udhr.example/tgk/0", 200, 5120, "document", null],
    ["https://udhr.example/tgk/1", 200, 4800, "document", null],
    ["https://udhr.example/robots.txt", 404, 120, "robots-missing", null],
    ["https://news.example/a", 503, 300, "retry", "HTTP 503"],
    ["https://news.example/b", null, 0, "failed", "connect ECONNREFUSED"],
    ["https://l10n.example/x", 200, 2000, "not-text", null],
  ];
  for (const [url, status, bytes, outcome, error] of fetches) {
    await catalog.conn.run(
      `INSERT INTO crawl_fetches (url, host, kind, fetched_at, status, bytes, outcome, error)
       VALUES ($1, regexp_extract($1, '://([^/]+)', 1), 'page', '2026-11-01T00:00:00Z', $2, $3, $4, $5)`,
      [url, status, bytes, outcome, error],
    );
  }
}

/** A few SFT samples in review states (the review app of issue 10 is not built yet). */
async function addSft(catalog: Catalog): Promise<void> {
  const statuses = ["queued", "queued", "accepted", "rejected", "auto_rejected"] as const;
  await addSamples(
    catalog,
    statuses.map((status, i) => ({
      sample_id: `s${i}`,
      task: "qa",
      subject: "civics",
      grade: 9,
      source_doc_id: null,
      source_excerpt: null,
      messages: [
        { role: "user", content: `Савол ${i}` },
        { role: "assistant", content: `Ҷавоб ${i}` },
      ],
      engine: "test",
      template_version: null,
      status,
    })),
  );
}
