// Runs one stage over shard files in this process and prints, as the last line of JSON, the parts it wrote, its
// CPU seconds and the process's peak RSS: a bench's parent (stageInOwnProcess in src/testing.ts) reads it, so
// each stage's memory is measured apart from the bench that set it up.
// Usage: node --import tsx stage-process.ts '{"stage": {...}, "inputs": [...], "out": "..."}'
import { processShard, type ShardFile, type StageRef } from "../src/index.js";

const { stage, inputs, out } = JSON.parse(process.argv[2] ?? "{}") as {
  stage: StageRef;
  inputs: string[];
  out: string;
};
const files: ShardFile[] = [];
const start = process.cpuUsage();
for (const [i, inputPath] of inputs.entries()) {
  const r = await processShard({
    stage,
    options: null,
    inputPath,
    inputShardId: `in-${i}`,
    outputPrefix: `${stage.exportName}-${i}`,
    tmpDir: out,
    runId: 1,
  });
  files.push(...r.files);
}
const cpu = process.cpuUsage(start);
console.log(
  JSON.stringify({ files, cpu: (cpu.user + cpu.system) / 1e6, rssKB: process.resourceUsage().maxRSS }),
);
