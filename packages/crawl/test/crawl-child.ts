// A crawl in its own process, for the SIGKILL test: argv = workspace, seed URL.
import { Catalog } from "@soro/core";
import { runCrawl } from "../src/index.js";
import { testConfig } from "./helpers.js";

const [ws, seed] = process.argv.slice(2) as [string, string];
const catalog = await Catalog.open(ws, { create: true });
await runCrawl(
  catalog,
  testConfig(seed, { concurrency: 2, scope: { mode: "hosts", deny: ["/(slow|bomb|busy)"] } }),
);
catalog.close();
