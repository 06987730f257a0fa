// A generate run in its own process, so that a test can kill it mid-run: argv = workspace, endpoint URL.
import { Catalog } from "@soro/core";
import { generateSamples } from "../src/index.js";

const [ws, url] = process.argv.slice(2);
const catalog = await Catalog.open(ws!);
await generateSamples(catalog, {
  tasks: ["explain", "summary", "quiz"],
  target: 1000,
  engine: { baseUrl: url!, model: "teacher", concurrency: 4, backoffMs: 10 },
});
catalog.close();
