// Demo: serve the bundled Tajik test site on 127.0.0.1 and crawl it with the real, built `soro crawl` command.
// Usage: node --import tsx packages/crawl/scripts/demo-crawl.ts <workspace>
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { SORO_BIN } from "@soro/core/testing";
import { startTestSite } from "../test/site.js";

const ws = process.argv[2];
if (!ws) {
  console.error("usage: demo-crawl.ts <workspace>");
  process.exit(2);
}
// Asynchronous on purpose: the site is served from this process, so its event loop must keep running.
const soro = async (...args: string[]) => {
  const child = spawn(process.execPath, [SORO_BIN, "-w", ws, ...args], { stdio: "inherit" });
  const code = await new Promise((r) => child.on("exit", r));
  if (code !== 0) throw new Error(`soro ${args.join(" ")} exited with ${code}`);
};

const site = await startTestSite({ articles: 31 });
const seeds = path.join(os.tmpdir(), `soro-demo-seeds-${process.pid}.txt`);
writeFileSync(seeds, `${site.url}  # the local test site: UDHR articles in Tajik behind menus and footers\n`);
try {
  console.log(`demo-crawl: serving ${site.url}`);
  // The test site also holds a never-ending slow page (a timeout trap for tests); the demo skips it.
  await soro("crawl", "--seeds", seeds, "--allow-net", "127.0.0.1/32", "--delay", "50", "--deny", "/slow$");
  await soro("crawl", "status");
} finally {
  await site.close();
}
