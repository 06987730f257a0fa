import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { e2eDocuments } from "@soro/core/testing";
import { identifyLines } from "@soro/normalize";
import { analyzeText } from "../src/index.js";

const docs = e2eDocuments("/tmp/h-e2enorm-40MB").slice(0, 6000);
const labels = docs.map((t) => identifyLines(t, "tgk"));
for (const [k, t] of docs.entries()) analyzeText(t, labels[k]);
const s = new Session();
s.connect();
await s.post("Profiler.enable");
await s.post("Profiler.start");
for (let r = 0; r < 2; r++) for (const [k, t] of docs.entries()) analyzeText(t, labels[k]);
const { profile } = await s.post("Profiler.stop");
writeFileSync("/tmp/me/q5.cpuprofile", JSON.stringify(profile));
