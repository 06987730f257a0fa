import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Catalog } from "@soro/core";
import { udhrParagraphs } from "@soro/samples";
import { EDU_TASK } from "@soro/sft-builder";
import { expect, it } from "vitest";
import { startSoro } from "./soro-process.js";

it("soro sft load-edu queues one passage per ingested document, then only documents not queued before", {
  timeout: 300_000,
}, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "soro-load-edu-"));
  const ws = path.join(dir, "ws");
  const paras = (await udhrParagraphs("tgk")).filter((p) => p.length > 80).slice(0, 6);
  const file = path.join(dir, "tgk.jsonl");
  await writeFile(
    file,
    paras.map((text, i) => JSON.stringify({ text, url: `https://udhr.example/${i}` })).join("\n"),
  );
  expect(await startSoro(["-w", ws, "ingest", file, "--source", "web"]).exited).toBe(0);
  const first = startSoro(["-w", ws, "sft", "load-edu", "--n", "4"]);
  expect(await first.exited).toBe(0);
  expect(first.stdout()).toContain("4 passages from ingest queued for rating (web: 4)");
  const second = startSoro(["-w", ws, "sft", "load-edu", "--n", "100", "--stage", "ingest"]);
  expect(await second.exited).toBe(0);
  expect(second.stdout()).toContain("2 passages from ingest queued for rating");
  const bad = startSoro(["-w", ws, "sft", "load-edu", "--n", "1", "--stage", "dedup"]);
  expect(await bad.exited).not.toBe(0);
  expect(bad.stderr()).toContain("stage dedup has no active shards");
  const catalog = await Catalog.open(ws, { readOnly: true });
  try {
    const rows = await catalog.rows("SELECT source_excerpt FROM sft_samples WHERE task = $1", [EDU_TASK]);
    expect(rows.map((r) => r.source_excerpt).sort()).toEqual(paras.map((p) => p.trim()).sort());
  } finally {
    catalog.close();
  }
});
