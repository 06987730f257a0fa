#!/usr/bin/env zx
// The demo pipeline: every stage that exists, on the bundled sample of real offline text, into out/demo/.
import { $, fs, path } from "zx";

$.verbose = true;
const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "out", "demo");
const ws = path.join(out, "workspace");
const soro = (args) => $({ cwd: root })`node --import tsx packages/cli/src/main.ts -w ${ws} ${args}`;

await fs.remove(out);
await $({ cwd: root })`node --import tsx pipelines/build-sample.ts ${path.join(out, "sample")}`;
await soro(["ingest", path.join(out, "sample"), "--source", "web"]);
await soro(["status"]);
console.log(`\ndemo done. workspace: ${ws}`);
console.log(
  `final shards: ${path.join(ws, "shards")}  (try: pnpm soro -w ${ws} sql "select stage, count(*) from shards group by all")`,
);
