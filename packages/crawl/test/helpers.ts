import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { type CrawlConfig, type CrawlConfigInput, resolveCrawlConfig } from "../src/index.js";
import type { Resolver } from "../src/safety.js";

/** A fresh workspace catalog in a temp folder. */
export async function tempCatalog(): Promise<Catalog> {
  return Catalog.open(mkdtempSync(path.join(os.tmpdir(), "soro-crawl-")), { create: true });
}

/** A fast crawl config for the loopback test site: only 127.0.0.1 allowed, no politeness delay, short timeouts. */
export function testConfig(seed: string, extra: CrawlConfigInput = {}): CrawlConfig {
  return resolveCrawlConfig({
    ...extra,
    politeness: { minDelayMs: 0, backoffMs: 100, ...extra.politeness },
    seeds: [seed],
    fetch: { allowNetworks: ["127.0.0.1/32"], totalTimeoutMs: 1500, bodyTimeoutMs: 1000, ...extra.fetch },
  });
}

/** Test DNS: every name is the loopback test site, except `intranet.test`, which answers a private address. */
export const testResolver: Resolver = async (host) =>
  host === "intranet.test" ? [{ address: "192.168.7.7", family: 4 }] : [{ address: "127.0.0.1", family: 4 }];

/** The crawl stage's documents, with meta parsed. */
export async function crawlDocs(
  c: Catalog,
): Promise<Array<{ url: string; text: string; meta: Record<string, unknown> }>> {
  const table = await c.stageTableSql("crawl");
  if (!table) return [];
  const rows = await c.rows(`SELECT url, text, meta FROM ${table} ORDER BY url`);
  return rows.map((r) => ({ url: String(r.url), text: String(r.text), meta: JSON.parse(String(r.meta)) }));
}

/** Files a crawl reads per host, before its pages and again in each run: robots.txt and TDMRep's tdmrep.json. */
export const SITE_POLICY_FILES: ReadonlySet<string> = new Set(["/robots.txt", "/.well-known/tdmrep.json"]);
