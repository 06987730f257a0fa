import { type Catalog, type SourceItem, SourceRun, UsageError } from "@soro/core";
import type { CrawlConfig } from "./config.js";
import { header } from "./fetcher.js";
import { Frontier } from "./frontier.js";
import { batchKey, canonicalElsewhere, crawlDirs } from "./layout.js";
import { type PageInput, readPage } from "./page.js";
import { SiteTemplates } from "./site-templates.js";
import { hostKey, scopeChecker, urlNormalizer } from "./url.js";
import { readWarcRecord } from "./warc.js";

/** The pages of one batch as stored in the WARCs its fetch log rows point to, or why a record cannot be read. */
async function* batchPages(
  catalog: Catalog,
  frontier: Frontier,
  batch: number,
): AsyncGenerator<{ page: PageInput } | { bad: { input: string; reason: string } }> {
  const dir = crawlDirs(catalog).warc;
  for (const row of await frontier.batchRows(batch)) {
    try {
      const stored = await readWarcRecord(dir, row.warc);
      yield {
        page: {
          url: row.url,
          status: stored.status,
          contentType: header(stored, "content-type"),
          body: stored.body,
          truncated: stored.truncated,
          fetchedAt: row.fetchedAt,
          depth: row.depth,
        },
      };
    } catch (err) {
      yield {
        bad: {
          input: `${row.url} (${row.warc.file}@${row.warc.offset})`,
          reason: `unreadable WARC record: ${(err as Error).message}`,
        },
      };
    }
  }
}

/** Documents of one batch, re-read from the WARC records its fetch log rows point to. */
async function* batchDocuments(
  catalog: Catalog,
  frontier: Frontier,
  cfg: CrawlConfig,
  batch: number,
  templates: SiteTemplates,
): AsyncGenerator<SourceItem> {
  const normalize = urlNormalizer(cfg.trackingParams);
  const inScope = scopeChecker(
    cfg.scope,
    cfg.seeds.map((s) => normalize(s)).filter((s): s is string => s !== null),
  );
  for await (const item of batchPages(catalog, frontier, batch)) {
    if ("bad" in item) {
      yield item;
      continue;
    }
    const read = readPage(item.page, templates);
    if (canonicalElsewhere(read.extracted.canonical, item.page.url, normalize, inScope)) continue;
    if (read.doc) yield { doc: read.doc };
  }
}

/** Counts the blocks of every stored HTML page per host, so that re-extraction knows each site's template. */
async function observeTemplates(catalog: Catalog, frontier: Frontier): Promise<SiteTemplates> {
  const templates = new SiteTemplates();
  for (const b of await frontier.batches()) {
    for await (const item of batchPages(catalog, frontier, b)) {
      if ("page" in item) templates.observe(hostKey(item.page.url), readPage(item.page).extracted.pageKeys);
    }
  }
  templates.prime();
  return templates;
}

/**
 * Rebuilds the documents of batches whose fetch rows a killed crawl committed but whose shards it did not.
 * Returns the number of batches rebuilt.
 */
export async function rebuildBatches(
  catalog: Catalog,
  frontier: Frontier,
  run: SourceRun,
  cfg: CrawlConfig,
): Promise<number> {
  let rebuilt = 0;
  const templates = new SiteTemplates();
  for (const b of await frontier.batches()) {
    if (run.has(batchKey(b))) continue;
    await run.add(batchKey(b), batchKey(b), batchDocuments(catalog, frontier, cfg, b, templates));
    rebuilt++;
  }
  return rebuilt;
}

/** The config a workspace's crawl was last run with (for `--resume` and re-extraction). */
export async function savedCrawlConfig(catalog: Catalog): Promise<CrawlConfig | null> {
  const frontier = await Frontier.open(catalog);
  return frontier.getState<CrawlConfig>("config");
}

/**
 * Re-extracts every stored page from the WARCs with the current extractor, replacing each batch's documents
 * (nothing is refetched). Returns batches and documents written.
 */
export async function reextract(catalog: Catalog): Promise<{ batches: number; documents: number }> {
  const frontier = await Frontier.open(catalog);
  const cfg = await frontier.getState<CrawlConfig>("config");
  if (!cfg)
    throw new UsageError(
      `soro crawl extract: no crawl in ${catalog.ws.dir}`,
      "run `soro crawl --seeds FILE` first",
    );
  const run = await SourceRun.begin(catalog, "crawl", cfg);
  let documents = 0;
  // Every page is read once to count each host's blocks (a host's pages are spread over many batches).
  const templates = await observeTemplates(catalog, frontier);
  let batches = 0;
  let failure: Error | undefined;
  try {
    for (const b of await frontier.batches()) {
      const records = await run.add(
        batchKey(b),
        batchKey(b),
        batchDocuments(catalog, frontier, cfg, b, templates),
      );
      for (const r of records) documents += Number(r.rows);
      batches++;
    }
  } catch (err) {
    failure = err as Error;
  } finally {
    await run.finish(failure);
  }
  if (failure) throw failure;
  return { batches, documents };
}
