import { readFile } from "node:fs/promises";
import { UsageError } from "@soro/core/base";
import type { CrawlConfig, CrawlConfigInput } from "@soro/crawl";
import { DEFAULT_CRAWL } from "@soro/crawl/defaults";
import type { Command } from "commander";
import { globals, withCatalog } from "../context.js";
import { formatTable } from "../table.js";

/** The flags of `soro crawl`, as commander hands them over. */
interface CrawlFlags {
  seeds?: string;
  config?: string;
  resume?: boolean;
  scope?: string;
  allow: string[];
  deny: string[];
  maxPages?: string;
  maxDepth?: string;
  concurrency?: string;
  perHost?: string;
  delay?: string;
  robots: boolean;
  allowPrivate?: boolean;
  allowNet: string[];
  userAgent?: string;
}

const repeat = (v: string, acc: string[]) => [...acc, v];

/** A non-negative integer flag, or a usage error naming it. */
function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`soro crawl: ${name} ${value} is not a whole number`, `write e.g. ${name} 10`);
  return n;
}

/** The settings the flags give (only those present, so they override a config file or a saved crawl). */
function flagsToConfig(o: CrawlFlags): CrawlConfigInput {
  const scope: NonNullable<CrawlConfigInput["scope"]> = {};
  const fetch: NonNullable<CrawlConfigInput["fetch"]> = {};
  const politeness: NonNullable<CrawlConfigInput["politeness"]> = {};
  const c: CrawlConfigInput = { scope, fetch, politeness };
  if (o.scope) scope.mode = o.scope as "hosts";
  if (o.allow.length) scope.allow = o.allow;
  if (o.deny.length) scope.deny = o.deny;
  const set = <K extends keyof CrawlConfigInput>(k: K, v: CrawlConfigInput[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  set("maxPages", intFlag("--max-pages", o.maxPages));
  set("maxDepth", intFlag("--max-depth", o.maxDepth));
  set("concurrency", intFlag("--concurrency", o.concurrency));
  const delay = intFlag("--delay", o.delay);
  if (delay !== undefined) politeness.minDelayMs = delay;
  if (!o.robots) politeness.robots = false;
  const perHost = intFlag("--per-host", o.perHost);
  if (perHost !== undefined) politeness.perHostConnections = perHost;
  if (o.allowPrivate) fetch.allowPrivate = true;
  if (o.allowNet.length) fetch.allowNetworks = o.allowNet;
  if (o.userAgent) fetch.userAgent = o.userAgent;
  return c;
}

/** `soro crawl`, `soro crawl extract`, `soro crawl status` and `soro extract`. */
export function registerCrawlCommands(program: Command): void {
  const crawl = program
    .command("crawl")
    .description("crawl the web politely from seed URLs into WARCs and `web` documents (resumable)")
    .option("--seeds <file>", "seed URLs, one a line (# starts a note)")
    .option("--config <file>", "crawl settings (YAML or JSON; flags override)")
    .option("--resume", "continue the workspace's crawl with its saved settings")
    .option(
      "--scope <mode>",
      `hosts (seed hosts) | domains (and subdomains) | any (default: ${DEFAULT_CRAWL.scope.mode})`,
    )
    .option("--allow <regex>", "URLs must match one of these (repeatable)", repeat, [])
    .option("--deny <regex>", "URLs matching this are skipped (repeatable)", repeat, [])
    .option(
      "--max-pages <n>",
      `stop after this many fetches in the whole crawl (default: ${DEFAULT_CRAWL.maxPages || "no limit"})`,
    )
    .option("--max-depth <n>", `link hops from a seed (default: ${DEFAULT_CRAWL.maxDepth})`)
    .option("--concurrency <n>", `requests in flight across hosts (default: ${DEFAULT_CRAWL.concurrency})`)
    .option(
      "--per-host <n>",
      `connections per host (default: ${DEFAULT_CRAWL.politeness.perHostConnections})`,
    )
    .option(
      "--delay <ms>",
      `minimum milliseconds between requests to one host (default: ${DEFAULT_CRAWL.politeness.minDelayMs})`,
    )
    .option("--no-robots", "ignore robots.txt (only for your own servers)")
    .option("--allow-private", "allow private, loopback and link-local addresses (intranets, tests)")
    .option("--allow-net <cidr>", "allow one private network, e.g. 127.0.0.1/32 (repeatable)", repeat, [])
    .option(
      "--user-agent <ua>",
      `User-Agent header (keep a contact URL in it; default: ${DEFAULT_CRAWL.fetch.userAgent})`,
    )
    .action(async (o: CrawlFlags, cmd: Command) => {
      await withCatalog(
        cmd,
        async (catalog) => {
          const { loadConfigFile } = await import("@soro/core");
          const { parseSeeds, resolveCrawlConfig, runCrawl, savedCrawlConfig } = await import("@soro/crawl");
          const flags = flagsToConfig(o);
          let cfg: CrawlConfig;
          if (o.resume) {
            const saved = await savedCrawlConfig(catalog);
            if (!saved)
              throw new UsageError(
                `soro crawl: nothing to resume in ${catalog.ws.dir}`,
                "start a crawl with --seeds FILE",
              );
            cfg = resolveCrawlConfig(
              flags,
              resolveCrawlConfig(
                o.config ? ((await loadConfigFile(o.config)) as CrawlConfigInput) : {},
                saved,
              ),
            );
          } else {
            const file = o.config
              ? resolveCrawlConfig((await loadConfigFile(o.config)) as CrawlConfigInput)
              : DEFAULT_CRAWL;
            const seeds = o.seeds ? parseSeeds(await readSeeds(o.seeds)) : [];
            cfg = resolveCrawlConfig({ ...flags, seeds: [...file.seeds, ...seeds] }, file);
            if (cfg.seeds.length === 0)
              throw new UsageError(
                "soro crawl: no seed URLs",
                "give --seeds FILE, seeds: in --config, or --resume",
              );
          }
          const quiet = globals(cmd).quiet;
          const stop = new AbortController();
          const onSigint = () => {
            console.error(
              "crawl: stopping after in-flight fetches (Ctrl-C again to kill; --resume continues)",
            );
            stop.abort();
            process.off("SIGINT", onSigint);
          };
          process.on("SIGINT", onSigint);
          let n = 0;
          let last = Date.now();
          try {
            const s = await runCrawl(catalog, cfg, {
              signal: stop.signal,
              onFetch: (row) => {
                n++;
                if (!quiet && Date.now() - last > 2000) {
                  last = Date.now();
                  console.error(`crawl: ${n} fetches, last ${row.status ?? row.error} ${row.url}`);
                }
              },
            });
            console.log(
              `crawl: ${s.fetched} fetched, ${s.documents} documents, ${s.files} files kept, ${s.failed} failed, ${s.queued} still queued` +
                (s.recovered ? `, ${s.recovered} batches recovered` : "") +
                ` in ${(s.elapsedMs / 1000).toFixed(1)} s`,
            );
          } finally {
            process.off("SIGINT", onSigint);
          }
        },
        { create: true },
      );
    });

  crawl
    .command("extract")
    .description("re-extract documents from the stored WARCs with the current extractor (no refetching)")
    .action(async (_o, cmd: Command) => {
      const { reextract } = await import("@soro/crawl");
      await withCatalog(cmd, async (catalog) => {
        const r = await reextract(catalog);
        console.log(`crawl extract: ${r.batches} batches, ${r.documents} documents`);
      });
    });

  crawl
    .command("status")
    .description("the frontier by status and the fetch log by outcome")
    .action(async (_o, cmd: Command) => {
      const { Frontier } = await import("@soro/crawl");
      await withCatalog(cmd, async (catalog) => {
        const frontier = await Frontier.open(catalog);
        console.log(
          formatTable(Object.entries(await frontier.summary()).map(([status, urls]) => ({ status, urls }))),
        );
        const rows = await catalog.rows(
          "SELECT kind, outcome, count(*)::INTEGER AS fetches, sum(bytes)::BIGINT AS bytes FROM crawl_fetches GROUP BY ALL ORDER BY fetches DESC",
        );
        console.log(`\n${formatTable(rows.map((r) => ({ ...r, bytes: Number(r.bytes ?? 0) })))}`);
      });
    });

  program
    .command("extract")
    .description("print the main text of one HTML page, one block a line (try the crawl extractor)")
    .argument("<page>", "HTML file, or - for stdin")
    .option("--json", "print title, language, canonical URL, date and lines as JSON")
    .action(async (page: string, o: { json?: boolean }) => {
      const bytes =
        page === "-"
          ? await readStdin()
          : await readFile(page).catch(() => {
              throw new UsageError(
                `soro extract: cannot read ${page}`,
                "check the path, or pass - to read stdin",
              );
            });
      const { decodeBody, extractHtml } = await import("@soro/crawl");
      const { text } = decodeBody(bytes, null);
      const e = extractHtml(text);
      if (o.json)
        console.log(
          JSON.stringify({ ...e, links: undefined, lineKeys: undefined, pageKeys: undefined }, null, 2),
        );
      else for (const line of e.lines) console.log(line);
    });
}

/** Reads a seeds file, naming it on failure. */
async function readSeeds(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new UsageError(`soro crawl: seeds file ${file} cannot be read`, "check the path");
  }
}

/** All of stdin. */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
