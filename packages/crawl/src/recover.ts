import { type Catalog, type SourceItem, SourceRun, UsageError } from "@soro/core";
import type { CrawlConfig } from "./config.js";
import { header } from "./fetcher.js";
import { Frontier } from "./frontier.js";
import { batchKey, canonicalElsewhere, crawlDirs } from "./layout.js";
import { readPage } from "./page.js";
import { SiteTemplates } from "./site-templates.js";
import { scopeChecker, urlNormalizer } from "./url.js";
import { readWarcRecord } from "./warc.js";

/** Documents of one batch, re-read from the WARC records its fetch log rows point to. */
async function* batchDocuments(
  catalog: Catalog,
  frontier: Frontier,
  cfg: CrawlConfig,
  batch: number,
  templates: SiteTemplates,
): AsyncGenerator<SourceItem> {
  const dir = crawlDirs(catalog).warc;
  const normalize = urlNormalizer(cfg.trackingParams);
  const inScope = scopeChecker(
    cfg.scope,
    cfg.seeds.map((s) => normalize(s)).filter((s): s is string => s !== null),
  );
  for (const row of await frontier.batchRows(batch)) {
    try {
      const stored = await readWarcRecord(dir, row.warc);
      const read = readPage(
        {
          url: row.url,
          status: stored.status,
          contentType: header(stored, "content-type"),
          body: stored.body,
          truncated: stored.truncated,
          fetchedAt: row.fetchedAt,
          depth: row.depth,
        },
        templates,
      );
      if (canonicalElsewhere(read.extracted.canonical, row.url, normalize, inScope)) continue;
      if (read.doc) yield { doc: read.doc };
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
  // One memory across batches: a host's pages are spread over many of them.
  const templates = new SiteTemplates();
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
