import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog } from "@soro/core";
import { expect, it } from "vitest";
import { crawlDirs, readWarcFile, runCrawl, savedCrawlConfig } from "../src/index.js";
import { crawlDocs, SITE_POLICY_FILES } from "./helpers.js";
import { startTestSite } from "./site.js";

const total = (hits: Map<string, number>) => [...hits.values()].reduce((a, b) => a + b, 0);

it("a crawl killed with SIGKILL resumes without losing a URL or duplicating a document", async () => {
  const site = await startTestSite({ articles: 31, latencyMs: 60 });
  const ws = mkdtempSync(path.join(os.tmpdir(), "soro-crawl-kill-"));
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(new URL("./crawl-child.ts", import.meta.url)), ws, site.url],
      { stdio: "inherit" },
    );
    let gone = false;
    const exited = new Promise((r) => child.on("exit", r)).then(() => (gone = true));
    // Kill once the crawl is well under way (robots, sitemaps and a dozen pages fetched).
    while (total(site.hits) < 16 && !gone) await new Promise((r) => setTimeout(r, 20));
    expect(gone, "the crawl ended before it could be killed").toBe(false);
    child.kill("SIGKILL");
    await exited;
    const before = new Map(site.hits);

    const c = await Catalog.open(ws);
    try {
      const cfg = await savedCrawlConfig(c);
      const s = await runCrawl(c, cfg!);
      expect(s.queued).toBe(0);
      console.log(
        `resume: ${s.recovered} batch rebuilt, ${s.adopted} stored responses taken over, ${s.fetched} fetched after the kill`,
      );
      // Every page was fetched; only those in flight or not yet committed at the kill were fetched again.
      for (let i = 1; i <= 31; i++)
        expect(site.hits.get(`/article/${i}`), `article ${i}`).toBeGreaterThanOrEqual(1);
      const again = [...site.hits].filter(([p, n]) => !SITE_POLICY_FILES.has(p) && n > 1).map(([p]) => p);
      console.log(`fetched twice: ${again.join(" ") || "none"}`);
      // Only requests still in flight at the kill (concurrency 2) are made again.
      expect(again.length).toBeLessThanOrEqual(2);
      for (const p of again) expect(before.get(p), p).toBe(1);
      // One document per page, all articles present.
      const docs = await crawlDocs(c);
      expect(new Set(docs.map((d) => d.url)).size).toBe(docs.length);
      for (let i = 1; i <= 31; i++)
        expect(
          docs.some((d) => d.url.endsWith(`/article/${i}`)),
          `doc ${i}`,
        ).toBe(true);
      // The WARCs were trimmed back to their committed records and parse to the end.
      const dir = crawlDirs(c).warc;
      let records = 0;
      for (const f of readdirSync(dir)) for await (const _r of readWarcFile(path.join(dir, f))) records++;
      const logged = await c.rows(
        "SELECT count(*)::INTEGER AS n FROM crawl_fetches WHERE warc_file IS NOT NULL",
      );
      expect(records).toBe(Number(logged[0]!.n));
    } finally {
      c.close();
    }
  } finally {
    await site.close();
  }
});
