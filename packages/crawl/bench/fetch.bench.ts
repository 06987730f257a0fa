// Fetch throughput of the crawler against a loopback server with politeness off (pages/s, MB/s), and peak RSS
// with a one-million-URL frontier. The server runs in its own process so the crawler has its core to itself.
// Run: node --import tsx packages/crawl/bench/fetch.bench.ts [--pages N] [--trace-memory]
// --trace-memory prints a JSON line to stderr every 1000 pages: RSS, JS heap, external and ArrayBuffer memory, and
// DuckDB's own count of the catalog's memory, so growth over a long crawl can be told apart by owner.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Catalog } from "@soro/core";
import { udhrSections } from "@soro/samples";
import type { FetchLogRow } from "../src/frontier.js";
import { Frontier, resolveCrawlConfig, runCrawl } from "../src/index.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};

/** Serves an endless site: /p/N is a Tajik article page linking to ten further pages. */
async function serve(): Promise<void> {
  const sections = await udhrSections("tgk");
  const server = http.createServer((req, res) => {
    const n = Number(/\/p\/(\d+)/.exec(req.url ?? "")?.[1] ?? 0);
    const s = sections[n % sections.length]!;
    const links = Array.from(
      { length: 10 },
      (_, k) => `<li><a href="/p/${n * 10 + k + 1}">${k}</a></li>`,
    ).join("");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><html lang="tg"><head><title>${s.heading}</title></head><body><nav><ul>${links}</ul></nav><article><h1>${s.heading}</h1>${s.paragraphs
        .map((p) => `<p>${p}</p>`)
        .join(
          "",
        )}${s.paragraphs.map((p) => `<p>${p}</p>`).join("")}</article><footer>© 2024</footer></body></html>`,
    );
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    if (process.send) process.send(port);
    else console.log(port);
  });
}

const MB = (n: number) => Math.round(n / 2 ** 20);

/** The catalog's DuckDB instance, for a second connection that reads its memory while the crawl uses the first. */
type WithInstance = { instance: { connect(): Promise<MemoryConn> } };
type MemoryConn = {
  runAndReadAll(sql: string): Promise<{ getRowObjectsJS(): Record<string, unknown>[] }>;
  closeSync(): void;
};

/** An onFetch hook that samples memory every `every` fetches (one sample at a time) and prints it to stderr. */
async function memoryTracer(
  c: Catalog,
  every: number,
): Promise<{ onFetch: (r: FetchLogRow) => void; stop(): Promise<void> }> {
  // Catalog keeps its instance private; a query on its own connection would cancel the crawl's query in flight.
  const conn = await (c as unknown as WithInstance).instance.connect();
  let n = 0;
  let busy = false;
  // Spikes shorter than the time between samples: the highest RSS and heap seen every 10 ms since the last line.
  let high = { rss: 0, heap: 0 };
  const watch = setInterval(() => {
    const m = process.memoryUsage();
    high = { rss: Math.max(high.rss, m.rss), heap: Math.max(high.heap, m.heapUsed) };
  }, 10);
  const sample = async (pages: number | "end") => {
    const m = process.memoryUsage();
    const seen = high;
    high = { rss: 0, heap: 0 };
    const duck = (
      await conn.runAndReadAll(
        "SELECT tag, memory_usage_bytes::DOUBLE AS used, temporary_storage_bytes::DOUBLE AS temp FROM duckdb_memory() WHERE memory_usage_bytes + temporary_storage_bytes > 0",
      )
    ).getRowObjectsJS();
    console.error(
      JSON.stringify({
        pages,
        rssMB: MB(m.rss),
        peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
        highRssMB: MB(seen.rss),
        heapUsedMB: MB(m.heapUsed),
        highHeapMB: MB(seen.heap),
        heapTotalMB: MB(m.heapTotal),
        externalMB: MB(m.external),
        arrayBuffersMB: MB(m.arrayBuffers),
        duckdbMB: MB(duck.reduce((t, r) => t + Number(r.used), 0)),
        duckdbTempMB: MB(duck.reduce((t, r) => t + Number(r.temp), 0)),
        // By owner (base tables, ART index, ...), in MB.
        duckdbTags: Object.fromEntries(duck.map((r) => [r.tag, MB(Number(r.used) + Number(r.temp))])),
      }),
    );
  };
  return {
    onFetch: () => {
      if (++n % every !== 0 || busy) return;
      busy = true;
      sample(n).finally(() => (busy = false));
    },
    stop: async () => {
      clearInterval(watch);
      await sample("end");
      conn.closeSync();
    },
  };
}

/** One measured crawl in this process; prints a JSON line. */
async function scenario(name: string, port: number, pages: number, frontierSize: number): Promise<void> {
  const ws = mkdtempSync(path.join(os.tmpdir(), "soro-crawl-bench-"));
  const c = await Catalog.open(ws, { create: true });
  const seed = `http://127.0.0.1:${port}/p/0`;
  if (frontierSize > 0) {
    await Frontier.open(c);
    await c.conn.run(
      `INSERT INTO crawl_frontier (url, seq, host, kind, depth, hops, parent, status)
       SELECT 'http://127.0.0.1:${port}/q/' || i, nextval('crawl_seq'), '127.0.0.1:${port}', 'page', 1, 0, NULL, 'queued'
       FROM range(${frontierSize}) t(i)`,
    );
  }
  const cfg = resolveCrawlConfig({
    seeds: [seed],
    maxPages: pages,
    maxDepth: 100,
    sitemaps: false,
    concurrency: 64,
    politeness: { robots: false, minDelayMs: 0, perHostConnections: 64 },
    fetch: { allowNetworks: ["127.0.0.1/32"] },
  });
  let bytes = 0;
  const tracer = process.argv.includes("--trace-memory") ? await memoryTracer(c, 1000) : null;
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const s = await runCrawl(c, cfg, {
    onFetch: (r) => {
      bytes += r.bytes ?? 0;
      tracer?.onFetch(r);
    },
  });
  const sec = (performance.now() - t) / 1000;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  await tracer?.stop();
  c.close();
  rmSync(ws, { recursive: true, force: true });
  console.log(
    JSON.stringify({
      scenario: name,
      frontier: frontierSize,
      fetched: s.fetched,
      documents: s.documents,
      pagesPerSec: Math.round(s.fetched / sec),
      MBPerSec: Number((bytes / 1e6 / sec).toFixed(2)),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      // Less noisy than pages/s on a shared machine: main-thread busy time, and CPU time of all threads (DuckDB's too).
      loopMsPerPage: Number((elu.active / s.fetched).toFixed(3)),
      cpuMsPerPage: Number(((cpu.user + cpu.system) / 1000 / s.fetched).toFixed(3)),
    }),
  );
}

if (process.argv.includes("--serve")) await serve();
else if (process.argv.includes("--scenario")) {
  await scenario(
    arg("--scenario", ""),
    Number(arg("--port", "0")),
    Number(arg("--pages", "3000")),
    Number(arg("--frontier", "0")),
  );
} else {
  const self = fileURLToPath(import.meta.url);
  const server = fork(self, ["--serve"], { execArgv: ["--import", "tsx"] });
  const port = await new Promise<number>((r) => server.once("message", (m) => r(Number(m))));
  const pages = arg("--pages", "3000");
  for (const [name, frontier] of [
    ["politeness off", "0"],
    ["1M-URL frontier", "1000000"],
  ] as const) {
    const child = fork(
      self,
      [
        "--scenario",
        name,
        "--port",
        String(port),
        "--pages",
        pages,
        "--frontier",
        frontier,
        ...process.argv.filter((a) => a === "--trace-memory"),
      ],
      {
        execArgv: ["--import", "tsx"],
      },
    );
    await new Promise((r) => child.on("exit", r));
  }
  server.kill();
  console.log("goal: >= 300 pages/s on one core; peak RSS < 500 MB with a 1M-URL frontier");
}
